/**
 * The database tracker through the real engine: one row per run, events stored gap-free with tokens
 * batched, counters and chat aggregates kept in one transaction, exactly two tracker calls per run, and a
 * failed transaction that leaves nothing half-written.
 */
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { getTemplateBySlug } from "@/lib/db/queries/templates";
import { execute } from "@/lib/engine/execute";
import { CompositeTracker, InMemoryTracker } from "@/lib/engine/tracker";
import { UNIVERSAL_CHAT_SLUG } from "@/lib/templates/builtin";
import { EventBus } from "@/lib/tracking/event-bus";
import { getWorkflowTracker, WorkflowTracker } from "@/lib/tracking/workflow-tracker";
import { createTestUser } from "../helpers/db";
import { chain, collect, echoGraph, graph, node, saveDefinition } from "../engine/helpers";
import {
  conversationAggregates,
  eventRows,
  executionRow,
  expectCountersMatch,
  expectGapFree,
  expectInOrderOnce,
  query,
  storedEvents,
  templateCounters,
} from "./helpers";

const buses: EventBus[] = [];
function isolatedTracker(options: ConstructorParameters<typeof WorkflowTracker>[0] = {}) {
  const bus = new EventBus();
  buses.push(bus);
  return new WorkflowTracker({ bus, ...options });
}
afterAll(async () => {
  await Promise.all(buses.map((b) => b.close()));
});

describe("WorkflowTracker: one run", () => {
  it("stores the run's row, its events gap-free (tokens in batches) and exactly two tracker calls", async () => {
    const user = await createTestUser();
    const probe = new InMemoryTracker();
    const tracker = new CompositeTracker([getWorkflowTracker(), probe]);
    const result = await execute(
      { type: "CUSTOM", definition: echoGraph(), input: { message: "tell me something" } },
      { userId: user.id, tracker },
    );

    expect(probe.callsFor(result.executionId).map((c) => c.method)).toEqual(["start", "complete"]);
    const row = await executionRow(result.executionId);
    expect(row).toMatchObject({
      status: "completed",
      owner_id: user.id,
      workflow_type: "CUSTOM",
      tokens_used: result.usage.totalTokens,
      error_message: null,
    });
    expect(row!.completed_at).not.toBeNull();
    expect(row!.execution_time_ms).toBe(Math.round(result.durationMs));
    expect((row!.output_data as { message: string }).message).toBe(result.output.message);
    expect(row!.usage_by_model).toEqual({
      "local:echo": { inputTokens: result.usage.inputTokens, outputTokens: result.usage.outputTokens, cost: 0 },
    });

    const emitted = probe.eventsFor(result.executionId);
    const last = await expectGapFree(result.executionId);
    expect(last).toBe(emitted.length);
    // Read back, the stored events are exactly the ones the run emitted (seq, type, node, time, data).
    const stored = await storedEvents(result.executionId, user.id);
    expectInOrderOnce(stored);
    expect(stored).toEqual(emitted.map((e) => JSON.parse(JSON.stringify(e))));
    // Many tokens, few rows: a run of token chunks is one row.
    const tokens = emitted.filter((e) => e.type === "token").length;
    const rows = await eventRows(result.executionId);
    expect(tokens).toBeGreaterThan(3);
    expect(rows.filter((r) => r.type === "token").length).toBeLessThan(tokens);
    expect(rows.at(-1)?.type).toBe("run_completed");
  });

  it("replays from any sequence number, even inside a run of tokens", async () => {
    const user = await createTestUser();
    const tracker = getWorkflowTracker();
    const result = await execute(
      { type: "CUSTOM", definition: echoGraph(), input: { message: "count the chunks" } },
      { userId: user.id, tracker },
    );
    const all = await storedEvents(result.executionId, user.id);
    const midToken = all.filter((e) => e.type === "token")[2]!.seq;
    const rest = await storedEvents(result.executionId, user.id, midToken);
    expect(rest.map((e) => e.seq)).toEqual(all.filter((e) => e.seq > midToken).map((e) => e.seq));
    expect(rest[0]?.seq).toBe(midToken + 1);
    // Another user reads nothing.
    const stranger = await createTestUser();
    expect(await storedEvents(result.executionId, stranger.id)).toEqual([]);
  });

  it("counts a failed run as failed, with its error, in the same transaction", async () => {
    const user = await createTestUser();
    const definitionId = await saveDefinition(
      user.id,
      graph(
        [
          node("start", "start"),
          node("calc", "transform", { expression: "$error('broken on purpose')", target: "variable", variable: "x" }),
          node("end", "end"),
        ],
        chain("start", "calc", "end"),
      ),
    );
    const probe = new InMemoryTracker();
    const result = await execute(
      { type: "DEFINITION", definitionId, input: { message: "x" } },
      { userId: user.id, tracker: new CompositeTracker([getWorkflowTracker(), probe]) },
    );
    expect(result.status).toBe("failed");
    expect(probe.callsFor(result.executionId).map((c) => c.method)).toEqual(["start", "fail"]);
    const row = await executionRow(result.executionId);
    expect(row?.status).toBe("failed");
    expect(row?.error_message).toBe(result.error?.message);
    await expectGapFree(result.executionId);
    expect(row).toMatchObject({ definition_id: definitionId, definition_version: 1 });
  });

  it("stores a chat's user message and answer once, and the conversation's aggregates", async () => {
    const user = await createTestUser();
    const tracker = getWorkflowTracker();
    const first = await execute({ type: "CHAT", message: "hello" }, { userId: user.id, tracker });
    const second = await execute(
      { type: "CHAT", conversationId: first.conversationId!, message: "and again" },
      { userId: user.id, tracker },
    );
    expect(second.conversationId).toBe(first.conversationId);
    expect(first.messageId).toBeTruthy();

    const messages = await query<{ id: string; role: string; content: string; execution_id: string; status: string }>(
      sql`select id, role, content, execution_id, status from messages where conversation_id = ${first.conversationId!} order by id`,
    );
    expect(messages.map((m) => [m.role, m.execution_id])).toEqual([
      ["user", first.executionId],
      ["assistant", first.executionId],
      ["user", second.executionId],
      ["assistant", second.executionId],
    ]);
    expect(messages[1]).toMatchObject({ id: first.messageId, content: first.output.message, status: "complete" });
    const [aggregates] = await conversationAggregates(user.id);
    expect(aggregates).toMatchObject({ message_count: 4, counted: 4 });
    expect(aggregates!.total_tokens).toBe(aggregates!.tokens);
    expect(Number(aggregates!.total_cost)).toBe(Number(aggregates!.cost));

    const chatTemplate = await getTemplateBySlug({ slug: UNIVERSAL_CHAT_SLUG });
    const { stored, counted } = await templateCounters(user.id);
    expect(stored).toEqual([expect.objectContaining({ template_id: chatTemplate!.id, total: 2, ok: 2, failed: 0 })]);
    expectCountersMatch(stored, counted);
  });

  it("keeps the event stream's numbering when a streamed run is read back", async () => {
    const user = await createTestUser();
    const tracker = getWorkflowTracker();
    const events = await collect(
      await execute(
        { type: "CUSTOM", definition: echoGraph(), input: { message: "stream me" } },
        { userId: user.id, tracker, stream: true },
      ),
    );
    const executionId = events[0]!.executionId;
    expect(await expectGapFree(executionId)).toBe(events.length);
    expect((await storedEvents(executionId, user.id)).map((e) => e.seq)).toEqual(events.map((e) => e.seq));
  });
});

