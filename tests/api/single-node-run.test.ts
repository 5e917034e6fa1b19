/**
 * "Run this node" (issue 14, item 17): the editor's request — a CUSTOM run of Start → the node → End whose
 * start state is the node's pinned input — through the real route and engine; and the pinned input as part of
 * the definition format (saved, exported, imported, refused where malformed).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { POST as runExecution } from "@/app/api/executions/route";
import { GET as getExecution } from "@/app/api/executions/[id]/route";
import { POST as createWorkflow } from "@/app/api/workflows/route";
import { GET as exportWorkflow } from "@/app/api/workflows/[id]/export/route";
import { POST as importWorkflow } from "@/app/api/workflows/import/route";
import { documentFromDefinition } from "@/components/editor/model/document";
import { requestIssues, singleNodeRequest } from "@/components/editor/model/single-node";
import { parseExecutionEvent, type ExecutionEvent } from "@/lib/contracts/events";
import { executionResponseSchema } from "@/lib/contracts/executions";
import { errorFromBody } from "@/lib/api-client/fetch-json";
import type { PinnedInput } from "@/lib/workflow/definition";
import { call, callRaw, echoDefinition, newActor, readSse, type Actor } from "./rest-fixtures";

/** A workflow whose transform step reads every part of the state a pinned input can set. */
function inspectingWorkflow(expression: string) {
  const definition = echoDefinition("Pinned");
  definition.nodes.splice(1, 0, {
    id: "look",
    type: "transform",
    position: { x: 120, y: 0 },
    data: { label: "Look", config: { expression, target: "variable", variable: "seen" } },
  });
  definition.edges = [
    { id: "e0", source: "start", target: "look" },
    { id: "e1", source: "look", target: "model" },
    { id: "e2", source: "model", target: "end" },
  ];
  return documentFromDefinition(definition);
}

const PINNED: PinnedInput = {
  message: "What is the refund policy?",
  messages: [
    { role: "system", content: "Be brief." },
    { role: "user", content: "What is the refund policy?" },
    { role: "assistant", content: "Thirty days." },
  ],
  variables: { topic: "refunds", tries: 2 },
  retrievalContext: "Refunds within 30 days.",
  conversationSummary: "A customer asks about refunds.",
};

const LOOK =
  '{ "count": $count(messages), "roles": messages.role, "last": last_message, "asked": input.message, "topic": variables.topic, "tries": variables.tries, "context": retrieval_context, "summary": conversation_summary }';

async function runStreamed(actor: Actor, body: unknown): Promise<ExecutionEvent[]> {
  const response = await callRaw(runExecution, "/api/executions", {
    method: "POST",
    body,
    auth: actor,
    headers: { accept: "text/event-stream" },
  });
  expect(response.status).toBe(200);
  return (await readSse(response)).map((message) => parseExecutionEvent(message.data));
}

// One user for the file, made before the tests: the first sign-up pays for the database's start.
let actor: Actor;
beforeAll(async () => {
  actor = await newActor();
});

