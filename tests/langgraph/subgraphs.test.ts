/**
 * Subgraph namespaces with the official SDK: a run with `streamSubgraphs` carries the events of the child runs
 * its subworkflow nodes start, as `<mode>|<parent node id>:<child execution id>` — the child's tokens as
 * `messages|ns` tuples, its node updates as `updates|ns` — placed between the parent node's start and end, the
 * same live and on every replay (joinStream from the start or after any frame's Last-Event-ID); without the
 * flag the stream is the parent's alone. In process by default; against a server with LG_TEST_URL.
 */
import type { Client } from "@langchain/langgraph-sdk";
import { beforeAll, describe, expect, it } from "vitest";
import { echoDefinition } from "../api/rest-fixtures";
import { harness, type Harness } from "./harness";

let h: Harness;
let owner: { id: string; apiKey: string };
let client: Client;
let parentId: string;
let slowParentId: string;

type Part = { event: string; data: unknown; id?: string };

async function collect(stream: AsyncIterable<Part>): Promise<Part[]> {
  const out: Part[] = [];
  for await (const part of stream) out.push(part);
  return out;
}

const human = (content: string) => ({ messages: [{ role: "user", content }] });

/** start → own (a model of its own) → sub (runs childId) → end */
function parentDefinition(name: string, childId: string) {
  const node = (id: string, type: string, config: Record<string, unknown> = {}, x = 0) => ({
    id,
    type,
    position: { x, y: 0 },
    data: { label: id, config },
  });
  return {
    name,
    description: "",
    nodes: [
      node("start", "start"),
      node("own", "model", { provider: "local", model: "echo" }, 200),
      node("sub", "subworkflow", { definitionId: childId, outputVariable: "child" }, 400),
      node("end", "end", {}, 600),
    ],
    edges: [
      { id: "e1", source: "start", target: "own" },
      { id: "e2", source: "own", target: "sub" },
      { id: "e3", source: "sub", target: "end" },
    ],
    metadata: {},
  };
}

const namespaceOf = (part: Part) => (part.event.includes("|") ? part.event.slice(part.event.indexOf("|") + 1) : "");
const textOf = (parts: Part[]) => parts.map((p) => (p.data as [{ content: string }])[0].content).join("");

beforeAll(async () => {
  h = await harness();
  owner = await h.newUser();
  client = h.client(owner.apiKey);
  const child = echoDefinition("LG child");
  const slowChild = echoDefinition("LG slow child");
  slowChild.nodes[1]!.data.config = { provider: "local", model: "slow", latencyMs: 15 };
  const [childId, slowChildId] = await Promise.all([
    h.saveWorkflow(owner.apiKey, child),
    h.saveWorkflow(owner.apiKey, slowChild),
  ]);
  [parentId, slowParentId] = await Promise.all([
    h.saveWorkflow(owner.apiKey, parentDefinition("LG parent", childId)),
    h.saveWorkflow(owner.apiKey, parentDefinition("LG slow parent", slowChildId)),
  ]);
}, 120_000);

