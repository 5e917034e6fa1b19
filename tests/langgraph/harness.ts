/**
 * Where the LangGraph SDK suite runs: in process (the route handler called with real Requests through the
 * SDK's own fetch hook, on the test database) or, with LG_TEST_URL and LG_TEST_API_KEY(S) set, against a
 * running server (the production build: tests/langgraph/run.ts). Either way the official
 * @langchain/langgraph-sdk Client makes every call.
 */
import { Client } from "@langchain/langgraph-sdk";
import { expect } from "vitest";

export const REMOTE_URL = process.env.LG_TEST_URL;

export interface Harness {
  /** The SDK client of a user (their API key, sent as x-api-key). */
  client(apiKey: string | null): Client;
  /** A raw request to the prefix (for what the SDK does not send: bad bodies, no key). */
  raw(path: string, init?: RequestInit & { apiKey?: string }): Promise<Response>;
  /** A user with an API key. */
  newUser(): Promise<{ id: string; apiKey: string }>;
  /** Saves a workflow as `apiKey`'s user; its id. */
  saveWorkflow(apiKey: string, definition: unknown): Promise<string>;
  /** GET on Lattice's REST API as `apiKey`'s user. */
  rest(apiKey: string, path: string): Promise<{ status: number; json: any }>;
}

async function localHarness(): Promise<Harness> {
  const { handleLanggraphRequest } = await import("@/lib/langgraph-api/router");
  const { newActor } = await import("../api/rest-fixtures");
  const { POST: createWorkflow } = await import("@/app/api/workflows/route");
  const { apiRequest, routeContext } = await import("../api/helpers");
  const fetchLocal = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    const { pathname } = new URL(request.url);
    const segments = pathname
      .replace(/^\/api\/langgraph\/?/, "")
      .split("/")
      .filter(Boolean);
    return handleLanggraphRequest(request, segments);
  };
  const rests: Record<string, () => Promise<{ GET: (r: Request, c: unknown) => Promise<Response> }>> = {
    "/api/executions": () => import("@/app/api/executions/route") as never,
    "/api/conversations": () => import("@/app/api/conversations/route") as never,
    "/api/analytics/summary": () => import("@/app/api/analytics/summary/route") as never,
    "/api/workflows/{id}/schedules": () => import("@/app/api/workflows/[id]/schedules/route") as never,
  };
  return {
    client: (apiKey) =>
      new Client({
        apiUrl: "http://localhost:3000/api/langgraph",
        apiKey,
        callerOptions: { fetch: fetchLocal, maxRetries: 0 },
      }),
    raw: (path, { apiKey, ...init } = {}) => {
      const headers = new Headers(init.headers);
      if (apiKey) headers.set("x-api-key", apiKey);
      return fetchLocal(`http://localhost:3000/api/langgraph${path}`, { ...init, headers });
    },
    newUser: async () => {
      const actor = await newActor();
      return { id: actor.id, apiKey: actor.apiKey };
    },
    saveWorkflow: async (apiKey, definition) => {
      const response = await createWorkflow(
        apiRequest("/api/workflows", { method: "POST", body: definition, apiKey }),
        routeContext(),
      );
      const json = (await response.json()) as { workflow: { id: string } };
      expect(response.status).toBe(201);
      return json.workflow.id;
    },
    rest: async (apiKey, path) => {
      const [base] = path.split("?");
      const id = /^\/api\/workflows\/([^/]+)\//.exec(base!)?.[1];
      const key = id ? base!.replace(id, "{id}") : base!;
      const mod = await rests[key]!();
      const response = await mod.GET(apiRequest(path, { apiKey }), routeContext(id ? { id } : {}));
      return { status: response.status, json: await response.json() };
    },
  };
}

function remoteHarness(baseUrl: string): Harness {
  const api = `${baseUrl}/api/langgraph`;
  return {
    client: (apiKey) => new Client({ apiUrl: api, apiKey, callerOptions: { maxRetries: 0 } }),
    raw: (path, { apiKey, ...init } = {}) => {
      const headers = new Headers(init.headers);
      if (apiKey) headers.set("x-api-key", apiKey);
      return fetch(`${api}${path}`, { ...init, headers });
    },
    newUser: async () => {
      const { signUpOverHttp } = await import("../helpers/http-client");
      const user = await signUpOverHttp(baseUrl, "lg");
      return { id: user.id, apiKey: user.apiKey };
    },
    saveWorkflow: async (apiKey, definition) => {
      const response = await fetch(`${baseUrl}/api/workflows`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body: JSON.stringify(definition),
      });
      const json = (await response.json()) as { workflow: { id: string } };
      expect(response.status, JSON.stringify(json)).toBe(201);
      return json.workflow.id;
    },
    rest: async (apiKey, path) => {
      const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${apiKey}` } });
      return { status: response.status, json: await response.json() };
    },
  };
}

export async function harness(): Promise<Harness> {
  return REMOTE_URL ? remoteHarness(REMOTE_URL) : localHarness();
}
