/**
 * A finish that cannot be stored (issue 14, item 15): the run is recorded as failed, and it must not look as
 * if it had succeeded — not to the caller of execute, not in its event stream, not in its stored events —
 * while the cause (a database message) goes to the log with the run's id, never to the client. If even the
 * failure cannot be stored, that is logged with the run's id and the caller gets the error.
 */
import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { messages } from "@/lib/db/schema";
import { execute } from "@/lib/engine/execute";
import { finalizeExecutions } from "@/lib/db/queries/executions";
import { CompositeTracker, InMemoryTracker } from "@/lib/engine/tracker";
import { EventBus } from "@/lib/tracking/event-bus";
import { WorkflowTracker } from "@/lib/tracking/workflow-tracker";
import { createTestUser, testDb } from "../helpers/db";
import { collect, echoGraph } from "../engine/helpers";
import { approvalGraph } from "../engine/fixtures/approval-graph";
import { eventRows, executionRow, query } from "./helpers";

const faults = vi.hoisted(() => ({ finishes: 0 }));
vi.mock("@/lib/db/queries/executions", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/db/queries/executions")>();
  return {
    ...actual,
    finishExecution: async (args: Parameters<typeof actual.finishExecution>[0]) => {
      if (faults.finishes > 0) {
        faults.finishes -= 1;
        throw new Error('insert or update on table "messages" violates foreign key constraint (injected)');
      }
      return actual.finishExecution(args);
    },
  };
});

const buses: EventBus[] = [];
function isolatedTracker() {
  const bus = new EventBus();
  buses.push(bus);
  return new WorkflowTracker({ bus });
}
afterAll(async () => {
  await Promise.all(buses.map((b) => b.close()));
});
afterEach(() => {
  faults.finishes = 0;
  vi.restoreAllMocks();
});

describe("a finish whose outcome cannot be stored", () => {
  it("is the run's error: the result, the stream's last event and the stored row and events all say failed", async () => {
    const user = await createTestUser();
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    faults.finishes = 1;
    const probe = new InMemoryTracker();
    const events = await collect(
      await execute(
        { type: "CUSTOM", definition: echoGraph(), input: { message: "hello" } },
        { userId: user.id, tracker: new CompositeTracker([isolatedTracker(), probe]), stream: true },
      ),
    );
    const terminal = events.at(-1)!;
    const executionId = terminal.executionId;
    // Still two tracker calls: this is error handling, not another call.
    expect(probe.callsFor(executionId).map((c) => c.method)).toEqual(["start", "complete"]);

    expect(terminal.type).toBe("run_failed");
    const result = terminal.data as { status: string; error?: { code: string; message: string } };
    expect(result.status).toBe("failed");
    expect(result.error).toEqual({
      code: "tracking:not_saved",
      message: "The run ended (completed) but its result could not be saved.",
    });
    // The database's message stays in the log, with the run's id.
    expect(JSON.stringify(events)).not.toMatch(/violates|foreign key|injected/);
    expect(log.mock.calls.some((c) => String(c[0]).includes(executionId))).toBe(true);

    const row = await executionRow(executionId);
    expect(row).toMatchObject({ status: "failed", error_message: result.error!.message, output_data: null });
    expect((await eventRows(executionId)).at(-1)?.type).toBe("run_failed");
  });

  it("returns a failed result to a JSON caller", async () => {
    const user = await createTestUser();
    vi.spyOn(console, "error").mockImplementation(() => {});
    faults.finishes = 1;
    const result = await execute(
      { type: "CUSTOM", definition: echoGraph(), input: { message: "hello" } },
      { userId: user.id, tracker: isolatedTracker() },
    );
    expect(result.status).toBe("failed");
    expect(result.error?.code).toBe("tracking:not_saved");
    expect((await executionRow(result.executionId))?.status).toBe("failed");
  });

  it("logs with the run's id, and fails the call, when even the failure cannot be stored", async () => {
    const user = await createTestUser();
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    faults.finishes = 2;
    await expect(
      execute(
        { type: "CUSTOM", definition: echoGraph(), input: { message: "hello" } },
        { userId: user.id, tracker: isolatedTracker() },
      ),
    ).rejects.toThrow(/injected/);
    const lines = log.mock.calls.map((c) => String(c[0]));
    const id = /of execution (\w{26})/.exec(lines.find((l) => l.includes("could not store even the failure")) ?? "");
    expect(id?.[1]).toBeDefined();
    // The row is left for the sweeper (its heartbeat stops): it never claims success.
    expect((await executionRow(id![1]!))?.status).toBe("running");
  });
});

