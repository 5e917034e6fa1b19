/**
 * Knowledge-base embeddings and hybrid retrieval, through the routes, against the wire server's deterministic
 * embeddings (OpenAI /v1/embeddings and Ollama /api/embed) over real HTTP. Runs on both backends; on each,
 * vectors are compared with pgvector where the database has it and in plain SQL with LATTICE_PGVECTOR=off.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as createCredential } from "@/app/api/credentials/route";
import { POST as addDocument } from "@/app/api/knowledge-bases/[id]/documents/route";
import { PATCH as updateBase } from "@/app/api/knowledge-bases/[id]/route";
import { GET as embeddingStatus, POST as reembed } from "@/app/api/knowledge-bases/[id]/embeddings/route";
import { POST as search } from "@/app/api/knowledge-bases/[id]/search/route";
import { knowledgeEmbeddingStatusSchema, knowledgeSearchResponseSchema } from "@/lib/contracts/knowledge";
import { getDbHandle } from "@/lib/db/client";
import { prepareVectorSupport } from "@/lib/db/vector";
import { resetEnvCache } from "@/lib/env";
import { searchKnowledge } from "@/lib/retrieval";
import { EMBEDDING_BATCH_SIZE, embedTexts } from "@/lib/retrieval/embeddings";
import { startWireServer, type WireServer } from "@/tests/helpers/wire-server";
import { execute } from "@/lib/engine/execute";
import { InMemoryTracker } from "@/lib/engine/tracker";
import { chain, graph, node } from "../engine/helpers";
import { addText, newBase } from "./knowledge-fixtures";
import { call, newActor, type Actor } from "./rest-fixtures";

let wire: WireServer;
const saved = { OPENAI_BASE_URL: process.env.OPENAI_BASE_URL, OLLAMA_BASE_URL: process.env.OLLAMA_BASE_URL };

beforeAll(async () => {
  // The database's first open (and migration) belongs to the setup's time budget, not the first test's.
  await getDbHandle();
  wire = await startWireServer();
  process.env.OPENAI_BASE_URL = `${wire.url}/v1`;
  process.env.OLLAMA_BASE_URL = wire.url;
  resetEnvCache();
});

afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  delete process.env.LATTICE_PGVECTOR;
  resetEnvCache();
  await wire.close();
});

const QUESTION = "How much does it cost to fix my automobile?";
/** Shares no word with the question, only its meaning. */
const ANSWER = "Car repair fees: the mechanic charges a flat payment for mending vehicles.";
const CORPUS = {
  "Garden tips": "To fix a leaking garden hose, close the tap first and replace the washer.",
  "Car repairs": ANSWER,
  "Dog walking": "Canine companions enjoy a long walk in the park every morning.",
};

async function corpusBase(actor: Actor, embeddingModel: unknown): Promise<string> {
  const id = await newBase(actor, "Garage");
  if (embeddingModel) expect((await setModel(actor, id, embeddingModel)).status).toBe(200);
  for (const [title, text] of Object.entries(CORPUS)) await addText(actor, id, title, text);
  return id;
}

const setModel = (actor: Actor, id: string, embeddingModel: unknown) =>
  call(updateBase, "/api/knowledge-bases/x", {
    method: "PATCH",
    body: { embeddingModel },
    auth: actor,
    params: { id },
  });

async function searchAs(actor: Actor, id: string, query = QUESTION) {
  const response = await call(search, "/api/knowledge-bases/x/search", {
    method: "POST",
    body: { query, topK: 3 },
    auth: actor,
    params: { id },
  });
  expect(response.status, response.text).toBe(200);
  return knowledgeSearchResponseSchema.parse(response.json);
}

async function statusOf(actor: Actor, id: string) {
  const response = await call(embeddingStatus, "/api/knowledge-bases/x/embeddings", { auth: actor, params: { id } });
  expect(response.status, response.text).toBe(200);
  return knowledgeEmbeddingStatusSchema.parse(response.json);
}