describe("stream_subgraphs", () => {
  it("nests the child run's tokens and updates under <node>:<child execution id>, in place", async () => {
    const thread = await client.threads.create();
    const parts = (await collect(
      client.runs.stream(thread.thread_id, parentId, {
        input: human("nested hello"),
        streamMode: ["messages-tuple", "updates", "values", "events", "debug"],
        streamSubgraphs: true,
      }) as AsyncIterable<Part>,
    )) as Part[];
    const nested = parts.filter((p) => p.event.includes("|"));
    const namespaces = [...new Set(nested.map(namespaceOf))];
    expect(namespaces).toHaveLength(1);
    const [nodeId, childExecutionId] = namespaces[0]!.split(":");
    expect(nodeId).toBe("sub");

    // The child's tokens, as message tuples whose metadata name the child's node and namespace.
    const childTokens = parts.filter((p) => p.event === `messages|${namespaces[0]}`);
    expect(childTokens.length).toBeGreaterThan(1);
    const [, metadata] = childTokens[0]!.data as [unknown, Record<string, unknown>];
    expect(metadata).toMatchObject({
      langgraph_node: "model",
      langgraph_checkpoint_ns: namespaces[0],
      lattice_execution_id: childExecutionId,
    });
    const childUpdate = parts.find((p) => p.event === `updates|${namespaces[0]}` && "model" in (p.data as object));
    const childAnswer = (childUpdate!.data as { model: { messages: Array<{ content: string }> } }).model.messages[0]!;
    expect(textOf(childTokens)).toBe(childAnswer.content);
    for (const mode of ["values", "events", "debug"])
      expect(
        parts.some((p) => p.event === `${mode}|${namespaces[0]}`),
        mode,
      ).toBe(true);
    const childStream = parts.find(
      (p) => p.event === `events|${namespaces[0]}` && (p.data as { event: string }).event === "on_chat_model_stream",
    );
    expect((childStream!.data as { metadata: Record<string, unknown> }).metadata).toMatchObject({
      langgraph_node: "model",
      langgraph_checkpoint_ns: namespaces[0],
    });

    // The parent's own tokens are not nested, and the child's block sits inside the sub node's run.
    expect(textOf(parts.filter((p) => p.event === "messages"))).toContain("nested hello");
    const ownDone = parts.findIndex((p) => p.event === "updates" && "own" in (p.data as object));
    const subDone = parts.findIndex((p) => p.event === "updates" && "sub" in (p.data as object));
    expect(ownDone).toBeGreaterThan(0);
    expect(parts.indexOf(nested[0]!)).toBeGreaterThan(ownDone);
    expect(parts.indexOf(nested.at(-1)!)).toBeLessThan(subDone);
    expect(parts.at(-1)!.event).toBe("end");

    // The namespace names the child's execution, which Lattice lists as the run's child.
    const executions = await h.rest(owner.apiKey, "/api/executions?limit=50");
    const child = executions.json.executions.find((e: { id: string }) => e.id === childExecutionId);
    expect(child).toMatchObject({ trigger: "subworkflow" });
    const ids = parts.map((p) => p.id).filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);

    // A join replays the same frames in the same order.
    const [run] = await client.runs.list(thread.thread_id);
    const replay = (await collect(client.runs.joinStream(thread.thread_id, run!.run_id) as AsyncIterable<Part>)).filter(
      (p) => p.event !== "metadata",
    );
    expect(replay.map((p) => [p.id, p.event])).toEqual(
      parts.filter((p) => p.event !== "metadata").map((p) => [p.id, p.event]),
    );
  });

  it("streams the parent's events alone without the flag", async () => {
    const thread = await client.threads.create();
    const parts = await collect(
      client.runs.stream(thread.thread_id, parentId, {
        input: human("flat"),
        streamMode: ["messages-tuple", "updates", "values", "custom", "events", "debug"],
      }) as AsyncIterable<Part>,
    );
    expect(parts.filter((p) => p.event.includes("|"))).toEqual([]);
    expect(parts.some((p) => p.event === "updates" && "sub" in (p.data as object))).toBe(true);
    const tuples = parts.filter((p) => p.event === "messages");
    expect(tuples.every((p) => (p.data as [unknown, { langgraph_node: string }])[1].langgraph_node === "own")).toBe(
      true,
    );
  });

  it("joins a live run with subgraphs and resumes after a child's frame with Last-Event-ID", async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, slowParentId, {
      input: human("a long nested answer"),
      streamMode: ["messages-tuple", "updates", "custom"],
      streamSubgraphs: true,
    });
    const first: Part[] = [];
    for await (const part of client.runs.joinStream(thread.thread_id, run.run_id) as AsyncIterable<Part>) {
      first.push(part);
      if (first.filter((p) => p.event.startsWith("messages|")).length >= 3) break;
    }
    const lastId = first.at(-1)!.id!;
    expect(lastId).toMatch(/^\d+~[0-9A-Za-z]+~\d+-\d+$/);
    const rest = await collect(
      client.runs.joinStream(thread.thread_id, run.run_id, { lastEventId: lastId }) as AsyncIterable<Part>,
    );
    expect(rest.at(-1)!.event).toBe("end");
    const live = [...first, ...rest].filter((p) => p.event !== "metadata");
    const ids = live.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);

    // The whole stream read again once the run has ended: the same frames, in the same order.
    const replay = (await collect(client.runs.joinStream(thread.thread_id, run.run_id) as AsyncIterable<Part>)).filter(
      (p) => p.event !== "metadata",
    );
    expect(replay.map((p) => [p.id, p.event])).toEqual(live.map((p) => [p.id, p.event]));
    // And from any frame on, exactly what follows it.
    const middle = replay[Math.floor(replay.length / 2)]!;
    const after = await collect(
      client.runs.joinStream(thread.thread_id, run.run_id, { lastEventId: middle.id! }) as AsyncIterable<Part>,
    );
    expect(after.map((p) => p.id)).toEqual(replay.slice(replay.indexOf(middle) + 1).map((p) => p.id));

    const childTokens = live.filter((p) => p.event.startsWith("messages|sub:"));
    const childUpdate = live.find((p) => p.event.startsWith("updates|sub:") && "model" in (p.data as object));
    expect(textOf(childTokens)).toBe(
      (childUpdate!.data as { model: { messages: Array<{ content: string }> } }).model.messages[0]!.content,
    );
    expect(live.some((p) => p.event.startsWith("custom|sub:"))).toBe(true);
  });
});
