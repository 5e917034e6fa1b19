/**
 * 50 concurrent runs in one process (definitions, a failing one, templates, and chats sharing
 * conversations): exactly 50 rows, exactly two tracker calls each, every event sequence gap-free, the
 * counters equal to the counts from the rows, and each conversation's aggregates equal to the sums of its
 * messages. The same across processes is in cross-process.test.ts (PostgreSQL).
 */
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createConversation } from "@/lib/db/queries/conversations";
import { getTemplateBySlug } from "@/lib/db/queries/templates";
import { execute } from "@/lib/engine/execute";
import { CompositeTracker, InMemoryTracker } from "@/lib/engine/tracker";
import { UNIVERSAL_CHAT_SLUG } from "@/lib/templates/builtin";
import { getWorkflowTracker } from "@/lib/tracking/workflow-tracker";
import { createTestUser } from "../helpers/db";
import { chain, echoGraph, graph, node, saveDefinition } from "../engine/helpers";
import { conversationAggregates, expectCountersMatch, expectGapFree, query, templateCounters } from "./helpers";

describe("50 concurrent runs", () => {
  it("leave exactly 50 rows, gap-free events, counters equal to the rows and chat aggregates equal to the messages", async () => {
    const user = await createTestUser();
    const echo = await saveDefinition(user.id, echoGraph(), "Echo");
    const broken = await saveDefinition(
      user.id,
      graph(
        [node("start", "start"), node("boom", "transform", { expression: "$error('no')" }), node("end", "end")],
        chain("start", "boom", "end"),
      ),
      "Broken",
    );
    const template = await getTemplateBySlug({ slug: UNIVERSAL_CHAT_SLUG });
    const conversations = await Promise.all(
      [1, 2, 3].map((i) => createConversation({ ownerId: user.id, title: `Chat ${i}` })),
    );
    const requests: object[] = [];
    for (let i = 0; i < 50; i++) {
      const kind = i % 5;
      if (kind === 0) requests.push({ type: "DEFINITION", definitionId: echo, input: { message: `definition ${i}` } });
      else if (kind === 1)
        requests.push({ type: "DEFINITION", definitionId: broken, input: { message: `broken ${i}` } });
      else if (kind === 2)
        requests.push({ type: "TEMPLATE", templateId: template!.id, input: { message: `template ${i}` } });
      else requests.push({ type: "CHAT", conversationId: conversations[i % 3]!.id, message: `chat ${i}` });
    }

    const probe = new InMemoryTracker();
    const tracker = new CompositeTracker([getWorkflowTracker(), probe]);
    const results = await Promise.all(requests.map((request) => execute(request, { userId: user.id, tracker })));

    const rows = await query<{ id: string; status: string }>(
      sql`select id, status from workflow_executions where owner_id = ${user.id}`,
    );
    expect(rows).toHaveLength(50);
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(results.map((r) => r.executionId)));
    expect(rows.filter((r) => r.status === "failed")).toHaveLength(10);
    expect(rows.filter((r) => r.status === "completed")).toHaveLength(40);

    for (const result of results) {
      const finish = result.status === "failed" ? "fail" : "complete";
      expect(probe.callsFor(result.executionId).map((c) => c.method)).toEqual(["start", finish]);
      expect(await expectGapFree(result.executionId)).toBe(probe.eventsFor(result.executionId).length);
    }

    const templates = await templateCounters(user.id);
    expect(templates.stored.reduce((a, t) => a + t.total, 0)).toBe(30);
    expectCountersMatch(templates.stored, templates.counted);

    const aggregates = await conversationAggregates(user.id);
    expect(aggregates).toHaveLength(3);
    for (const c of aggregates) {
      expect(c.message_count).toBe(c.counted);
      expect(c.total_tokens).toBe(c.tokens);
      expect(Number(c.total_cost)).toBe(Number(c.cost));
    }
    expect(aggregates.reduce((a, c) => a + c.message_count, 0)).toBe(40);
  }, 120_000);
});
