/**
 * Re-run from a step for every run that kept steps — a chat turn too, answered again as a re-run of it
 * without forking its conversation's stored history — and, for a run recorded with the default durability
 * (no step checkpoints), an answer that says exactly what a re-run can and cannot restore.
 */
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST as rerunExecution } from "@/app/api/executions/[id]/rerun/route";
import { rerunWithoutSteps } from "@/lib/contracts/rerun";
import { getExecution } from "@/lib/db/queries/execution-list";
import { execute, rerunFromStep, resumeExecution } from "@/lib/engine/execute";
import { listRunSteps } from "@/lib/engine/time-travel";
import { getWorkflowTracker } from "@/lib/tracking/workflow-tracker";
import { approvalDefinition, call, newActor } from "../api/rest-fixtures";
import { createTestUser } from "../helpers/db";
import { chain, graph, node, saveDefinition } from "../engine/helpers";
import { query } from "../tracking/helpers";

/** start → set topic → echo model → end ("<topic>: <answer>") */
const topicChat = () =>
  graph(
    [
      node("start", "start"),
      node("set", "variable", { assignments: [{ name: "topic", value: "cats" }] }),
      node("model", "model", { provider: "local", model: "echo" }),
      node("end", "end", { outputTemplate: "{{variables.topic}}: {{last_message}}" }),
    ],
    chain("start", "set", "model", "end"),
  );

async function conversationState(conversationId: string) {
  const messages = await query<{ id: string; role: string; content: string; execution_id: string }>(
    sql`select id, role, content, execution_id from messages where conversation_id = ${conversationId} order by id`,
  );
  const [conversation] = await query<{ message_count: number; total_tokens: number }>(
    sql`select message_count, total_tokens from conversations where id = ${conversationId}`,
  );
  return { messages, conversation };
}

describe("re-running a chat turn from a step", () => {
  it("answers the same turn again as a re-run of it; the conversation keeps its messages", async () => {
    const owner = (await createTestUser()).id;
    const tracker = getWorkflowTracker();
    const workflowId = await saveDefinition(owner, topicChat());
    const first = await execute({ type: "CHAT", workflowId, message: "first question" }, { userId: owner, tracker });
    const conversationId = first.conversationId!;
    const second = await execute(
      { type: "CHAT", conversationId, message: "second question", options: { durability: "sync" } },
      { userId: owner, tracker },
    );
    expect(second.status).toBe("completed");
    const before = await conversationState(conversationId);
    expect(before.messages).toHaveLength(4);

    const steps = await listRunSteps({ executionId: second.executionId, userId: owner });
    const beforeModel = steps.find((s) => s.next.includes("model"))!;
    const again = await rerunFromStep({
      userId: owner,
      tracker,
      executionId: second.executionId,
      checkpointId: beforeModel.checkpointId,
      variables: { ...beforeModel.variables, topic: "dogs" },
    });
    expect(again.status).toBe("completed");
    // The same turn (its message, the conversation as it was then: the first turn before it), answered again.
    expect(again.output.message).toMatch(/^dogs: /);
    expect(again.output.message).toContain("second question");
    expect(again.history.map((h) => h.nodeId)).toEqual(["model", "end"]);
    // A run, not a message: no answer id, and the conversation is exactly as it was.
    expect(again.messageId).toBeUndefined();
    expect(await conversationState(conversationId)).toEqual(before);
    const row = await getExecution({ id: again.executionId, ownerId: owner });
    expect(row).toMatchObject({
      status: "completed",
      workflowType: "CHAT",
      parentExecutionId: second.executionId,
      conversationId,
    });
  });

  it("keeps a re-run that pauses out of the conversation when it is answered, and the API runs it", async () => {
    const actor = await newActor();
    const tracker = getWorkflowTracker();
    const approval = approvalDefinition();
    const workflowId = await saveDefinition(actor.id, graph(approval.nodes as never, approval.edges));
    const paused = await execute({ type: "CHAT", workflowId, message: "ship?" }, { userId: actor.id, tracker });
    expect(paused.status).toBe("paused");
    const done = await resumeExecution({
      userId: actor.id,
      executionId: paused.executionId,
      answer: { approved: true },
      tracker,
    });
    expect(done.status).toBe("completed");
    const before = await conversationState(paused.conversationId!);

    // The pause is a step, though the run kept no others (default durability).
    const [step] = await listRunSteps({ executionId: paused.executionId, userId: actor.id });
    expect(step!.next).toEqual(["review"]);
    const rerun = await call(rerunExecution, "/api/executions/x/rerun", {
      method: "POST",
      auth: actor,
      params: { id: paused.executionId },
      body: { fromStep: { checkpointId: step!.checkpointId } },
    });
    expect(rerun.status, rerun.text).toBe(200);
    expect(rerun.json).toMatchObject({ status: "paused" });
    const answered = await resumeExecution({
      userId: actor.id,
      executionId: rerun.json.executionId,
      answer: { approved: false },
      tracker,
    });
    expect(answered).toMatchObject({ status: "completed", output: { message: "held back" } });
    expect(await conversationState(paused.conversationId!)).toEqual(before);
  });
});

/** Asks for a re-run of `executionId` from a step it never recorded. */
const rerunFromSomeStep = (actor: Awaited<ReturnType<typeof newActor>>, executionId: string) =>
  call(rerunExecution, "/api/executions/x/rerun", {
    method: "POST",
    auth: actor,
    params: { id: executionId },
    body: { fromStep: { checkpointId: "1ef00000-0000-6000-8000-000000000000" } },
  });

describe("a run recorded without step checkpoints", () => {
  it("answers a re-run from a step with a 409 that says what can and cannot be restored", async () => {
    const actor = await newActor();
    const plain = await execute(
      { type: "CUSTOM", definition: topicChat(), input: { message: "hi", variables: { x: 1 } } },
      { userId: actor.id, tracker: getWorkflowTracker() },
    );
    const refused = await rerunFromSomeStep(actor, plain.executionId);
    expect(refused.status, refused.text).toBe(409);
    expect(refused.json.error.code).toBe("conflict:execution_no_steps");
    const message: string = refused.json.error.message;
    expect(message).toContain("kept no step checkpoints");
    expect(message).toContain("re-run only from its start (POST without fromStep)");
    expect(message).toContain("the same input (message and variables)");
    expect(message).toContain("Not restorable: the state after any of its nodes");
    expect(message).toContain('"durability": "sync"');
    // Nothing was started for it.
    const rows = await query<{ n: number }>(
      sql`select count(*)::int as n from workflow_executions where parent_execution_id = ${plain.executionId}`,
    );
    expect(Number(rows[0]?.n)).toBe(0);
  });

  it("says for a chat turn that its start is its message, sent to the conversation again", async () => {
    const actor = await newActor();
    const turn = await execute({ type: "CHAT", message: "hello" }, { userId: actor.id, tracker: getWorkflowTracker() });
    const refused = await rerunFromSomeStep(actor, turn.executionId);
    expect(refused.status, refused.text).toBe(409);
    expect(refused.json.error.message).toContain("sent to its conversation again as a new turn");
    // The monitor's dialog says the same, in parts.
    const text = rerunWithoutSteps("CHAT");
    expect(refused.json.error.message).toContain(text.summary);
    expect(rerunWithoutSteps("DEFINITION").restores).toContain("same input");
  });
});
