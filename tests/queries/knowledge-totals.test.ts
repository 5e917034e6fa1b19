import { describe, expect, it } from "vitest";
import { listKnowledgeBaseTotals } from "@/lib/db/queries/knowledge-totals";
import { addTextDocument, createKnowledgeBase, deleteKnowledgeDocument } from "@/lib/services/knowledge";
import { createTestUser } from "../helpers/db";

describe("listKnowledgeBaseTotals", () => {
  it("sums chunks and bytes per base of the owner, follows deletes and shows no other user's bases", async () => {
    const alice = await createTestUser();
    const bob = await createTestUser();
    const handbook = await createKnowledgeBase({ ownerId: alice.id, name: "Handbook" });
    const empty = await createKnowledgeBase({ ownerId: alice.id, name: "Empty" });
    const theirs = await createKnowledgeBase({ ownerId: bob.id, name: "Bob's" });
    const chunking = { size: 200, overlap: 0 };
    const a = await addTextDocument({
      ownerId: alice.id,
      knowledgeBaseId: handbook.id,
      title: "A",
      text: "alpha ".repeat(100),
      chunking,
    });
    const b = await addTextDocument({
      ownerId: alice.id,
      knowledgeBaseId: handbook.id,
      title: "B",
      text: "beta gamma",
      chunking,
    });
    await addTextDocument({ ownerId: bob.id, knowledgeBaseId: theirs.id, title: "C", text: "secret", chunking });

    const totals = await listKnowledgeBaseTotals({ ownerId: alice.id });
    expect(totals.get(handbook.id)).toEqual({
      chunkCount: a.chunkCount + b.chunkCount,
      sizeBytes: a.sizeBytes + b.sizeBytes,
    });
    expect(a.chunkCount).toBeGreaterThan(1);
    expect(totals.has(empty.id)).toBe(false);
    expect(totals.has(theirs.id)).toBe(false);

    await deleteKnowledgeDocument({ ownerId: alice.id, knowledgeBaseId: handbook.id, documentId: a.id });
    expect((await listKnowledgeBaseTotals({ ownerId: alice.id })).get(handbook.id)).toEqual({
      chunkCount: b.chunkCount,
      sizeBytes: b.sizeBytes,
    });
  });
});
