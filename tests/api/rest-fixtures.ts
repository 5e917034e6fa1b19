/**
 * Fixtures for the REST API tests: signed-up users with a session cookie and an API key, handler calls
 * with real Request objects, sample definitions, and a reader for Server-Sent Event responses.
 */
import { expect } from "vitest";
import { POST as createKey } from "@/app/api/keys/route";
import { DELETE as revokeKey } from "@/app/api/keys/[id]/route";
import type { RouteHandler } from "@/lib/http";
import { apiRequest, expectNoLeak, read, routeContext, signUp, type ReadResponse } from "./helpers";

export interface Actor {
  id: string;
  email: string;
  cookie: string;
  apiKey: string;
}

/** A fresh user through the real sign-up and key routes. */
export async function newActor(): Promise<Actor> {
  const { user, cookie } = await signUp();
  const created = await read(
    await createKey(apiRequest("/api/keys", { method: "POST", body: { name: "tests" }, cookie }), routeContext()),
  );
  expect(created.status).toBe(201);
  return { id: user.id, email: user.email, cookie, apiKey: created.json.secret };
}

/** A key of `actor`'s that has been revoked. */
export async function revokedKeyOf(actor: Actor): Promise<string> {
  const created = await read(
    await createKey(
      apiRequest("/api/keys", { method: "POST", body: { name: "revoked" }, cookie: actor.cookie }),
      routeContext(),
    ),
  );
  const revoked = await revokeKey(
    apiRequest(`/api/keys/${created.json.key.id}`, { method: "DELETE", cookie: actor.cookie }),
    routeContext({ id: created.json.key.id }),
  );
  expect(revoked.status).toBe(204);
  return created.json.secret as string;
}

export type Auth = { cookie?: string; apiKey?: string } | Actor;

function credentials(auth: Auth | undefined): { cookie?: string; apiKey?: string } {
  if (!auth) return {};
  if ("apiKey" in auth && "cookie" in auth && "id" in auth) return { apiKey: auth.apiKey };
  return auth;
}

export interface CallOptions {
  method?: string;
  body?: unknown;
  auth?: Auth;
  params?: Record<string, string>;
  headers?: Record<string, string>;
}

/** Calls a route handler like Next does; an Actor authenticates with its API key unless a cookie is given. */
export async function call(
  handler: RouteHandler<never>,
  path: string,
  { method = "GET", body, auth, params = {}, headers = {} }: CallOptions = {},
): Promise<ReadResponse> {
  const response = await (handler as unknown as RouteHandler)(
    apiRequest(path, { method, body, headers, ...credentials(auth) }),
    routeContext(params),
  );
  return read(response);
}

/** Calls a handler and returns the raw Response (for streams and downloads). */
export async function callRaw(
  handler: RouteHandler<never>,
  path: string,
  { method = "GET", body, auth, params = {}, headers = {} }: CallOptions = {},
): Promise<Response> {
  return (handler as unknown as RouteHandler)(
    apiRequest(path, { method, body, headers, ...credentials(auth) }),
    routeContext(params),
  );
}

export interface SseMessage {
  id?: string;
  event: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data: any;
}

/** Reads a whole Server-Sent Events response into its messages (comments, and blocks without data such as `retry:`, skipped). */
export async function readSse(response: Response): Promise<SseMessage[]> {
  expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const text = await response.text();
  expectNoLeak(text);
  const messages: SseMessage[] = [];
  for (const block of text.split("\n\n")) {
    const lines = block.split("\n").filter((line) => line && !line.startsWith(":"));
    if (lines.length === 0) continue;
    const message: SseMessage = { event: "message", data: undefined };
    const data: string[] = [];
    for (const line of lines) {
      const [field, ...rest] = line.split(": ");
      const value = rest.join(": ");
      if (field === "id") message.id = value;
      else if (field === "event") message.event = value;
      else if (field === "data") data.push(value);
    }
    // As in the spec: a block without data (the stream's opening `retry:`) dispatches no event.
    if (data.length === 0) continue;
    message.data = JSON.parse(data.join("\n"));
    messages.push(message);
  }
  return messages;
}

/** start → model (the built-in local echo model) → end: valid everywhere, needs no key. */
export function echoDefinition(name = "Echo flow") {
  return {
    name,
    description: "Answers with what it received",
    nodes: [
      { id: "start", type: "start", position: { x: 0, y: 0 }, data: { label: "Start", config: {} } },
      {
        id: "model",
        type: "model",
        position: { x: 240, y: 0 },
        data: { label: "Model", config: { provider: "local", model: "echo" } as Record<string, unknown> },
      },
      { id: "end", type: "end", position: { x: 480, y: 0 }, data: { label: "End", config: {} } },
    ],
    edges: [
      { id: "e1", source: "start", target: "model" },
      { id: "e2", source: "model", target: "end" },
    ],
    metadata: {},
  };
}

/** start → human approval → end(approved) / end(rejected): pauses for an answer. */
export function approvalDefinition(name = "Approval flow") {
  return {
    name,
    description: "",
    nodes: [
      { id: "start", type: "start", position: { x: 0, y: 0 }, data: { config: {} } },
      {
        id: "review",
        type: "human",
        position: { x: 240, y: 0 },
        data: { config: { mode: "approval", question: "Ship it?", variable: "ok" } },
      },
      { id: "yes", type: "end", position: { x: 480, y: -80 }, data: { config: { outputTemplate: "shipped" } } },
      { id: "no", type: "end", position: { x: 480, y: 80 }, data: { config: { outputTemplate: "held back" } } },
    ],
    edges: [
      { id: "e1", source: "start", target: "review" },
      { id: "e2", source: "review", target: "yes", sourceHandle: "approved" },
      { id: "e3", source: "review", target: "no", sourceHandle: "rejected" },
    ],
    metadata: {},
  };
}

/** Saved as a draft, refused by the engine: the model node names a provider that does not exist. */
export function invalidDefinition(name = "Broken flow") {
  const definition = echoDefinition(name);
  definition.nodes[1]!.data.config = { provider: "nonexistent", model: "x" };
  return definition;
}
