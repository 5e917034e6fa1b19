/**
 * POST /api/knowledge-bases/:id/search ("Test retrieval"): the same search the retrieval node runs, ranked,
 * owner-scoped, with the body validated field by field.
 */
import { describe, expect, it } from "vitest";
import { GET as searchGet, POST as search } from "@/app/api/knowledge-bases/[id]/search/route";
import { KNOWLEDGE_LIMITS, knowledgeSearchResponseSchema } from "@/lib/contracts/knowledge";
import { retrievalConfigSchema } from "@/lib/nodes/retrieval/definition";
import { searchKnowledge } from "@/lib/retrieval";
import { addText, newBase } from "./knowledge-fixtures";
import { call, newActor, type Actor } from "./rest-fixtures";

const path = "/api/knowledge-bases/x/search";

const searchAs = (actor: Actor, id: string, body: unknown) =>
  call(search, path, { method: "POST", body, auth: actor, params: { id } });

describe("POST /api/knowledge-bases/:id/search", () => {
  it("ranks the best passage first, with its document's title, like the engine's search", async () => {
    const actor = await newActor();
    const id = await newBase(actor);
    await addText(
      actor,
      id,
      "Shipping notes",
      "Parcels leave the warehouse within two working days. Tracking numbers arrive by email.",
    );
    const refunds = await addText(
      actor,
      id,
      "Refund policy",
      "Refunds are paid back to the original card within five to seven business days.",
    );
    await addText(actor, id, "Office hours", "The office opens at nine and closes at five on working days.");

    const response = await searchAs(actor, id, { query: "  How many days until my refund is paid?  " });
    expect(response.status, response.text).toBe(200);
    const body = knowledgeSearchResponseSchema.parse(response.json);
    expect(body.results[0]).toMatchObject({ rank: 1, documentId: refunds, documentTitle: "Refund policy" });
    expect(body.results[0]!.text).toContain("five to seven business days");
    expect(body.results.map((r) => r.rank)).toEqual(body.results.map((_, i) => i + 1));
    expect(body.results.map((r) => r.score)).toEqual([...body.results.map((r) => r.score)].sort((a, b) => b - a));
    expect(body.tookMs).toBeGreaterThanOrEqual(0);

    // The very passages the retrieval node would get (the same function, the node's default topK).
    const engine = await searchKnowledge({
      ownerId: actor.id,
      knowledgeBaseId: id,
      query: "How many days until my refund is paid?",
      topK: KNOWLEDGE_LIMITS.defaultTopK,
    });
    expect(body.results.map((r) => r.text)).toEqual(engine.map((hit) => hit.content));
  });

  it("returns at most topK passages, the retrieval node's default when omitted", async () => {
    expect(KNOWLEDGE_LIMITS.defaultTopK).toBe(retrievalConfigSchema.parse({ knowledgeBaseId: "kb", query: "q" }).topK);
    // The search itself returns no more than the retrieval node may ask for: a test's maximum is within it.
    expect(KNOWLEDGE_LIMITS.testMaxTopK).toBeLessThanOrEqual(KNOWLEDGE_LIMITS.searchMaxTopK);

    const actor = await newActor();
    const id = await newBase(actor);
    const count = KNOWLEDGE_LIMITS.defaultTopK + 2;
    for (let i = 1; i <= count; i++)
      await addText(actor, id, `Note ${i}`, `Note ${i}: the backup of the database runs every night.`);

    const two = await searchAs(actor, id, { query: "database backup", topK: 2 });
    expect(two.status, two.text).toBe(200);
    expect(two.json.results).toHaveLength(2);
    const fallback = await searchAs(actor, id, { query: "database backup" });
    expect(fallback.json.results).toHaveLength(KNOWLEDGE_LIMITS.defaultTopK);
    const all = await searchAs(actor, id, { query: "database backup", topK: KNOWLEDGE_LIMITS.testMaxTopK });
    expect(all.json.results).toHaveLength(count);
    expect(new Set(all.json.results.map((r: { documentTitle: string }) => r.documentTitle)).size).toBe(count);
  });

  it("is a 404 for another user's or an unknown base, and never shows its passages", async () => {
    const owner = await newActor();
    const other = await newActor();
    const id = await newBase(owner);
    await addText(owner, id, "Secret plan", "The launch codeword is marmalade.");

    const foreign = await searchAs(other, id, { query: "launch codeword" });
    expect(foreign.status).toBe(404);
    expect(foreign.json.error.code).toBe("not_found:knowledge_base");
    expect(foreign.text).not.toContain("marmalade");
    expect(foreign.text).not.toContain("Secret plan");

    expect((await searchAs(owner, "01ARZ3NDEKTSV4RRFFQ69G5FAV", { query: "launch codeword" })).status).toBe(404);
    expect((await searchAs(owner, "not-an-id", { query: "launch codeword" })).status).toBe(404);
    expect((await call(search, path, { method: "POST", body: { query: "launch" }, params: { id } })).status).toBe(401);
    expect((await call(searchGet, path, { auth: owner, params: { id } })).status).toBe(405);

    const mine = await searchAs(owner, id, { query: "launch codeword" });
    expect(mine.json.results[0]).toMatchObject({ documentTitle: "Secret plan" });
  });

  it("refuses an empty or too long query and a bad topK with 422 naming the field", async () => {
    const actor = await newActor();
    const id = await newBase(actor);
    const refused = async (body: unknown, field: string) => {
      const response = await searchAs(actor, id, body);
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(422);
      expect(response.json.error.code).toBe("validation:body");
      expect(response.json.error.issues.map((i: { path: string }) => i.path)).toContain(field);
    };
    await refused({ query: "" }, "query");
    await refused({ query: "   \n " }, "query");
    await refused({ query: "x".repeat(KNOWLEDGE_LIMITS.queryMaxLength + 1) }, "query");
    await refused({}, "query");
    await refused({ query: 42 }, "query");
    await refused({ query: "refunds", topK: 0 }, "topK");
    await refused({ query: "refunds", topK: KNOWLEDGE_LIMITS.testMaxTopK + 1 }, "topK");
    await refused({ query: "refunds", topK: 2.5 }, "topK");
    await refused({ query: "refunds", topK: "3" }, "topK");
    // The longest query is accepted (surrounding spaces do not count).
    const longest = ` ${"a".repeat(KNOWLEDGE_LIMITS.queryMaxLength)} `;
    expect((await searchAs(actor, id, { query: longest })).status).toBe(200);
  });

  it("finds nothing in a base without documents, and says so with an empty list", async () => {
    const actor = await newActor();
    const id = await newBase(actor, "Empty");
    const response = await searchAs(actor, id, { query: "anything at all" });
    expect(response.status, response.text).toBe(200);
    expect(response.json).toMatchObject({ results: [] });
    expect(typeof response.json.tookMs).toBe("number");

    await addText(actor, id, "Weather", "It rains a lot in autumn.");
    expect((await searchAs(actor, id, { query: "quantum chromodynamics" })).json.results).toEqual([]);
  });
});
