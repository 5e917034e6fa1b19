/**
 * The templates gallery's usage line: listTemplateUsage reads the all-time counters the tracker keeps per
 * owner and template — finished runs only, each owner their own, still there once the runs are gone.
 */
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { workflowTemplates } from "@/lib/db/schema";
import { listTemplateUsage } from "@/lib/db/queries/analytics";
import { getTemplateBySlug } from "@/lib/db/queries/templates";
import { execute } from "@/lib/engine/execute";
import { HUMAN_APPROVAL_SLUG, UNIVERSAL_CHAT_SLUG } from "@/lib/templates/builtin";
import { getWorkflowTracker } from "@/lib/tracking/workflow-tracker";
import { createTestUser, testDb } from "../helpers/db";
import { chain, graph, node } from "../engine/helpers";
import { query } from "./helpers";

let ownerId: string;
let strangerId: string;
let chatId: string;
let approvalId: string;
let failingId: string;

const run = (userId: string, templateId: string, message: string) =>
  execute({ type: "TEMPLATE", templateId, input: { message } }, { userId, tracker: getWorkflowTracker() });

beforeAll(async () => {
  ownerId = (await createTestUser()).id;
  strangerId = (await createTestUser()).id;
  chatId = (await getTemplateBySlug({ slug: UNIVERSAL_CHAT_SLUG }))!.id;
  approvalId = (await getTemplateBySlug({ slug: HUMAN_APPROVAL_SLUG }))!.id;
  const { db } = await testDb();
  const [failing] = await db
    .insert(workflowTemplates)
    .values({
      ownerId,
      name: "Always fails",
      definition: graph(
        [
          node("start", "start"),
          node("boom", "transform", { expression: "$error('quota exceeded')" }),
          node("end", "end"),
        ],
        chain("start", "boom", "end"),
      ),
    })
    .returning({ id: workflowTemplates.id });
  failingId = failing!.id;

  await run(ownerId, chatId, "one");
  await run(ownerId, chatId, "two");
  await run(ownerId, failingId, "three");
  // Waits for a person: not counted until it ends.
  expect((await run(ownerId, approvalId, "four")).status).toBe("paused");
  await run(strangerId, chatId, "someone else's");
});

describe("listTemplateUsage", () => {
  it("counts the owner's finished runs per template, with successes, failures and the last use", async () => {
    const usage = await listTemplateUsage({ ownerId });
    const rows = await query<{ template_id: string; last: Date | string }>(sql`
      select template_id, max(completed_at) as last from workflow_executions
      where owner_id = ${ownerId} and status not in ('running', 'paused', 'pending') group by template_id`);
    const lastRun = new Map(rows.map((r) => [r.template_id, new Date(r.last).getTime()]));

    expect(usage.map((u) => u.templateId).sort()).toEqual([chatId, failingId].sort());
    expect(usage.find((u) => u.templateId === chatId)).toMatchObject({ runs: 2, completed: 2, failed: 0 });
    expect(usage.find((u) => u.templateId === failingId)).toMatchObject({ runs: 1, completed: 0, failed: 1 });
    for (const u of usage) {
      expect(u.lastUsedAt).toBeInstanceOf(Date);
      // Stamped when the run was recorded as finished: at or just after its completion time.
      expect(u.lastUsedAt!.getTime()).toBeGreaterThanOrEqual(lastRun.get(u.templateId)! - 1_000);
      expect(u.lastUsedAt!.getTime()).toBeLessThanOrEqual(Date.now() + 1_000);
    }
    // Most recently used first: the failing template ran after the chats.
    expect(usage[0]!.templateId).toBe(failingId);
  });

  it("shows each owner only their own use; a new user has none", async () => {
    expect(await listTemplateUsage({ ownerId: strangerId })).toEqual([
      expect.objectContaining({ templateId: chatId, runs: 1, completed: 1 }),
    ]);
    expect(await listTemplateUsage({ ownerId: (await createTestUser()).id })).toEqual([]);
  });

  it("keeps the counts when the runs themselves are deleted", async () => {
    const before = await listTemplateUsage({ ownerId });
    await query(sql`delete from workflow_executions where owner_id = ${ownerId} and status <> 'paused'`);
    expect(await listTemplateUsage({ ownerId })).toEqual(before);
  });
});