describe("a finalizer that cannot store the terminal event", () => {
  it("says so in the log, with the run's id, instead of giving up silently", async () => {
    const user = await createTestUser();
    const paused = await execute(
      { type: "CUSTOM", definition: approvalGraph, input: { message: "wait" } },
      { userId: user.id, tracker: isolatedTracker() },
    );
    expect(paused.status).toBe("paused");
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const finalized = await finalizeExecutions({
      from: "paused",
      to: "cancelled",
      executionId: paused.executionId,
      ownerId: user.id,
      errorMessage: "cancelled",
      // Always a sequence number already taken: every attempt to store the event finds it so.
      describe: () => ({
        events: [
          {
            executionId: paused.executionId,
            seq: 1,
            seqEnd: null,
            type: "run_cancelled",
            nodeId: null,
            data: {},
            createdAt: new Date(),
          },
        ],
        notifications: [],
      }),
    });
    expect(finalized.map((r) => r.id)).toEqual([paused.executionId]);
    expect(
      log.mock.calls.some(
        (c) => String(c[0]).includes(paused.executionId) && String(c[0]).includes("terminal event could not be stored"),
      ),
    ).toBe(true);
    const rows = await query<{ type: string }>(
      sql`select type from execution_events where execution_id = ${paused.executionId} order by seq`,
    );
    expect(rows.some((r) => r.type === "run_cancelled")).toBe(false);
  });
});

/**
 * A chat run's stream hands over its answer as the finish stored it (RunEventStream.storedAnswer), so the chat
 * route's closing `message` event needs no read back: set once the terminal event is out, equal to the stored
 * row, and absent when the finish could not store it.
 */
describe("a chat stream's stored answer", () => {
  it("is the answer row as stored, from the terminal event on (and not before)", async () => {
    const user = await createTestUser();
    const stream = await execute(
      { type: "CHAT", message: "Keep this answer" },
      { userId: user.id, tracker: isolatedTracker(), stream: true },
    );
    let seenBeforeEnd = false;
    let terminalMessageId: string | undefined;
    for await (const event of stream) {
      if (event.type === "run_completed") terminalMessageId = event.data.messageId;
      else if (stream.storedAnswer()) seenBeforeEnd = true;
    }
    expect(seenBeforeEnd).toBe(false);
    const stored = stream.storedAnswer();
    expect(stored?.id).toBe(terminalMessageId);
    const { db } = await testDb();
    const [row] = await db.select().from(messages).where(eq(messages.id, terminalMessageId!));
    expect(stored).toEqual(row);
    expect(stored).toMatchObject({ role: "assistant", status: "complete", ownerId: user.id });
    expect(stored!.content).toContain("Keep this answer");
  });

  it("is absent when the finish could not store it (the run is recorded as failed instead)", async () => {
    const user = await createTestUser();
    vi.spyOn(console, "error").mockImplementation(() => {});
    faults.finishes = 1;
    const stream = await execute(
      { type: "CHAT", message: "This answer is lost" },
      { userId: user.id, tracker: isolatedTracker(), stream: true },
    );
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types.at(-1)).toBe("run_failed");
    expect(stream.storedAnswer()).toBeUndefined();
  });
});
