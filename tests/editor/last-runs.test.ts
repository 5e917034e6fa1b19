import { describe, expect, it } from "vitest";
import { ulid } from "ulid";
import { listLastRunsByDefinition } from "@/lib/db/queries/definition-runs";
import { workflowDefinitions, workflowExecutions } from "@/lib/db/schema";
import { createTestUser, testDb } from "../helpers/db";

async function definition(ownerId: string, name: string) {
  const { db } = await testDb();
  const [row] = await db.insert(workflowDefinitions).values({ ownerId, name }).returning();
  return row!;
}

async function run(ownerId: string, definitionId: string, status: string, startedAt: Date) {
  const { db } = await testDb();
  await db
    .insert(workflowExecutions)
    .values({ id: ulid(), ownerId, definitionId, status, startedAt, executionTimeMs: 12 });
}

describe("listLastRunsByDefinition", () => {
  it("gives each workflow's newest run, only for the owner and the workflows asked for", async () => {
    const alice = await createTestUser();
    const bob = await createTestUser();
    const a = await definition(alice.id, "A");
    const b = await definition(alice.id, "B");
    const never = await definition(alice.id, "Never run");
    await run(alice.id, a.id, "completed", new Date("2025-01-01T00:00:00Z"));
    await run(alice.id, a.id, "failed", new Date("2025-01-02T00:00:00Z"));
    await run(alice.id, b.id, "completed", new Date("2025-01-03T00:00:00Z"));
    // Bob cannot see Alice's runs, even asking for her workflow's id.
    expect(await listLastRunsByDefinition({ ownerId: bob.id, definitionIds: [a.id] })).toEqual([]);

    const runs = await listLastRunsByDefinition({ ownerId: alice.id, definitionIds: [a.id, never.id] });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ definitionId: a.id, status: "failed", durationMs: 12 });
    expect(runs[0]!.at.toISOString()).toBe("2025-01-02T00:00:00.000Z");
    expect(await listLastRunsByDefinition({ ownerId: alice.id, definitionIds: [] })).toEqual([]);
  });
});
