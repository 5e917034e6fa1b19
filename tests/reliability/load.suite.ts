/**
 * Load: 200 runs at once through the HTTP API of the production server — saved workflows, a template,
 * streamed ad-hoc graphs and streaming chats — with 0 errors, and then the database holds exactly them:
 * 200 finished rows, whole event records, two messages per chat, and analytics counters equal to what the
 * rows say.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callJson, readSse, request, signUpOverHttp, type HttpUser } from "../helpers/http-client";
import { suiteSql } from "./lib/database";
import {
  analyticsAgainstRows,
  executionsWithBrokenEvents,
  expectCountersEqual,
  modelGraph,
  suiteServer,
} from "./lib/suite";

const { baseUrl, databaseUrl } = suiteServer();
const sql = suiteSql(databaseUrl);
let owner: HttpUser;
let definitionId: string;
let templateId: string;

beforeAll(async () => {
  owner = await signUpOverHttp(baseUrl, "load");
  const saved = await callJson(baseUrl, "/api/workflows", {
    method: "POST",
    apiKey: owner.apiKey,
    body: { name: "Load flow", description: "", ...modelGraph() },
  });
  expect(saved.status).toBe(201);
  definitionId = saved.json.workflow.id;
  const templates = await callJson(baseUrl, "/api/templates", { apiKey: owner.apiKey });
  expect(templates.status).toBe(200);
  const list = (templates.json.templates ?? templates.json.items ?? []) as Array<{ id: string; slug?: string | null }>;
  templateId = (list.find((t) => t.slug === "universal-chat") ?? list[0])!.id;
});

afterAll(async () => {
  await sql.end({ timeout: 5 });
});

type Kind = "definition" | "template" | "custom-stream" | "chat";
const PLAN: Kind[] = [
  ...Array(70).fill("definition"),
  ...Array(40).fill("template"),
  ...Array(40).fill("custom-stream"),
  ...Array(50).fill("chat"),
];

async function runOne(kind: Kind, i: number): Promise<{ executionId: string; conversationId?: string }> {
  if (kind === "definition" || kind === "template") {
    const body =
      kind === "definition"
        ? { type: "DEFINITION", definitionId, input: { message: `load ${i}` } }
        : { type: "TEMPLATE", templateId, input: { message: `load ${i}` } };
    const response = await callJson(baseUrl, "/api/executions", { method: "POST", apiKey: owner.apiKey, body });
    if (response.status !== 200 || response.json?.status !== "completed")
      throw new Error(`${kind} #${i}: ${response.status} ${response.text.slice(0, 300)}`);
    return { executionId: response.json.executionId };
  }
  const path = kind === "chat" ? "/api/chat" : "/api/executions";
  const body =
    kind === "chat"
      ? { message: `load chat ${i}` }
      : { type: "CUSTOM", definition: modelGraph(), input: { message: `load stream ${i}` } };
  const response = await request(baseUrl, path, {
    method: "POST",
    apiKey: owner.apiKey,
    headers: { accept: "text/event-stream" },
    body,
  });
  if (response.status !== 200)
    throw new Error(`${kind} #${i}: ${response.status} ${(await response.text()).slice(0, 300)}`);
  const events = await readSse(response);
  const terminal = events.find(
    (m) => m.event === "run_completed" || m.event === "run_failed" || m.event === "run_cancelled",
  );
  if (terminal?.event !== "run_completed")
    throw new Error(`${kind} #${i}: stream ended with ${terminal?.event ?? "nothing"}`);
  const seqs = events.filter((m) => m.id !== undefined).map((m) => Number(m.id));
  if (seqs.some((seq, j) => seq !== j + 1)) throw new Error(`${kind} #${i}: event ids ${seqs.join(",")} are not 1..n`);
  if (kind === "chat" && !events.some((m) => m.event === "message"))
    throw new Error(`chat #${i}: no saved message event`);
  return {
    executionId: terminal.data.executionId,
    ...(kind === "chat" ? { conversationId: terminal.data.data.conversationId } : {}),
  };
}

describe("load: 200 concurrent runs over HTTP", () => {
  it("answers every request without an error, and the database holds exactly those runs", async () => {
    const settled = await Promise.allSettled(PLAN.map((kind, i) => runOne(kind, i)));
    const errors = settled.flatMap((s) => (s.status === "rejected" ? [String(s.reason)] : []));
    expect(errors, errors.slice(0, 5).join("\n")).toEqual([]);
    const runs = settled.map(
      (s) => (s as PromiseFulfilledResult<{ executionId: string; conversationId?: string }>).value,
    );

    // Every run is stored once, finished.
    const ids = runs.map((r) => r.executionId);
    expect(new Set(ids).size).toBe(200);
    const rows = await sql<Array<{ status: string; n: number }>>`
      select status, count(*)::int as n from workflow_executions where owner_id = ${owner.id} group by status`;
    expect(rows.map((r) => [r.status, r.n])).toEqual([["completed", 200]]);
    const [stored] = await sql<
      Array<{ n: number }>
    >`select count(*)::int as n from workflow_executions where id = any(${ids})`;
    expect(stored!.n).toBe(200);

    // Whole event records: seq 1..n, one terminal event last.
    expect(await executionsWithBrokenEvents(sql, owner.id)).toEqual([]);

    // Chats: the question and the answer, each once, and the conversation's aggregates agree.
    const conversationIds = runs.flatMap((r) => (r.conversationId ? [r.conversationId] : []));
    expect(conversationIds).toHaveLength(50);
    const conversations = await sql<
      Array<{ id: string; message_count: number; counted: number; users: number; assistants: number }>
    >`
      select c.id, c.message_count, count(m.id)::int as counted,
             count(m.id) filter (where m.role = 'user')::int as users, count(m.id) filter (where m.role = 'assistant')::int as assistants
      from conversations c left join messages m on m.conversation_id = c.id
      where c.owner_id = ${owner.id} group by c.id`;
    expect(conversations).toHaveLength(50);
    for (const c of conversations)
      expect(c, `conversation ${c.id}`).toMatchObject({ message_count: 2, counted: 2, users: 1, assistants: 1 });

    // Analytics counters equal the counts from the rows.
    const analytics = await analyticsAgainstRows(sql, owner.id);
    expect(analytics.templates.length).toBeGreaterThan(0);
    expectCountersEqual(analytics.templates, "template");

    // The API's list agrees with the table.
    let listed = 0;
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof callJson>> = await callJson(
        baseUrl,
        `/api/executions?limit=100${cursor ? `&cursor=${cursor}` : ""}`,
        { apiKey: owner.apiKey },
      );
      expect(page.status).toBe(200);
      listed += page.json.executions.length;
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(listed).toBe(200);
  });
});
