/**
 * What the conversation shows, in order: the saved messages, then the turns still in flight — each
 * optimistic copy hidden as soon as its saved copy has arrived, so a message never shows twice. Pure, so
 * the merging rules are tested without a browser. Client-safe.
 */
import { z } from "zod";
import type { MessageDto } from "@/lib/contracts/conversations";
import {
  executionErrorSchema,
  interruptInfoSchema,
  sourceSchema,
  type ExecutionError,
  type InterruptInfo,
  type Source,
} from "@/lib/contracts/execution-result";
import type { ChatTurn } from "./chat-runs";
import type { LiveRunStatus, ToolCallStep } from "./live-run";

export type AssistantStatus = "streaming" | "complete" | "stopped" | "error" | "waiting";

export interface UserItem {
  kind: "user";
  key: string;
  content: string;
  /** Not saved yet (the request is on its way). */
  optimistic: boolean;
}

export interface AssistantItem {
  kind: "assistant";
  key: string;
  messageId?: string;
  executionId?: string;
  text: string;
  status: AssistantStatus;
  toolCalls: ToolCallStep[];
  sources: Source[];
  interrupt?: InterruptInfo;
  /** For a human step: still open, being answered (a resume streams), or answered. */
  interruptState?: "open" | "answering" | "answered";
  /** How the human step was answered, when known (the answer sent from here, or the saved message's). */
  humanAnswer?: HumanAnswer;
  error?: ExecutionError;
  tokens?: number;
  cost?: number;
  durationMs?: number | null;
  /** What the run is doing while no text has come yet. */
  activity?: string;
  reconnecting?: boolean;
  /** The live turn behind it, for Stop. */
  turnKey?: string;
  /** The user message this answers (for Retry). */
  prompt?: string;
  answererName?: string;
}

export type TranscriptItem = UserItem | AssistantItem;

/** A person's answer to a human step: an approval's decision, and/or the text they gave. */
export interface HumanAnswer {
  approved?: boolean;
  text?: string;
}

const storedToolCallSchema = z.object({
  name: z.string(),
  args: z.unknown(),
  result: z.string().optional(),
  error: z.string().optional(),
  callId: z.string().optional(),
});

/** The parts of a saved answer's metadata the chat shows; anything malformed is left out, not fatal. */
const answerMetadataSchema = z.object({
  sources: z.array(sourceSchema).catch([]).default([]),
  toolCalls: z.array(storedToolCallSchema).catch([]).default([]),
  interrupt: interruptInfoSchema.optional().catch(undefined),
  error: executionErrorSchema.optional().catch(undefined),
  /** How an answered human step was answered (lib/services/conversations.ts adds it when the run tells). */
  humanAnswer: z.object({ approved: z.boolean().optional(), text: z.string().optional() }).optional().catch(undefined),
});

const RUN_TO_ASSISTANT: Record<LiveRunStatus, AssistantStatus> = {
  starting: "streaming",
  streaming: "streaming",
  completed: "complete",
  paused: "waiting",
  stopped: "stopped",
  failed: "error",
};

const MESSAGE_TO_ASSISTANT: Record<MessageDto["status"], AssistantStatus> = {
  complete: "complete",
  stopped: "stopped",
  error: "error",
  pending: "waiting",
};

function activityOf(turn: ChatTurn): string | undefined {
  const node = turn.run.activeNode;
  if (!node) return undefined;
  if (node.type === "tools") return node.label ? `${node.label}…` : "Using tools…";
  if (node.type === "retrieval") return node.label ? `${node.label}…` : "Searching the knowledge base…";
  return node.label ? `${node.label}…` : undefined;
}

