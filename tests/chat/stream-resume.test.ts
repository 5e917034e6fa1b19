/**
 * The chat's stream client against the real routes: a connection that drops mid-answer is resumed from
 * GET /api/executions/:id/events with Last-Event-ID, and the answer arrives whole — no event lost, none
 * twice — while the run itself goes on (a dropped connection is not a stop). Stop is explicit: a cancel
 * ends the answer "stopped" with the text that had arrived.
 */
import { describe, expect, it } from "vitest";
import { POST as chat } from "@/app/api/chat/route";
import { GET as getConversation } from "@/app/api/conversations/[id]/route";
import { POST as cancel } from "@/app/api/executions/[id]/cancel/route";
import { POST as resume } from "@/app/api/executions/[id]/resume/route";
import { GET as runEvents } from "@/app/api/executions/[id]/events/route";
import { GET as getExecution } from "@/app/api/executions/[id]/route";
import { POST as createWorkflow } from "@/app/api/workflows/route";
import { followRun, postForEvents } from "@/lib/api-client/run-stream";
import { applyEvents, newLiveRun } from "@/components/chat/live-run";
import type { ExecutionEvent } from "@/lib/contracts/events";
import { BASE_URL, routeContext } from "../api/helpers";
import { call, callRaw, echoDefinition, newActor, readSse, type Actor } from "../api/rest-fixtures";

const EVENTS_PATH = /^\/api\/executions\/([0-9A-Z]{26})\/events$/;

/**
 * A fetch that reaches the route handlers in-process, as the browser reaches the server. The first
 * `dropAfter` run events of the chat stream get through; then the connection fails as a dropped network
 * does (the reader errors, the server sees its stream cancelled).
 */
function routeFetch(actor: Actor, { dropAfter }: { dropAfter?: number } = {}) {
  const requests: Array<{ path: string; lastEventId: string | null }> = [];
  const impl = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input), BASE_URL);
    const headers = new Headers(init?.headers);
    headers.set("authorization", `Bearer ${actor.apiKey}`);
    const request = new Request(url, { ...init, headers });
    requests.push({ path: url.pathname, lastEventId: headers.get("last-event-id") });
    if (url.pathname === "/api/chat") {
      const response = await chat(request, routeContext());
      return dropAfter === undefined ? response : dropping(response, dropAfter);
    }
    const match = EVENTS_PATH.exec(url.pathname);
    if (match) return runEvents(request, routeContext({ id: match[1]! }));
    throw new Error(`unexpected request ${url.pathname}`);
  };
  return { fetch: impl as typeof fetch, requests };
}

function dropping(response: Response, dropAfter: number): Response {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let seen = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) return controller.close();
      seen += (decoder.decode(value, { stream: true }).match(/^id: /gm) ?? []).length;
      controller.enqueue(value);
      if (seen >= dropAfter) {
        await reader.cancel();
        controller.error(new TypeError("network error"));
      }
    },
    cancel: () => reader.cancel(),
  });
  return new Response(body, { status: response.status, headers: response.headers });
}

/** start → slow local model → end: about 120 tokens, 5 ms apart. */
async function slowWorkflow(actor: Actor): Promise<string> {
  const definition = echoDefinition("Slow answers");
  definition.nodes[1]!.data.config = { provider: "local", model: "slow" };
  const { status, json } = await call(createWorkflow, "/api/workflows", {
    method: "POST",
    body: definition,
    auth: actor,
  });
  expect(status).toBe(201);
  return json.workflow.id as string;
}

async function savedConversation(actor: Actor, id: string) {
  const { json } = await call(getConversation, "/api/conversations/x", { auth: actor, params: { id } });
  return json.conversation as {
    messages: Array<{ role: string; content: string; status: string; executionId: string | null }>;
  };
}