describe("WorkflowTracker: a failed transaction leaves nothing half-written", () => {
  it("rolls back the answer, the counters and the aggregates, and records a plain failure instead", async () => {
    const user = await createTestUser();
    let injected = 0;
    const tracker = isolatedTracker({
      beforeCommit: async () => {
        injected += 1;
        // Everything of the outcome has been written inside the transaction by now.
        if (injected === 1) throw new Error("injected fault at commit");
      },
    });
    // A first, normal chat turn, so the conversation has aggregates that must not move.
    const first = await execute({ type: "CHAT", message: "first" }, { userId: user.id, tracker: getWorkflowTracker() });
    const before = await conversationAggregates(user.id);
    const templateBefore = await templateCounters(user.id);

    const probe = new InMemoryTracker();
    const result = await execute(
      { type: "CHAT", conversationId: first.conversationId!, message: "second" },
      { userId: user.id, tracker: new CompositeTracker([tracker, probe]) },
    );
    expect(injected).toBe(1);
    expect(probe.callsFor(result.executionId).map((c) => c.method)).toEqual(["start", "complete"]);

    const row = await executionRow(result.executionId);
    expect(row?.status).toBe("failed");
    // The cause stays in the server's log; the run's error says what happened, and so does the result.
    expect(row?.error_message).toBe("The run ended (completed) but its result could not be saved.");
    expect(result.status).toBe("failed");
    expect(result.error).toEqual({ code: "tracking:not_saved", message: row?.error_message });
    expect(row?.output_data).toBeNull();
    // No answer for this execution; the user's message (stored when the run started) is all there is.
    const messages = await query<{ role: string }>(
      sql`select role from messages where execution_id = ${result.executionId} order by id`,
    );
    expect(messages.map((m) => m.role)).toEqual(["user"]);
    const after = await conversationAggregates(user.id);
    expect(after[0]!.message_count).toBe(before[0]!.message_count + 1);
    expect(after[0]!.total_tokens).toBe(after[0]!.tokens);
    // Counted once, as the failure it was recorded as, never as a success.
    const { stored, counted } = await templateCounters(user.id);
    expect(stored[0]!.total).toBe(templateBefore.stored[0]!.total + 1);
    expect(stored[0]!.ok).toBe(templateBefore.stored[0]!.ok);
    expect(stored[0]!.failed).toBe(templateBefore.stored[0]!.failed + 1);
    expectCountersMatch(stored, counted);
    await expectGapFree(result.executionId);
  });
});