export function buildTranscript(messages: readonly MessageDto[], turns: readonly ChatTurn[]): TranscriptItem[] {
  const savedIds = new Set(messages.map((m) => m.id));
  const savedUserRuns = new Set(messages.filter((m) => m.role === "user" && m.executionId).map((m) => m.executionId));
  const answering = new Map<string, ChatTurn>();
  for (const turn of turns) if (turn.resumes) answering.set(turn.resumes.messageId, turn);

  const items: TranscriptItem[] = [];
  let lastPrompt: string | undefined;
  for (const message of messages) {
    if (message.role === "user") {
      lastPrompt = message.content;
      items.push({ kind: "user", key: message.id, content: message.content, optimistic: false });
      continue;
    }
    if (message.role !== "assistant") continue;
    const meta = answerMetadataSchema.parse(message.metadata ?? {});
    const resumeTurn = answering.get(message.id);
    const status = MESSAGE_TO_ASSISTANT[message.status];
    items.push({
      kind: "assistant",
      key: message.id,
      messageId: message.id,
      ...(message.executionId ? { executionId: message.executionId } : {}),
      text: message.content,
      // A question that was answered is history: the message reads as complete.
      status: status === "waiting" && resumeTurn ? "complete" : status,
      toolCalls: meta.toolCalls.map((call, i) => ({ key: call.callId ?? `${message.id}-${i}`, ...call })),
      sources: meta.sources,
      ...(meta.interrupt ? { interrupt: meta.interrupt } : {}),
      ...(meta.interrupt
        ? {
            interruptState: resumeTurn
              ? resumeTurn.connection === "closed"
                ? "answered"
                : "answering"
              : message.status === "pending"
                ? "open"
                : "answered",
          }
        : {}),
      ...(meta.interrupt && (meta.humanAnswer ?? resumeTurn?.resumes)
        ? { humanAnswer: meta.humanAnswer ?? resumeTurn!.resumes!.answer }
        : {}),
      ...(meta.error ? { error: meta.error } : {}),
      tokens: message.tokens,
      cost: message.cost,
      durationMs: message.durationMs,
      ...(lastPrompt !== undefined ? { prompt: lastPrompt } : {}),
    });
  }

  for (const turn of turns) {
    const { run } = turn;
    if (turn.userMessage && !(run.executionId && savedUserRuns.has(run.executionId))) {
      lastPrompt = turn.userMessage.content;
      items.push({ kind: "user", key: `${turn.key}-user`, content: turn.userMessage.content, optimistic: true });
    } else if (turn.userMessage) {
      lastPrompt = turn.userMessage.content;
    }
    if (run.messageId && savedIds.has(run.messageId)) continue;
    const status = turn.failure && run.status === "failed" && !run.error ? "error" : RUN_TO_ASSISTANT[run.status];
    const activity = activityOf(turn);
    items.push({
      kind: "assistant",
      // Once the run's result names its saved message, the answer takes that message's key: the saved copy that
      // replaces it then is the same element to React, not a new one (which lost what the reader had open in
      // it, e.g. a tool step's details, a moment after the answer finished).
      key: run.messageId ?? turn.key,
      ...(run.messageId ? { messageId: run.messageId } : {}),
      ...(run.executionId ? { executionId: run.executionId } : {}),
      text: run.text,
      status,
      toolCalls: run.toolCalls,
      sources: run.sources,
      ...(run.interrupt
        ? { interrupt: run.interrupt, interruptState: run.status === "paused" ? "open" : "answered" }
        : {}),
      ...(run.error ? { error: run.error } : turn.failure ? { error: turn.failure } : {}),
      ...(run.usage ? { tokens: run.usage.totalTokens } : {}),
      ...(run.cost !== undefined ? { cost: run.cost } : {}),
      ...(run.durationMs !== undefined ? { durationMs: run.durationMs } : {}),
      ...(activity ? { activity } : {}),
      ...(turn.connection === "reconnecting" ? { reconnecting: true } : {}),
      turnKey: turn.key,
      ...(lastPrompt !== undefined ? { prompt: lastPrompt } : {}),
      ...(turn.answererName ? { answererName: turn.answererName } : {}),
    });
  }
  return items;
}

/** A run of this conversation that is under way on the server but followed by no stream in this tab. */
export function unfollowedRun(messages: readonly MessageDto[], turns: readonly ChatTurn[]): string | undefined {
  const last = messages[messages.length - 1];
  if (last?.role !== "user" || !last.executionId) return undefined;
  if (messages.some((m) => m.role === "assistant" && m.executionId === last.executionId)) return undefined;
  // A turn still waiting for its run's first event may be this very run.
  if (turns.some((turn) => !turn.run.executionId && turn.connection !== "closed")) return undefined;
  if (turns.some((turn) => turn.run.executionId === last.executionId)) return undefined;
  return last.executionId;
}

/** Turns whose saved answer is on screen: the view forgets them. */
export function settledTurns(messages: readonly MessageDto[], turns: readonly ChatTurn[]): string[] {
  const savedIds = new Set(messages.map((m) => m.id));
  return turns
    .filter((turn) => turn.connection === "closed" && turn.run.messageId && savedIds.has(turn.run.messageId))
    .map((turn) => turn.key);
}
