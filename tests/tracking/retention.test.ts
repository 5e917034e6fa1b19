/**
 * Retention: events, checkpoints and temporary definitions of runs that ended long enough ago are deleted;
 * anything a paused run needs is kept; execution rows and analytics survive; 0 days keeps forever.
 */
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createTemporaryDefinition } from "@/lib/db/queries/definitions";
import { getTemplateBySlug } from "@/lib/db/queries/templates";
import { execute } from "@/lib/engine/execute";
import { UNIVERSAL_CHAT_SLUG } from "@/lib/templates/builtin";
import { pruneExpiredData } from "@/lib/tracking/retention";
import { getWorkflowTracker } from "@/lib/tracking/workflow-tracker";
import { createTestUser } from "../helpers/db";
import { echoGraph } from "../engine/helpers";
import { approvalGraph } from "../engine/fixtures/approval-graph";
import { executionRow, query, templateCounters } from "./helpers";

const DAY = 24 * 60 * 60 * 1000;

/** Moves a run and everything it wrote `days` into the past. */
async function age(executionId: string, days: number) {
  const ms = days * DAY;
  await query(sql`update workflow_executions set started_at = started_at - (${ms}::bigint * interval '1 millisecond'),
                  completed_at = completed_at - (${ms}::bigint * interval '1 millisecond') where id = ${executionId}`);
  await query(
    sql`update execution_events set created_at = created_at - (${ms}::bigint * interval '1 millisecond') where execution_id = ${executionId}`,
  );
  await query(
    sql`update checkpoints set created_at = created_at - (${ms}::bigint * interval '1 millisecond') where thread_id = ${executionId}`,
  );
  await query(sql`update workflow_definitions set created_at = created_at - (${ms}::bigint * interval '1 millisecond')
                  where id = (select definition_id from workflow_executions where id = ${executionId}) and is_temporary`);
}

const count = async (table: "execution_events" | "checkpoints" | "checkpoint_blobs", column: string, id: string) =>
  (
    await query<{ n: number }>(sql`select count(*)::int as n from ${sql.raw(table)} where ${sql.raw(column)} = ${id}`)
  )[0]!.n;

describe("retention", () => {
  it("prunes old finished runs' events, checkpoints and temporary definitions; keeps paused runs' and all counters", async () => {
    const user = await createTestUser();
    const tracker = getWorkflowTracker();
    const template = await getTemplateBySlug({ slug: UNIVERSAL_CHAT_SLUG });
    // Step checkpoints kept (durability "sync"): a run that cannot pause writes none by default.
    const old = await execute(
      { type: "TEMPLATE", templateId: template!.id, input: { message: "long ago" }, options: { durability: "sync" } },
      { userId: user.id, tracker },
    );
    const recent = await execute(
      { type: "CUSTOM", definition: echoGraph(), input: { message: "yesterday" } },
      { userId: user.id, tracker },
    );
    const paused = await execute(
      { type: "CUSTOM", definition: approvalGraph, input: { message: "waiting for months" } },
      { userId: user.id, tracker },
    );
    const temporaryId = (await executionRow(old.executionId))!.definition_id!;
    expect(temporaryId).toBeTruthy();
    await age(old.executionId, 40);
    await age(recent.executionId, 1);
    await age(paused.executionId, 40);
    for (const id of [old.executionId, paused.executionId]) {
      expect(await count("execution_events", "execution_id", id)).toBeGreaterThan(0);
      expect(await count("checkpoints", "thread_id", id)).toBeGreaterThan(0);
    }
    const countersBefore = await templateCounters(user.id);

    const report = await pruneExpiredData({
      settings: { eventsDays: 30, checkpointsDays: 14, temporaryDefinitionsDays: 7 },
    });
    expect(report.events).toBeGreaterThan(0);
    expect(report.checkpointThreads).toBeGreaterThan(0);
    expect(report.temporaryDefinitions).toBeGreaterThan(0);

    expect(await count("execution_events", "execution_id", old.executionId)).toBe(0);
    expect(await count("checkpoints", "thread_id", old.executionId)).toBe(0);
    expect(await count("checkpoint_blobs", "thread_id", old.executionId)).toBe(0);
    const definitions = await query<{ id: string }>(sql`select id from workflow_definitions where id = ${temporaryId}`);
    expect(definitions).toEqual([]);
    // The run itself stays, with the graph it ran and its template; the counters do not move.
    const row = await executionRow(old.executionId);
    expect(row).toMatchObject({ status: "completed", definition_id: null, template_id: template!.id });
    expect(await templateCounters(user.id)).toEqual(countersBefore);
    // Recent runs keep everything; a paused run keeps what it needs to resume, however old.
    expect(await count("execution_events", "execution_id", recent.executionId)).toBeGreaterThan(0);
    expect(await count("execution_events", "execution_id", paused.executionId)).toBeGreaterThan(0);
    expect(await count("checkpoints", "thread_id", paused.executionId)).toBeGreaterThan(0);
  });

  it("keeps a temporary definition a conversation answers with, however old (a knowledge-base chat)", async () => {
    const user = await createTestUser();
    const template = await getTemplateBySlug({ slug: UNIVERSAL_CHAT_SLUG });
    const temporary = await createTemporaryDefinition({
      ownerId: user.id,
      templateId: template!.id,
      name: "Chat with my notes",
      graph: echoGraph(),
    });
    const first = await execute(
      { type: "CHAT", workflowId: temporary.id, message: "hello" },
      { userId: user.id, tracker: getWorkflowTracker() },
    );
    await age(first.executionId, 40);
    await query(sql`update workflow_definitions set created_at = now() - interval '40 days' where id = ${temporary.id}`);
    await pruneExpiredData({ settings: { eventsDays: 30, checkpointsDays: 14, temporaryDefinitionsDays: 7 } });
    expect(await query(sql`select id from workflow_definitions where id = ${temporary.id}`)).toHaveLength(1);
    // The conversation goes on with the same workflow.
    const next = await execute(
      { type: "CHAT", conversationId: first.conversationId, message: "still there?" },
      { userId: user.id, tracker: getWorkflowTracker() },
    );
    expect(next.status).toBe("completed");
    expect((await executionRow(next.executionId))!.definition_id).toBe(temporary.id);
  });

  it("keeps everything when the settings say 0 (forever)", async () => {
    const user = await createTestUser();
    const run = await execute(
      { type: "CUSTOM", definition: echoGraph(), input: { message: "keep me" } },
      { userId: user.id, tracker: getWorkflowTracker() },
    );
    await age(run.executionId, 5_000);
    const report = await pruneExpiredData({
      settings: { eventsDays: 0, checkpointsDays: 0, temporaryDefinitionsDays: 0 },
    });
    expect(report).toMatchObject({ events: 0, checkpointThreads: 0, temporaryDefinitions: 0 });
    expect(await count("execution_events", "execution_id", run.executionId)).toBeGreaterThan(0);
  });
});
