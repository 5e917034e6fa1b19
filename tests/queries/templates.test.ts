import { describe, expect, it } from "vitest";
import { workflowTemplates } from "@/lib/db/schema";
import { getTemplate, listTemplates } from "@/lib/db/queries/templates";
import { builtinTemplates, UNIVERSAL_CHAT_SLUG } from "@/lib/templates/builtin";
import { createTestUser, testDb } from "../helpers/db";

async function createUserTemplate(ownerId: string, name: string, nodes: unknown[] = []) {
  const { db } = await testDb();
  const [row] = await db
    .insert(workflowTemplates)
    .values({ ownerId, name, description: `${name} description`, category: "custom", definition: { nodes, edges: [] } })
    .returning();
  return row!;
}

describe("listTemplates", () => {
  it("shows every built-in template to a new user, with its node count", async () => {
    const user = await createTestUser();
    const list = await listTemplates({ ownerId: user.id });
    const chat = list.find((t) => t.slug === UNIVERSAL_CHAT_SLUG);
    const seeded = builtinTemplates.find((t) => t.slug === UNIVERSAL_CHAT_SLUG)!;
    expect(chat).toMatchObject({ isBuiltin: true, ownerId: null, name: seeded.name, category: seeded.category });
    expect(chat?.nodeCount).toBe(seeded.definition.nodes.length);
    expect(list.filter((t) => t.isBuiltin)).toHaveLength(builtinTemplates.length);
  });

  it("adds the owner's own templates after the built-ins, newest first, and hides other users' templates", async () => {
    const alice = await createTestUser();
    const bob = await createTestUser();
    const older = await createUserTemplate(alice.id, "Alice older", [{ id: "a" }, { id: "b" }]);
    const newer = await createUserTemplate(alice.id, "Alice newer");
    const bobs = await createUserTemplate(bob.id, "Bob only");

    const list = await listTemplates({ ownerId: alice.id });
    const ids = list.map((t) => t.id);
    expect(ids).not.toContain(bobs.id);
    const own = list.filter((t) => !t.isBuiltin);
    expect(own.map((t) => t.id)).toEqual([newer.id, older.id]);
    expect(own.find((t) => t.id === older.id)?.nodeCount).toBe(2);
    // Every built-in comes before the first user template.
    const firstOwn = ids.indexOf(newer.id);
    expect(list.slice(0, firstOwn).every((t) => t.isBuiltin)).toBe(true);
  });

  it("does not ship the graph in the list", async () => {
    const user = await createTestUser();
    const [first] = await listTemplates({ ownerId: user.id });
    expect(first).toBeDefined();
    expect(first).not.toHaveProperty("definition");
  });
});

describe("getTemplate", () => {
  it("returns a built-in with its graph to anyone", async () => {
    const user = await createTestUser();
    const list = await listTemplates({ ownerId: user.id });
    const chatId = list.find((t) => t.slug === UNIVERSAL_CHAT_SLUG)!.id;
    const template = await getTemplate({ id: chatId, ownerId: user.id });
    expect(template?.definition).toMatchObject({ nodes: expect.any(Array), edges: expect.any(Array) });
  });

  it("returns a user's template to its owner and null to anyone else", async () => {
    const owner = await createTestUser();
    const stranger = await createTestUser();
    const mine = await createUserTemplate(owner.id, "Private");
    expect((await getTemplate({ id: mine.id, ownerId: owner.id }))?.name).toBe("Private");
    expect(await getTemplate({ id: mine.id, ownerId: stranger.id })).toBeNull();
    expect(await getTemplate({ id: "01ZZZZZZZZZZZZZZZZZZZZZZZZ", ownerId: owner.id })).toBeNull();
  });
});