describe("chat stream client", () => {
  it("resumes a dropped answer from the run's events: every event once, in order, the answer whole", async () => {
    const actor = await newActor();
    const workflowId = await slowWorkflow(actor);
    const { fetch, requests } = routeFetch(actor, { dropAfter: 12 });
    const received: ExecutionEvent[] = [];
    const reconnects: number[] = [];
    const controller = new AbortController();

    const outcome = await followRun({
      open: postForEvents("/api/chat", { message: "Count for me", workflowId }, fetch),
      signal: controller.signal,
      fetchImpl: fetch,
      backoffMs: () => 50,
      onEvents: (events) => received.push(...events),
      onReconnecting: (attempt) => reconnects.push(attempt),
    });

    expect(outcome.kind).toBe("ended");
    if (outcome.kind !== "ended") return;
    expect(outcome.terminal.type).toBe("run_completed");
    expect(reconnects.length).toBeGreaterThanOrEqual(1);
    // The reconnect asked for what came after the last event it had.
    const resumed = requests.find((r) => EVENTS_PATH.test(r.path));
    expect(resumed?.lastEventId).toBe("12");

    const seqs = received.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(received.filter((e) => e.type === "token").length).toBeGreaterThan(50);

    const run = applyEvents(newLiveRun(), received);
    expect(run.status).toBe("completed");
    const conversation = await savedConversation(actor, run.conversationId!);
    const answer = conversation.messages.at(-1)!;
    expect(answer).toMatchObject({ role: "assistant", status: "complete", executionId: run.executionId });
    // Streamed tokens, joined, are exactly the saved answer: nothing lost or doubled at the seam.
    const streamed = received.map((e) => (e.type === "token" ? e.data.text : "")).join("");
    expect(streamed).toBe(answer.content);
    expect(run.text).toBe(answer.content);
    expect(answer.content).toContain("Counting slowly: 1 2 3");
    expect(answer.content).toContain("99 100.");
  }, 60_000);

  it("keeps answering when the client goes away for good; the answer is saved complete", async () => {
    const actor = await newActor();
    const workflowId = await slowWorkflow(actor);
    const { fetch } = routeFetch(actor, { dropAfter: 5 });
    const controller = new AbortController();
    let executionId: string | undefined;
    const outcome = await followRun({
      open: postForEvents("/api/chat", { message: "Keep going", workflowId }, fetch),
      signal: controller.signal,
      fetchImpl: fetch,
      // The client never comes back: it gives up at once.
      maxReconnects: 0,
      onEvents: (events) => (executionId ??= events[0]?.executionId),
    });
    expect(outcome.kind).toBe("error");
    expect(executionId).toBeDefined();

    // The run goes on without a reader and ends completed.
    let status = "running";
    for (let i = 0; i < 200 && status === "running"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await call(getExecution, "/api/executions/x", { auth: actor, params: { id: executionId! } })).json
        .execution.status;
    }
    expect(status).toBe("completed");
  }, 60_000);

  it("an approval answered in the chat goes on when the client goes away; the answer is saved complete", async () => {
    const actor = await newActor();
    const definition = echoDefinition("Approve, then answer slowly");
    definition.nodes.splice(1, 0, {
      id: "review",
      type: "human",
      position: { x: 120, y: 0 },
      data: { label: "Review", config: { mode: "approval", question: "Go on?", variable: "ok" } },
    });
    definition.nodes.find((n) => n.id === "model")!.data.config = { provider: "local", model: "slow" };
    definition.edges = [
      { id: "a", source: "start", target: "review" },
      { id: "b", source: "review", target: "model", sourceHandle: "approved" },
      { id: "c", source: "review", target: "end", sourceHandle: "rejected" },
      { id: "d", source: "model", target: "end" },
    ] as typeof definition.edges;
    const created = await call(createWorkflow, "/api/workflows", { method: "POST", body: definition, auth: actor });
    expect(created.status).toBe(201);

    const asked = await readSse(
      await callRaw(chat, "/api/chat", {
        method: "POST",
        body: { message: "Write it", workflowId: created.json.workflow.id },
        auth: actor,
        headers: { accept: "text/event-stream" },
      }),
    );
    const paused = asked.find((m) => m.event === "run_completed")?.data.data;
    expect(paused?.status).toBe("paused");
    const executionId = paused.executionId as string;

    // The answer's stream is read for a moment, then the connection goes away for good.
    const response = await callRaw(resume, "/api/executions/x/resume", {
      method: "POST",
      body: { approved: true },
      auth: actor,
      params: { id: executionId },
      headers: { accept: "text/event-stream" },
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();

    let status = "running";
    for (let i = 0; i < 200 && status !== "completed" && status !== "cancelled" && status !== "failed"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await call(getExecution, "/api/executions/x", { auth: actor, params: { id: executionId } })).json
        .execution.status;
    }
    expect(status).toBe("completed");
    const saved = await savedConversation(actor, paused.conversationId as string);
    const answer = saved.messages.filter((m) => m.role === "assistant").at(-1)!;
    expect(answer).toMatchObject({ status: "complete", executionId });
    expect(answer.content).toContain("99 100.");
  }, 60_000);

  it("stops on request: the run is cancelled and the answer keeps the text that had arrived, marked stopped", async () => {
    const actor = await newActor();
    const workflowId = await slowWorkflow(actor);
    const { fetch } = routeFetch(actor);
    const controller = new AbortController();
    // An earlier turn: a stopped answer must not pass off the previous answer as its own.
    let earlier = newLiveRun();
    await followRun({
      open: postForEvents("/api/chat", { message: "Hello there" }, fetch),
      signal: controller.signal,
      fetchImpl: fetch,
      onEvents: (events) => (earlier = applyEvents(earlier, events)),
    });
    expect(earlier.status).toBe("completed");
    let live = newLiveRun();
    let cancelled = false;
    const outcome = await followRun({
      open: postForEvents(
        "/api/chat",
        { message: "Stop me", workflowId, conversationId: earlier.conversationId },
        fetch,
      ),
      signal: controller.signal,
      fetchImpl: fetch,
      onEvents: (events) => {
        live = applyEvents(live, events);
        if (!cancelled && live.text.length > 40) {
          cancelled = true;
          void call(cancel, "/api/executions/x/cancel", {
            method: "POST",
            auth: actor,
            params: { id: live.executionId! },
          }).then((r) => expect(r.status).toBe(200));
        }
      },
    });
    expect(outcome.kind).toBe("ended");
    expect(live.status).toBe("stopped");
    expect(live.text).not.toContain("99 100.");
    const conversation = await savedConversation(actor, live.conversationId!);
    const answer = conversation.messages.at(-1)!;
    expect(answer).toMatchObject({ role: "assistant", status: "stopped" });
    // What was saved is what the user saw arrive before the stop.
    expect(answer.content).toBe(live.text);
    expect(answer.content).toContain('You said: "Stop me"');
  }, 60_000);
});
