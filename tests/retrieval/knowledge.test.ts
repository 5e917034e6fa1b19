import { describe, expect, it } from "vitest";
import { createTestUser, testDb } from "@/tests/helpers/db";
import { rowsOf } from "@/lib/db/client";
import { sql } from "drizzle-orm";
import { KNOWLEDGE_LIMITS } from "@/lib/contracts/knowledge";
import { searchKnowledge } from "@/lib/retrieval";
import {
  addTextDocument,
  createKnowledgeBase,
  deleteKnowledgeBase,
  deleteKnowledgeDocument,
  getKnowledgeBaseWithDocuments,
  listKnowledgeBases,
} from "@/lib/services/knowledge";

const handbook = [
  "Lattice runs workflows as graphs of typed nodes. Each node reads the shared state and returns the keys it changes.",
  "Billing happens monthly. Invoices are emailed on the first business day, and refunds take five to seven days to reach the card.",
  "The monitor shows every run live, node by node. A client that reconnects resumes from its last event sequence number.",
  "Penguins live mostly in the southern hemisphere. The emperor penguin breeds during the Antarctic winter.",
].join("\n\n");

async function chunkRows(where: string, id: string): Promise<number> {
  const { db } = await testDb();
  const result = await db.execute(sql.raw(`select count(*)::int as n from knowledge_chunks where ${where} = '${id}'`));
  return Number(rowsOf<{ n: number }>(result)[0]!.n);
}

