import { describe, expect, it } from "vitest";
import { workflowDefinitions } from "@/lib/db/schema";
import { listDefinitions } from "@/lib/db/queries/definitions-list";
import { createTestUser, testDb } from "../helpers/db";

async function createDefinition(values: Partial<typeof workflowDefinitions.$inferInsert> & { ownerId: string }) {
  const { db } = await testDb();
  const [row] = await db
    .insert(workflowDefinitions)
    .values({ name: "Untitled", ...values })
    .returning();
  return row!;
}

describe("listDefinitions", () => {
  it("is empty for a new user", async () => {
    const user = await createTestUser();
    expect(await listDefinitions({ ownerId: user.id })).toEqual([]);
  });

  it("lists only the owner's saved definitions, most recently updated first", async () => {
    const alice = await createTestUser();
    const bob = await createTestUser();
    const old = await createDefinition({ ownerId: alice.id, name: "Old", updatedAt: new Date("2024-01-01T00:00:00Z") });
    const recent = await createDefinition({
      ownerId: alice.id,
      name: "Recent",
      nodes: [{ id: "s" }, { id: "m" }, { id: "e" }],
      isValid: true,
      version: 3,
      updatedAt: new Date("2025-06-01T00:00:00Z"),
    });
    await createDefinition({ ownerId: alice.id, name: "Scratch run", isTemporary: true });
    await createDefinition({ ownerId: bob.id, name: "Bob's" });

    const list = await listDefinitions({ ownerId: alice.id });
    expect(list.map((d) => d.name)).toEqual(["Recent", "Old"]);
    expect(list[0]).toMatchObject({ id: recent.id, nodeCount: 3, isValid: true, version: 3 });
    expect(list[1]).toMatchObject({ id: old.id, nodeCount: 0, isValid: false, version: 1 });
    expect(list[0]?.updatedAt).toBeInstanceOf(Date);
    expect(list[0]).not.toHaveProperty("nodes");
  });

  it("honours the limit", async () => {
    const user = await createTestUser();
    for (const name of ["a", "b", "c"]) await createDefinition({ ownerId: user.id, name });
    expect(await listDefinitions({ ownerId: user.id, limit: 2 })).toHaveLength(2);
  });
});
