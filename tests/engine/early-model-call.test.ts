/**
 * A chat turn whose owner's run limits admitted it as it was loaded (the pre-check in loadChatTurn's one
 * statement) sends its model request while the start's round trip is still in flight; the answer is used
 * only once the run has started. A start that refuses the run after all (another start took the last slot
 * meanwhile) stops it: the request is aborted, no token is emitted and nothing of the run is stored. A turn
 * the pre-check finds over a limit waits for the start as before, and reaches no model.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExecutionEvent } from "@/lib/contracts/events";
import { type RunLimitSettings, refusalError } from "@/lib/db/queries/run-limits";
import type { ExecutionContext } from "@/lib/engine/context";
import { execute } from "@/lib/engine/execute";
import { EventBus } from "@/lib/tracking/event-bus";
import { WorkflowTracker } from "@/lib/tracking/workflow-tracker";
import { createTestUser } from "../helpers/db";
import { setEnv } from "../helpers/env";
import { query } from "../tracking/helpers";
import { startWireServer, type WireServer } from "../helpers/wire-server";
import { chain, collect, graph, node, saveDefinition } from "./helpers";
import { sql } from "drizzle-orm";

const PIECE_LATENCY_MS = 20;
const ANSWER = Array.from({ length: 60 }, (_, i) => `word${i}`).join(" ");
const LIMITS: RunLimitSettings = { maxConcurrent: 5, perMinute: 100, maxQueued: 10 };

let wire: WireServer;
let requests = 0;
let pieces = 0;
const buses: EventBus[] = [];
let restoreEnv: (() => void) | undefined;

beforeAll(async () => {
  wire = await startWireServer({
    latencyMs: PIECE_LATENCY_MS,
    record: false,
    respond: () => {
      requests += 1;
      return { text: ANSWER };
    },
    onTextPiece: () => {
      pieces += 1;
    },
  });
  restoreEnv = setEnv({ OPENAI_BASE_URL: `${wire.url}/v1`, OPENAI_API_KEY: "test-key" });
});

afterAll(async () => {
  restoreEnv?.();
  await Promise.all(buses.map((b) => b.close()));
  await wire?.close();
});

/** The database tracker, with its start held until `open` is called (and then, optionally, refusing). */
function gatedTracker() {
  const bus = new EventBus();
  buses.push(bus);
  let open!: (refuse: boolean) => void;
  const gate = new Promise<boolean>((resolve) => {
    open = resolve;
  });
  class Gated extends WorkflowTracker {
    override async start(ctx: ExecutionContext): Promise<void> {
      if (await gate) throw refusalError({ limit: "concurrent", count: 1, retryAfterSeconds: 2 }, LIMITS);
      return super.start(ctx);
    }
  }
  return { tracker: new Gated({ bus }), open };
}

async function chatWorkflow(ownerId: string): Promise<string> {
  return saveDefinition(
    ownerId,
    graph(
      [
        node("start", "start"),
        node("memory", "memory", { strategy: "window", windowSize: 10 }),
        node("model", "model", { provider: "openai", model: "gpt-4o-mini" }),
        node("end", "end"),
      ],
      chain("start", "memory", "model", "end"),
    ),
  );
}

async function rowsOf(ownerId: string) {
  const [row] = await query<{ executions: number; conversations: number; messages: number }>(sql`
    select (select count(*) from workflow_executions where owner_id = ${ownerId})::int as executions,
           (select count(*) from conversations where owner_id = ${ownerId})::int as conversations,
           (select count(*) from messages where owner_id = ${ownerId})::int as messages`);
  return row;
}

describe("a chat turn within its limits calls its model while the start is in flight", () => {
  it("sends the request before the start commits and streams the answer after run_started", async () => {
    const user = await createTestUser();
    const workflowId = await chatWorkflow(user.id);
    const { tracker, open } = gatedTracker();
    const before = requests;
    // The stream is handed over once the run has started.
    const stream = execute(
      { type: "CHAT", workflowId, message: "hello" },
      { userId: user.id, tracker, stream: true, admission: LIMITS },
    );
    // The start is held: the model's request is out all the same.
    await expect.poll(() => requests, { timeout: 5_000 }).toBe(before + 1);
    open(false);
    const all = await collect((await stream) as AsyncIterable<ExecutionEvent>);
    expect(all[0]?.type).toBe("run_started");
    const firstToken = all.findIndex((e) => e.type === "token");
    expect(firstToken).toBeGreaterThan(0);
    expect(all.at(-1)?.type).toBe("run_completed");
    expect(
      all
        .filter((e) => e.type === "token")
        .map((e) => (e.data as { text: string }).text)
        .join(""),
    ).toBe(ANSWER);
    expect(await rowsOf(user.id)).toMatchObject({ executions: 1, conversations: 1, messages: 2 });
  });

  it("a start that refuses the run after all aborts the request, emits nothing and stores nothing", async () => {
    const user = await createTestUser();
    const workflowId = await chatWorkflow(user.id);
    const { tracker, open } = gatedTracker();
    const before = requests;
    const started = execute(
      { type: "CHAT", workflowId, message: "hello" },
      { userId: user.id, tracker, stream: true, admission: LIMITS },
    );
    await expect.poll(() => requests, { timeout: 5_000 }).toBe(before + 1);
    // Let a few pieces of the answer arrive before the start refuses.
    await new Promise((resolve) => setTimeout(resolve, 3 * PIECE_LATENCY_MS));
    const piecesAtRefusal = pieces;
    open(true);
    await expect(started).rejects.toMatchObject({ status: 429, code: "rate_limit:concurrent_runs" });
    await new Promise((resolve) => setTimeout(resolve, 10 * PIECE_LATENCY_MS));
    // The request was aborted: at most a piece or two already on their way, not the other ~55.
    expect(pieces - piecesAtRefusal).toBeLessThanOrEqual(3);
    expect(await rowsOf(user.id)).toEqual({ executions: 0, conversations: 0, messages: 0 });
  });

  it("a turn the pre-check finds over a limit waits for the start and reaches no model", async () => {
    const user = await createTestUser();
    const workflowId = await chatWorkflow(user.id);
    const before = requests;
    const bus = new EventBus();
    buses.push(bus);
    await expect(
      execute(
        { type: "CHAT", workflowId, message: "hello" },
        {
          userId: user.id,
          tracker: new WorkflowTracker({ bus }),
          admission: { maxConcurrent: 0, perMinute: 100, maxQueued: 10 },
        },
      ),
    ).rejects.toMatchObject({ status: 429, code: "rate_limit:concurrent_runs" });
    expect(requests).toBe(before);
    expect(await rowsOf(user.id)).toEqual({ executions: 0, conversations: 0, messages: 0 });
  });
});