describe("retrieval", () => {
  it("adds a document and ranks the right chunk first", async () => {
    const user = await createTestUser();
    const kb = await createKnowledgeBase({ ownerId: user.id, name: "Handbook" });
    const doc = await addTextDocument({
      ownerId: user.id,
      knowledgeBaseId: kb.id,
      title: "Company handbook",
      text: handbook,
      chunking: { size: 200, overlap: 0 },
    });
    expect(doc.chunkCount).toBe(4);
    expect(await chunkRows("document_id", doc.id)).toBe(4);

    const hits = await searchKnowledge({
      ownerId: user.id,
      knowledgeBaseId: kb.id,
      query: "how long do refunds take?",
      topK: 3,
    });
    expect(hits.length).toBeGreaterThanOrEqual(1);
    expect(hits[0]).toMatchObject({ documentId: doc.id, title: "Company handbook" });
    expect(hits[0]!.content).toContain("refunds take five to seven days");
    expect(hits[0]!.score).toBeGreaterThan(0);

    const penguins = await searchKnowledge({
      ownerId: user.id,
      knowledgeBaseId: kb.id,
      query: "emperor penguins breeding",
      topK: 3,
    });
    expect(penguins[0]!.content).toContain("emperor penguin breeds");
  });

  it("falls back to any of the words when no chunk has them all, ranking more matches first", async () => {
    const user = await createTestUser();
    const kb = await createKnowledgeBase({ ownerId: user.id, name: "Mixed" });
    await addTextDocument({
      ownerId: user.id,
      knowledgeBaseId: kb.id,
      title: "Notes",
      text: handbook,
      chunking: { size: 200, overlap: 0 },
    });
    // No chunk mentions both invoices and penguins and a quokka.
    const hits = await searchKnowledge({
      ownerId: user.id,
      knowledgeBaseId: kb.id,
      query: "invoices penguins quokka",
      topK: 5,
    });
    expect(hits.map((h) => h.content.slice(0, 10)).sort()).toEqual(["Billing ha", "Penguins l"]);
    // Web-search syntax in the query is harmless, and words with no match at all find nothing.
    expect(
      await searchKnowledge({ ownerId: user.id, knowledgeBaseId: kb.id, query: '"zebra" -( & | !', topK: 5 }),
    ).toEqual([]);
  });

  it("scopes everything by owner: another user finds nothing and cannot touch the base", async () => {
    const owner = await createTestUser();
    const stranger = await createTestUser();
    const kb = await createKnowledgeBase({ ownerId: owner.id, name: "Private" });
    const doc = await addTextDocument({ ownerId: owner.id, knowledgeBaseId: kb.id, title: "Secret", text: handbook });

    expect(await searchKnowledge({ ownerId: stranger.id, knowledgeBaseId: kb.id, query: "refunds", topK: 5 })).toEqual(
      [],
    );
    expect(await searchKnowledge({ ownerId: stranger.id, query: "refunds", topK: 5 })).toEqual([]);
    expect(await listKnowledgeBases({ ownerId: stranger.id })).toEqual([]);
    await expect(
      addTextDocument({ ownerId: stranger.id, knowledgeBaseId: kb.id, title: "x", text: "intruder text" }),
    ).rejects.toMatchObject({
      code: "not_found:knowledge_base",
    });
    await expect(
      deleteKnowledgeDocument({ ownerId: stranger.id, knowledgeBaseId: kb.id, documentId: doc.id }),
    ).rejects.toMatchObject({ code: "not_found:knowledge_base" });
    await expect(deleteKnowledgeBase({ ownerId: stranger.id, id: kb.id })).rejects.toMatchObject({
      code: "not_found:knowledge_base",
    });
    await expect(getKnowledgeBaseWithDocuments({ ownerId: stranger.id, id: kb.id })).rejects.toMatchObject({
      code: "not_found:knowledge_base",
    });
    // The owner still has everything.
    expect((await searchKnowledge({ ownerId: owner.id, query: "refunds", topK: 5 })).length).toBe(1);
    expect(await listKnowledgeBases({ ownerId: owner.id })).toEqual([
      expect.objectContaining({ id: kb.id, documentCount: 1 }),
    ]);
  });

  it("searches several bases, or all of the owner's when none is named", async () => {
    const user = await createTestUser();
    const a = await createKnowledgeBase({ ownerId: user.id, name: "A" });
    const b = await createKnowledgeBase({ ownerId: user.id, name: "B" });
    await addTextDocument({
      ownerId: user.id,
      knowledgeBaseId: a.id,
      title: "A doc",
      text: "Quokkas are small marsupials.",
    });
    await addTextDocument({
      ownerId: user.id,
      knowledgeBaseId: b.id,
      title: "B doc",
      text: "Quokkas live on Rottnest Island.",
    });
    expect(
      (await searchKnowledge({ ownerId: user.id, knowledgeBaseId: a.id, query: "quokkas" })).map((h) => h.title),
    ).toEqual(["A doc"]);
    expect((await searchKnowledge({ ownerId: user.id, knowledgeBaseId: [a.id, b.id], query: "quokkas" })).length).toBe(
      2,
    );
    expect((await searchKnowledge({ ownerId: user.id, query: "quokkas" })).length).toBe(2);
    expect(await searchKnowledge({ ownerId: user.id, knowledgeBaseId: [], query: "quokkas" })).toEqual([]);
  });

  it("keeps counts and cascades deletes to chunks", async () => {
    const user = await createTestUser();
    const kb = await createKnowledgeBase({ ownerId: user.id, name: "Counted", description: "d" });
    const one = await addTextDocument({
      ownerId: user.id,
      knowledgeBaseId: kb.id,
      title: "One",
      text: handbook,
      chunking: { size: 200, overlap: 0 },
    });
    const two = await addTextDocument({
      ownerId: user.id,
      knowledgeBaseId: kb.id,
      title: "Two",
      text: "Short note about quokkas.",
    });
    expect((await listKnowledgeBases({ ownerId: user.id }))[0]!.documentCount).toBe(2);
    expect(
      (await getKnowledgeBaseWithDocuments({ ownerId: user.id, id: kb.id })).documents.map((d) => [
        d.title,
        d.chunkCount,
      ]),
    ).toEqual([
      ["One", 4],
      ["Two", 1],
    ]);

    await deleteKnowledgeDocument({ ownerId: user.id, knowledgeBaseId: kb.id, documentId: one.id });
    expect(await chunkRows("document_id", one.id)).toBe(0);
    expect(await chunkRows("document_id", two.id)).toBe(1);
    expect((await listKnowledgeBases({ ownerId: user.id }))[0]!.documentCount).toBe(1);
    expect(await searchKnowledge({ ownerId: user.id, knowledgeBaseId: kb.id, query: "refunds" })).toEqual([]);

    await deleteKnowledgeBase({ ownerId: user.id, id: kb.id });
    expect(await chunkRows("knowledge_base_id", kb.id)).toBe(0);
    const { db } = await testDb();
    const docs = rowsOf<{ n: number }>(
      await db.execute(sql`select count(*)::int as n from knowledge_documents where knowledge_base_id = ${kb.id}`),
    );
    expect(Number(docs[0]!.n)).toBe(0);
    expect(await listKnowledgeBases({ ownerId: user.id })).toEqual([]);
  });

  it("rejects empty documents and bad names without writing anything", async () => {
    const user = await createTestUser();
    const kb = await createKnowledgeBase({ ownerId: user.id, name: "Strict" });
    await expect(
      addTextDocument({ ownerId: user.id, knowledgeBaseId: kb.id, title: "Empty", text: "  \n\n " }),
    ).rejects.toMatchObject({
      code: "validation:knowledge_document",
    });
    expect((await listKnowledgeBases({ ownerId: user.id }))[0]!.documentCount).toBe(0);
    // The name is checked by the API's schema: trimmed, 1 to KNOWLEDGE_LIMITS.nameMaxLength characters.
    await expect(createKnowledgeBase({ ownerId: user.id, name: "   " })).rejects.toMatchObject({
      code: "validation:knowledge_base",
      issues: [expect.objectContaining({ path: "name" })],
    });
    await expect(
      createKnowledgeBase({ ownerId: user.id, name: "x".repeat(KNOWLEDGE_LIMITS.nameMaxLength + 1) }),
    ).rejects.toMatchObject({ code: "validation:knowledge_base" });
    expect(await listKnowledgeBases({ ownerId: user.id })).toHaveLength(1);
    expect(
      (await createKnowledgeBase({ ownerId: user.id, name: ` ${"x".repeat(KNOWLEDGE_LIMITS.nameMaxLength)} ` })).name,
    ).toBe("x".repeat(KNOWLEDGE_LIMITS.nameMaxLength));
  });

  it("stores large documents as many chunks in one go", async () => {
    const user = await createTestUser();
    const kb = await createKnowledgeBase({ ownerId: user.id, name: "Big" });
    const text = Array.from({ length: 3000 }, (_, i) => `Fact ${i} concerns item${i} only.`).join(" ");
    const doc = await addTextDocument({
      ownerId: user.id,
      knowledgeBaseId: kb.id,
      title: "Big",
      text,
      chunking: { size: 100, overlap: 0 },
    });
    expect(doc.chunkCount).toBeGreaterThan(CHUNK_BATCH);
    expect(await chunkRows("document_id", doc.id)).toBe(doc.chunkCount);
    const hits = await searchKnowledge({ ownerId: user.id, knowledgeBaseId: kb.id, query: "item2718" });
    expect(hits[0]!.content).toContain("Fact 2718 concerns item2718 only.");
  });
});

const CHUNK_BATCH = 500;