async function settled(actor: Actor, id: string) {
  for (let i = 0; i < 200; i++) {
    const status = await statusOf(actor, id);
    if (!status.running) return status;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("re-embedding did not finish");
}

describe.each([
  { vectors: "pgvector where the database has it", pgvector: undefined },
  { vectors: "plain SQL (LATTICE_PGVECTOR=off)", pgvector: "off" },
])("hybrid retrieval, vectors compared by $vectors", ({ pgvector }) => {
  beforeAll(() => {
    if (pgvector) process.env.LATTICE_PGVECTOR = pgvector;
    else delete process.env.LATTICE_PGVECTOR;
    resetEnvCache();
  });

  it("finds the passage that shares no word with the question, which full-text search alone misses", async () => {
    const actor = await newActor();
    const plain = await corpusBase(actor, null);
    const fullText = await searchAs(actor, plain);
    expect(fullText.mode).toBe("full-text");
    expect(fullText.results.map((r) => r.text)).not.toContain(ANSWER);

    const hybrid = await corpusBase(actor, { provider: "openai", model: "wire-embed" });
    const found = await searchAs(actor, hybrid);
    expect(found.mode).toBe("hybrid");
    expect(found.results[0]).toMatchObject({ rank: 1, documentTitle: "Car repairs", text: ANSWER, textRank: 0 });
    for (const result of found.results) {
      expect(result.score).toBeGreaterThan(0);
      expect(result.score).toBeLessThanOrEqual(1);
      expect(result.similarity).toBeGreaterThanOrEqual(0);
      expect(result.similarity).toBeLessThanOrEqual(1);
    }
    expect(found.results[0]!.similarity).toBeGreaterThan(0.9);
    // The words' part is the share of the question's words a passage has: "fix" of cost, fix, automobile, much.
    expect(found.results.find((r) => r.documentTitle === "Garden tips")?.textRank).toBeCloseTo(0.25, 5);
    // The retrieval node's and the knowledge-search tool's search is the same one.
    const hits = await searchKnowledge({ ownerId: actor.id, knowledgeBaseId: hybrid, query: QUESTION, topK: 1 });
    expect(hits[0]).toMatchObject({ title: "Car repairs", content: ANSWER });
  });

  it("hands the retrieval node the passage by meaning, with its 0–1 score in the sources", async () => {
    const actor = await newActor();
    const id = await corpusBase(actor, { provider: "openai", model: "wire-embed" });
    const nodes = [
      node("start", "start", {}),
      node("retrieve", "retrieval", { knowledgeBaseId: id, query: "{{input.message}}", topK: 1 }),
      node("model", "model", { provider: "local", model: "echo" }),
      node("end", "end", {}),
    ];
    const result = await execute(
      {
        type: "CUSTOM",
        definition: graph(nodes, chain("start", "retrieve", "model", "end")),
        input: { message: QUESTION },
      },
      { userId: actor.id, tracker: new InMemoryTracker() },
    );
    expect(result.status).toBe("completed");
    const [source] = result.output.sources ?? [];
    expect(source).toMatchObject({ title: "Car repairs", knowledgeBaseId: id });
    expect(source!.score).toBeGreaterThan(0.6);
    expect(source!.score).toBeLessThanOrEqual(1);
  });

  it("embeds with Ollama's /api/embed too", async () => {
    const actor = await newActor();
    const id = await corpusBase(actor, { provider: "ollama", model: "nomic-embed-text" });
    const found = await searchAs(actor, id);
    expect(found.results[0]?.text).toBe(ANSWER);
    expect(wire.embedRequests.some((r) => r.path === "/api/embed" && r.model === "nomic-embed-text")).toBe(true);
  });
});

describe("embeddings of a knowledge base", () => {
  it("embeds through one of the owner's credentials, on a server with no embeddings provider of its own", async () => {
    delete process.env.OPENAI_BASE_URL;
    delete process.env.OLLAMA_BASE_URL;
    const allowList = process.env.LATTICE_HTTP_ALLOWLIST;
    // The wire server is on loopback, which a credential's base URL may name only when allowed.
    process.env.LATTICE_HTTP_ALLOWLIST = "127.0.0.1";
    resetEnvCache();
    try {
      const actor = await newActor();
      const credential = await call(createCredential, "/api/credentials", {
        method: "POST",
        body: { name: "My embeddings", provider: "openai", apiKey: "sk-embed-0123456789", baseUrl: `${wire.url}/v1` },
        auth: actor,
      });
      expect(credential.status, credential.text).toBe(201);
      const credentialId = credential.json.credential.id as string;
      const model = { provider: "openai", model: "credential-embed", credentialId };
      const id = await corpusBase(actor, model);
      expect((await statusOf(actor, id)).embeddingModel).toEqual(model);
      const found = await searchAs(actor, id);
      expect(found.mode).toBe("hybrid");
      expect(found.results[0]).toMatchObject({ documentTitle: "Car repairs", text: ANSWER });
      expect(wire.embedRequests.some((r) => r.model === "credential-embed")).toBe(true);

      // Someone else's credential, or one for another provider, is refused where it is named.
      const other = await newActor();
      const theirs = await setModel(other, await newBase(other, "Theirs"), model);
      expect(theirs.status).toBe(422);
      expect(theirs.json.error.issues).toEqual([expect.objectContaining({ path: "embeddingModel.credentialId" })]);
      const wrongKind = await setModel(actor, id, { provider: "ollama", model: "x", credentialId });
      expect(wrongKind.status).toBe(422);
      expect(wrongKind.json.error.message).toMatch(/is for openai, not ollama/);

      // Its base URL is checked on every use: refused now, the search says so and finds by words.
      delete process.env.LATTICE_HTTP_ALLOWLIST;
      resetEnvCache();
      const refused = await searchAs(actor, id);
      expect(refused.mode).toBe("full-text");
      expect(refused.warning).toMatch(/Refusing to fetch .*loopback/);
    } finally {
      process.env.OPENAI_BASE_URL = `${wire.url}/v1`;
      process.env.OLLAMA_BASE_URL = wire.url;
      if (allowList === undefined) delete process.env.LATTICE_HTTP_ALLOWLIST;
      else process.env.LATTICE_HTTP_ALLOWLIST = allowList;
      resetEnvCache();
    }
  });

  it("sends texts in bounded batches, in order, and normalises the vectors", async () => {
    const texts = Array.from({ length: EMBEDDING_BATCH_SIZE * 2 + 3 }, (_, i) => `passage ${i} about cars`);
    const before = wire.embedRequests.length;
    const vectors = await embedTexts({ provider: "openai", model: "batch-check" }, texts);
    const sent = wire.embedRequests.slice(before).filter((r) => r.model === "batch-check");
    expect(sent.map((r) => r.texts.length)).toEqual([EMBEDDING_BATCH_SIZE, EMBEDDING_BATCH_SIZE, 3]);
    expect(sent.flatMap((r) => r.texts)).toEqual(texts);
    expect(vectors).toHaveLength(texts.length);
    expect(Math.hypot(...vectors[70]!)).toBeCloseTo(1, 5);
  });

  it("says at start whether pgvector is there: always on the embedded database", async () => {
    const handle = await getDbHandle();
    const present = await prepareVectorSupport(handle);
    if (handle.backend === "pglite") expect(present).toBe(true);
    else expect(typeof present).toBe("boolean");
  });

  it("re-embeds explicitly after the model changes, with progress, and searches by meaning afterwards", async () => {
    const actor = await newActor();
    const id = await corpusBase(actor, null);
    expect(await statusOf(actor, id)).toMatchObject({ embeddingModel: null, totalChunks: 3, embeddedChunks: 0 });

    const chosen = await setModel(actor, id, { provider: "openai", model: "wire-embed" });
    expect(chosen.json.knowledgeBase.embeddingModel).toEqual({ provider: "openai", model: "wire-embed" });
    // Choosing a model embeds nothing by itself: the passages wait for the explicit action.
    expect(await statusOf(actor, id)).toMatchObject({ totalChunks: 3, embeddedChunks: 0, running: false });

    const started = await call(reembed, "/api/knowledge-bases/x/embeddings", {
      method: "POST",
      auth: actor,
      params: { id },
    });
    expect(started.status, started.text).toBe(202);
    expect(started.json.embeddingModel).toEqual({ provider: "openai", model: "wire-embed" });
    expect(await settled(actor, id)).toMatchObject({ totalChunks: 3, embeddedChunks: 3, failedDocuments: [] });
    expect((await searchAs(actor, id)).results[0]?.text).toBe(ANSWER);

    // Another model: the old vectors no longer count until re-embedded.
    await setModel(actor, id, { provider: "ollama", model: "other-embed" });
    expect(await statusOf(actor, id)).toMatchObject({ embeddedChunks: 0 });
    await call(reembed, "/api/knowledge-bases/x/embeddings", { method: "POST", auth: actor, params: { id } });
    expect(await settled(actor, id)).toMatchObject({ embeddedChunks: 3 });

    // Clearing the model: full-text search, as without one.
    expect((await setModel(actor, id, null)).json.knowledgeBase.embeddingModel).toBeNull();
    expect((await searchAs(actor, id)).mode).toBe("full-text");
  });

  it("keeps a document whose embedding fails, says why, and still finds it by its words", async () => {
    const actor = await newActor();
    const id = await corpusBase(actor, { provider: "openai", model: "wire-embed" });
    const added = await call(addDocument, "/x", {
      method: "POST",
      body: { title: "Broken", text: "Penguins breed in winter. wire:embed-error" },
      auth: actor,
      params: { id },
    });
    expect(added.status, added.text).toBe(201);
    expect(added.json.document.embeddingError).toMatch(/openai embeddings model "wire-embed" failed: HTTP 500/);
    const status = await statusOf(actor, id);
    expect(status).toMatchObject({ totalChunks: 4, embeddedChunks: 3 });
    expect(status.failedDocuments).toEqual([
      { documentId: added.json.document.id, title: "Broken", error: added.json.document.embeddingError },
    ]);
    expect((await searchAs(actor, id, "penguins breed")).results[0]?.documentTitle).toBe("Broken");

    // Re-embedding under another model: one round holds every passage; its failure is pinned on the one
    // document, the others are embedded.
    await setModel(actor, id, { provider: "openai", model: "wire-embed-2" });
    await call(reembed, "/x", { method: "POST", auth: actor, params: { id } });
    const after = await settled(actor, id);
    expect(after).toMatchObject({ totalChunks: 4, embeddedChunks: 3 });
    expect(after.failedDocuments.map((d) => d.title)).toEqual(["Broken"]);
    expect(after.failedDocuments[0]!.error).toMatch(/"wire-embed-2" failed: HTTP 500/);
  });

  it("falls back to full-text search, saying why, when the model's server fails", async () => {
    const actor = await newActor();
    const id = await corpusBase(actor, { provider: "openai", model: "wire-embed" });
    const found = await searchAs(actor, id, "fix hose wire:embed-error");
    expect(found.mode).toBe("full-text");
    expect(found.warning).toMatch(/failed: HTTP 500.*Searched by words only/);
    expect(found.results[0]?.documentTitle).toBe("Garden tips");
  });

  it("refuses an unconfigured provider, a bad body, and re-embedding without a model", async () => {
    const actor = await newActor();
    const id = await newBase(actor, "Empty");
    delete process.env.OLLAMA_BASE_URL;
    resetEnvCache();
    try {
      const refused = await setModel(actor, id, { provider: "ollama", model: "nomic-embed-text" });
      expect(refused.status).toBe(422);
      expect(refused.json.error.message).toMatch(/Ollama provider is not configured.*OLLAMA_BASE_URL/);
    } finally {
      process.env.OLLAMA_BASE_URL = wire.url;
      resetEnvCache();
    }
    const bad = await setModel(actor, id, { provider: "anthropic", model: "" });
    expect(bad.status).toBe(422);
    expect(bad.json.error.issues.map((i: { path: string }) => i.path)).toEqual(
      expect.arrayContaining(["embeddingModel.provider", "embeddingModel.model"]),
    );
    const noModel = await call(reembed, "/x", { method: "POST", auth: actor, params: { id } });
    expect(noModel.status).toBe(409);
    expect(noModel.json.error.message).toMatch(/no embeddings model/);
    // Another user's base is a 404, like a missing one.
    const other = await newActor();
    expect((await statusOf(actor, id)).embeddingModel).toBeNull();
    const foreign = await call(embeddingStatus, "/x", { auth: other, params: { id } });
    expect(foreign.status).toBe(404);
  });
});