describe("Run this node: a CUSTOM run from a pinned state", () => {
  it("runs only that node, starting from exactly the pinned state, and the run is tracked like any other", async () => {
    const doc = inspectingWorkflow(LOOK);
    const events = await runStreamed(actor, singleNodeRequest(doc, "look", PINNED));

    const started = events.filter((event) => event.type === "node_started");
    expect(started.map((event) => event.data.nodeId)).toEqual(["start", "look", "end"]);
    const look = started[1]!;
    if (look.type !== "node_started") throw new Error("unreachable");
    // What the monitor shows the node started from: the three pinned messages and exactly the pinned variables.
    expect(look.data.input).toEqual({
      messageCount: 3,
      lastMessage: { role: "ai", text: "Thirty days." },
      variables: { topic: "refunds", tries: 2 },
    });

    const last = events.at(-1)!;
    if (last.type !== "run_completed") throw new Error(`the run ended with ${last.type}`);
    expect(last.data.output.variables).toEqual({
      topic: "refunds",
      tries: 2,
      seen: {
        count: 3,
        roles: ["system", "user", "assistant"],
        last: "Thirty days.",
        asked: "What is the refund policy?",
        topic: "refunds",
        tries: 2,
        context: "Refunds within 30 days.",
        summary: "A customer asks about refunds.",
      },
    });
    // input.message is what `input.message` reads, not a fourth message: the answer is still the last one.
    expect(last.data.output.message).toBe("Thirty days.");
    expect(last.data.history.map((entry) => entry.nodeId)).toEqual(["start", "look", "end"]);

    const detail = await call(getExecution, `/api/executions/${last.executionId}`, {
      auth: actor,
      params: { id: last.executionId },
    });
    expect(detail.status, detail.text).toBe(200);
    const execution = executionResponseSchema.parse(detail.json).execution;
    expect(execution).toMatchObject({ status: "completed", workflowType: "CUSTOM" });
    expect(execution.definition?.nodes?.map((node) => node.id)).toEqual(["start", "look", "end"]);
  });

  it("answers a model node from the pinned conversation and reports its tokens", async () => {
    const doc = inspectingWorkflow(LOOK);
    const events = await runStreamed(
      actor,
      singleNodeRequest(doc, "model", {
        messages: [
          { role: "user", content: "an earlier question" },
          { role: "user", content: "echo the pinned words" },
        ],
        variables: {},
      }),
    );
    const completed = events.find((event) => event.type === "node_completed" && event.data.nodeId === "model");
    if (completed?.type !== "node_completed") throw new Error("the model node did not complete");
    expect(completed.data.output.message).toContain("echo the pinned words");
    expect(completed.data.usage?.inputTokens).toBeGreaterThan(0);
    expect(events.filter((event) => event.type === "node_started").map((event) => event.nodeId)).not.toContain("look");
  });

  it("records the branch a conditional takes without running what follows it", async () => {
    const doc = inspectingWorkflow(LOOK);
    doc.nodes.push({
      id: "check",
      type: "conditional",
      position: { x: 0, y: 200 },
      data: {
        config: {
          branches: [{ key: "refund", label: "Refund", expression: "variables.topic = 'refunds'" }],
        },
      },
    });
    const events = await runStreamed(actor, singleNodeRequest(doc, "check", PINNED));
    const completed = events.find((event) => event.type === "node_completed" && event.data.nodeId === "check");
    if (completed?.type !== "node_completed") throw new Error("the conditional did not complete");
    expect(completed.data.output.handle).toBe("refund");
    expect(events.at(-1)?.type).toBe("run_completed");
  });

  it("reports a node that fails on its input as the run's failure, with the node's error", async () => {
    const doc = inspectingWorkflow("$number(variables.price) * 2");
    const events = await runStreamed(
      actor,
      singleNodeRequest(doc, "look", { messages: [], variables: { price: "nineteen" } }),
    );
    expect(events.some((event) => event.type === "node_started" && event.nodeId === "look")).toBe(true);
    const last = events.at(-1)!;
    if (last.type !== "run_failed") throw new Error(`the run ended with ${last.type}`);
    // What the inspector shows: the node's own error, plainly.
    expect(last.data.error?.message).toMatch(/"look" failed: .*nineteen/);
  });

  it("refuses a malformed pinned state with a 422 that says where, before any run starts", async () => {
    const request = singleNodeRequest(inspectingWorkflow(LOOK), "look", PINNED);
    const response = await call(runExecution, "/api/executions", {
      method: "POST",
      body: { ...request, state: { ...request.state, messages: [{ role: "robot", content: "hi" }] } },
      auth: actor,
    });
    expect(response.status).toBe(422);
    expect(response.json.error.issues).toContainEqual(expect.objectContaining({ path: "state.messages.0.role" }));
    // The inspector names the place as the user typed it.
    expect(requestIssues(errorFromBody(422, response.json))[0]?.message).toMatch(/^messages\.0\.role: /);

    const unknownKey = await call(runExecution, "/api/executions", {
      method: "POST",
      body: { ...request, state: { ...request.state, vars: {} } },
      auth: actor,
    });
    expect(unknownKey.status).toBe(422);
    expect(JSON.stringify(unknownKey.json.error.issues)).toContain("vars");
  });

  it("refuses a node whose settings are invalid and names the field", async () => {
    const doc = inspectingWorkflow("$count(");
    const response = await call(runExecution, "/api/executions", {
      method: "POST",
      body: singleNodeRequest(doc, "look", PINNED),
      auth: actor,
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    const issues = requestIssues(errorFromBody(response.status, response.json));
    expect(issues).toContainEqual(expect.objectContaining({ field: "expression" }));
  });
});

describe("A pinned input in the definition format", () => {
  it("is saved, exported and imported with its node; a malformed one is refused with its path", async () => {
    const doc = inspectingWorkflow(LOOK);
    const definition = {
      name: "Pinned",
      description: "",
      metadata: {},
      nodes: doc.nodes.map((node) => ({
        id: node.id,
        type: node.type!,
        position: node.position,
        data: node.id === "look" ? { ...node.data, pinnedInput: PINNED } : node.data,
      })),
      edges: doc.edges,
    };
    const created = await call(createWorkflow, "/api/workflows", { method: "POST", body: definition, auth: actor });
    expect(created.status, created.text).toBe(201);
    expect(created.json.workflow.isValid).toBe(true);
    const saved = created.json.workflow.nodes.find((node: { id: string }) => node.id === "look");
    expect(saved.data.pinnedInput).toEqual(PINNED);

    const exported = await callRaw(exportWorkflow, "/api/workflows/x/export", {
      auth: actor,
      params: { id: created.json.workflow.id },
    });
    const file = await exported.json();
    const imported = await call(importWorkflow, "/api/workflows/import", { method: "POST", body: file, auth: actor });
    expect(imported.status, imported.text).toBe(201);
    expect(imported.json.workflow.nodes.find((node: { id: string }) => node.id === "look").data.pinnedInput).toEqual(
      PINNED,
    );

    const malformed = structuredClone(definition);
    (malformed.nodes[1]!.data as Record<string, unknown>).pinnedInput = { messages: "hello" };
    const refused = await call(createWorkflow, "/api/workflows", { method: "POST", body: malformed, auth: actor });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(refused.json)).toContain("nodes.1.data.pinnedInput.messages");
  });
});
