/**
 * Twenty chats at once, one conversation each, three turns per conversation: every conversation ends with
 * exactly its own user and assistant messages, in order, and its aggregates (message count, tokens, cost)
 * match its messages and its runs. Through the real route handlers and the database tracker, on whichever
 * backend the suite runs (in-memory PGlite, or PostgreSQL with TEST_BACKEND=postgres).
 */
import { describe, expect, it } from "vitest";
import { POST as chat } from "@/app/api/chat/route";
import { GET as getConversation } from "@/app/api/conversations/[id]/route";
import { GET as getExecution } from "@/app/api/executions/[id]/route";
import { chatMessageEventSchema, conversationResponseSchema } from "@/lib/contracts/conversations";
import { parseExecutionEvent } from "@/lib/contracts/events";
import { call, callRaw, newActor, readSse, type Actor } from "../api/rest-fixtures";

const CHATS = 20;
const TURNS = 3;

async function send(actor: Actor, body: Record<string, unknown>) {
  const response = await callRaw(chat, "/api/chat", { method: "POST", body, auth: actor });
  expect(response.status).toBe(200);
  const messages = await readSse(response);
  const saved = chatMessageEventSchema.parse(messages.at(-1)!.data);
  const events = messages.slice(0, -1).map((m) => parseExecutionEvent(m.data));
  return { saved, events };
}

/** One user's conversation: TURNS messages in sequence, each naming its chat and turn. */
async function converse(actor: Actor, chatIndex: number) {
  let conversationId: string | undefined;
  const sent: string[] = [];
  for (let turn = 1; turn <= TURNS; turn++) {
    const text = `chat ${chatIndex} turn ${turn}: ${"abcdefghij".slice(0, (chatIndex % 10) + 1)}`;
    sent.push(text);
    const { saved, events } = await send(actor, { message: text, ...(conversationId ? { conversationId } : {}) });
    conversationId ??= saved.conversationId;
    expect(saved.conversationId).toBe(conversationId);
    // The stream is the run's own: gap-free sequence numbers, one execution, its last event a completion.
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(new Set(events.map((e) => e.executionId)).size).toBe(1);
    expect(events.at(-1)!.type).toBe("run_completed");
  }
  return { conversationId: conversationId!, sent };
}

describe("chat under concurrency", () => {
  it(`${CHATS} concurrent chats: each conversation holds exactly its messages, in order, with matching aggregates`, async () => {
    // One user per chat: the per-user limit on concurrent runs is not what this test is about.
    const actors = await Promise.all(Array.from({ length: CHATS }, () => newActor()));
    const started = Date.now();
    const outcomes = await Promise.all(actors.map((actor, i) => converse(actor, i)));
    const elapsed = Date.now() - started;

    expect(new Set(outcomes.map((o) => o.conversationId)).size).toBe(CHATS);
    for (const [i, { conversationId, sent }] of outcomes.entries()) {
      const actor = actors[i]!;
      const read = await call(getConversation, "/api/conversations/x", { auth: actor, params: { id: conversationId } });
      expect(read.status).toBe(200);
      const conversation = conversationResponseSchema.parse(read.json).conversation;
      const { messages } = conversation;

      // Exactly user, assistant, user, assistant…: no message of another chat, none lost, none twice.
      expect(messages.map((m) => m.role)).toEqual(Array.from({ length: TURNS }, () => ["user", "assistant"]).flat());
      expect(messages.filter((m) => m.role === "user").map((m) => m.content)).toEqual(sent);
      const answers = messages.filter((m) => m.role === "assistant");
      answers.forEach((answer, turn) => {
        expect(answer.status).toBe("complete");
        // The echo model quotes the message it answered and counts the earlier ones it was given.
        expect(answer.content).toContain(`You said: "${sent[turn]}"`);
        expect(answer.content).toContain(`Earlier messages: ${turn * 2}.`);
        // Each pair shares its run, and runs are not shared between turns.
        expect(messages[turn * 2]!.executionId).toBe(answer.executionId);
      });
      expect(new Set(answers.map((a) => a.executionId)).size).toBe(TURNS);
      const ids = messages.map((m) => m.id);
      expect([...ids].sort()).toEqual(ids);

      // Aggregates match the messages…
      expect(conversation.messageCount).toBe(TURNS * 2);
      expect(conversation.totalTokens).toBe(messages.reduce((sum, m) => sum + m.tokens, 0));
      expect(conversation.totalCost).toBeCloseTo(
        messages.reduce((sum, m) => sum + m.cost, 0),
        6,
      );
      // Last activity is the last answer's (stamped by the database in the run's finishing transaction).
      const lastActivity = Date.parse(conversation.lastMessageAt!);
      expect(Math.abs(lastActivity - Date.parse(messages.at(-1)!.createdAt))).toBeLessThan(5_000);
      expect(lastActivity).toBeGreaterThanOrEqual(Date.parse(messages.at(-2)!.createdAt));

      // …and each answer's tokens and cost are its run's.
      for (const answer of answers) {
        const run = await call(getExecution, "/api/executions/x", { auth: actor, params: { id: answer.executionId! } });
        expect(run.json.execution).toMatchObject({ status: "completed", conversationId, workflowType: "CHAT" });
        expect(answer.tokens).toBe(run.json.execution.usage.totalTokens);
        expect(answer.tokens).toBeGreaterThan(0);
        expect(answer.cost).toBeCloseTo(run.json.execution.cost, 6);
      }
    }
    console.info(`[chat] ${CHATS} chats × ${TURNS} turns in ${elapsed} ms`);
  }, 120_000);
});
