/** Conversations: list (by last activity, cursor-paginated), read with messages, rename, delete. Owner-scoped. */
import "server-only";
import { getConversation, listMessages } from "@/lib/db/queries/conversations";
import {
  deleteConversation as removeConversation,
  getMessage,
  listConversations,
  renameConversation,
  searchConversations,
  type ConversationMessageHit,
} from "@/lib/db/queries/conversation-list";
import { getDefinition } from "@/lib/db/queries/definitions";
import { getExecution } from "@/lib/db/queries/execution-list";
import type { Conversation, Message } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { isId } from "@/lib/contracts/common";
import {
  MESSAGE_ROLES,
  MESSAGE_STATUSES,
  type ConversationDto,
  type ConversationMatch,
  type ConversationSummary,
  type MessageDto,
} from "@/lib/contracts/conversations";

/** Messages a conversation read returns (the newest ones). */
const MESSAGES_PER_READ = 1000;

export function conversationNotFound(): AppError {
  return new AppError("not_found:conversation", "No such conversation.");
}

export function toConversationSummary(row: Conversation): ConversationSummary {
  return {
    id: row.id,
    title: row.title,
    workflowId: row.workflowId,
    templateId: row.templateId,
    messageCount: row.messageCount,
    totalTokens: row.totalTokens,
    totalCost: Number(row.totalCost),
    lastMessageAt: row.lastMessageAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toMessage(row: Message): MessageDto {
  return {
    id: row.id,
    conversationId: row.conversationId,
    role: toRole(row.role),
    content: row.content,
    status: (MESSAGE_STATUSES as readonly string[]).includes(row.status)
      ? (row.status as MessageDto["status"])
      : "complete",
    executionId: row.executionId,
    tokens: row.tokens,
    cost: Number(row.cost),
    durationMs: row.durationMs,
    metadata:
      row.metadata && typeof row.metadata === "object" && !Array.isArray(row.metadata)
        ? (row.metadata as Record<string, unknown>)
        : {},
    createdAt: row.createdAt.toISOString(),
  };
}

interface CursorValue {
  at: string;
  id: string;
}

function encodeCursor(row: Conversation): string {
  const value: CursorValue = { at: (row.lastMessageAt ?? row.createdAt).toISOString(), id: row.id };
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

function decodeCursor(cursor: string): { activityAt: Date; id: string } {
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Partial<CursorValue>;
    const at = new Date(String(value.at));
    if (isId(value.id) && !Number.isNaN(at.getTime())) return { activityAt: at, id: value.id };
  } catch {
    // fall through: not one of ours
  }
  throw new AppError("validation:query", "The cursor is not one this API returned.", {
    issues: [{ path: "cursor", message: "is not a cursor this API returned" }],
  });
}

function toRole(role: string): MessageDto["role"] {
  return (MESSAGE_ROLES as readonly string[]).includes(role) ? (role as MessageDto["role"]) : "system";
}

/** A search hit's excerpt as a one-line snippet, with an ellipsis where the message goes on. */
export function toConversationMatch(hit: ConversationMessageHit): ConversationMatch {
  const before = hit.excerptStart > 1 ? "…" : "";
  // The excerpt's length in characters as the database counts them (code points, not UTF-16 units).
  const after = hit.excerptStart - 1 + [...hit.excerpt].length < hit.messageLength ? "…" : "";
  return { role: toRole(hit.role), snippet: `${before}${hit.excerpt.replace(/\s+/g, " ").trim()}${after}` };
}

/** The caller's conversations by last activity, one cursor page; with `q`, only those whose title or a message contains it. */
export async function listConversationsPage({
  ownerId,
  cursor,
  limit,
  q,
}: {
  ownerId: string;
  cursor?: string;
  limit: number;
  q?: string;
}): Promise<{ conversations: ConversationSummary[]; nextCursor: string | null }> {
  const after = cursor ? { cursor: decodeCursor(cursor) } : {};
  if (q) {
    const { rows, hasMore } = await searchConversations({ ownerId, text: q, limit, ...after });
    const last = rows[rows.length - 1];
    return {
      conversations: rows.map(({ conversation, hit }) => ({
        ...toConversationSummary(conversation),
        ...(hit ? { match: toConversationMatch(hit) } : {}),
      })),
      nextCursor: hasMore && last ? encodeCursor(last.conversation) : null,
    };
  }
  const { rows, hasMore } = await listConversations({ ownerId, limit, ...after });
  const last = rows[rows.length - 1];
  return { conversations: rows.map(toConversationSummary), nextCursor: hasMore && last ? encodeCursor(last) : null };
}

export async function getConversationDto({ ownerId, id }: { ownerId: string; id: string }): Promise<ConversationDto> {
  const row = await getConversation({ id, ownerId });
  if (!row) throw conversationNotFound();
  const messages = await listMessages({ conversationId: id, ownerId, limit: MESSAGES_PER_READ });
  return { ...toConversationSummary(row), messages: await withHumanAnswers(ownerId, messages.map(toMessage)) };
}

// ---------------------------------------------------------------------------------------------------------
// Human steps: a question the run paused at is stored as an assistant message; once answered, the message
// says how (metadata.humanAnswer), read from the run's stored result, so a rejected draft reads as rejected.
// ---------------------------------------------------------------------------------------------------------

/** How a person answered a human step: an approval's decision, or the text they gave. */
export type HumanAnswer = { approved: boolean } | { text: string };

interface StoredGraph {
  nodes?: Array<{ id?: unknown; type?: unknown; data?: { config?: { mode?: unknown; variable?: unknown } } }>;
  edges?: Array<{ source?: unknown; target?: unknown; sourceHandle?: unknown }>;
}

/**
 * The answer given at the `occurrence`-th pause (0 first) of human node `nodeId`, from the graph the run
 * used, the nodes it completed in order and its final variables: an approval is told by the branch the run
 * took after the node (approved / rejected), else by the decision the node stored in its variable (only
 * its last answer is there). Undefined when the run does not tell.
 */
export function humanAnswerOf({
  nodeId,
  occurrence = 0,
  definition,
  history,
  variables,
}: {
  nodeId: string;
  occurrence?: number;
  definition: unknown;
  history: unknown;
  variables: unknown;
}): HumanAnswer | undefined {
  const graph = (definition ?? {}) as StoredGraph;
  const node = Array.isArray(graph.nodes) ? graph.nodes.find((n) => n?.id === nodeId && n.type === "human") : undefined;
  if (!node) return undefined;
  const config = node.data?.config ?? {};
  const mode = config.mode === "input" ? "input" : "approval";
  const variable = typeof config.variable === "string" ? config.variable : "human_input";
  const entries = Array.isArray(history) ? (history as Array<{ nodeId?: unknown }>) : [];
  const completed = entries.flatMap((entry, index) => (entry?.nodeId === nodeId ? [index] : []));
  const at = completed[occurrence];
  const last = at !== undefined && at === completed[completed.length - 1];
  const stored =
    last && variables && typeof variables === "object" ? (variables as Record<string, unknown>)[variable] : undefined;
  if (mode === "input") return typeof stored === "string" ? { text: stored } : undefined;
  if (at !== undefined) {
    const next = entries[at + 1]?.nodeId;
    const edges = Array.isArray(graph.edges) ? graph.edges : [];
    const leads = (handle: string) =>
      edges.some((e) => e?.source === nodeId && e.sourceHandle === handle && e.target === next);
    if (typeof next === "string" && leads("approved") !== leads("rejected")) return { approved: leads("approved") };
  }
  return typeof stored === "boolean" ? { approved: stored } : undefined;
}

/** At most this many runs are read to tell how their human steps were answered (one per paused turn). */
const MAX_ANSWERED_RUNS = 50;

/** Answered human steps' messages with how they were answered (metadata.humanAnswer). */
async function withHumanAnswers(ownerId: string, messages: MessageDto[]): Promise<MessageDto[]> {
  const interruptOf = (message: MessageDto) => {
    const interrupt = message.metadata.interrupt as { nodeId?: unknown } | undefined;
    return message.role === "assistant" &&
      message.status !== "pending" &&
      message.executionId &&
      typeof interrupt?.nodeId === "string" &&
      message.metadata.humanAnswer === undefined
      ? interrupt.nodeId
      : undefined;
  };
  const runIds = [...new Set(messages.filter(interruptOf).map((m) => m.executionId!))].slice(-MAX_ANSWERED_RUNS);
  if (runIds.length === 0) return messages;
  const runs = new Map(await Promise.all(runIds.map(async (id) => [id, await getExecution({ id, ownerId })] as const)));
  const seen = new Map<string, number>();
  return messages.map((message) => {
    const nodeId = interruptOf(message);
    const run = nodeId ? runs.get(message.executionId!) : undefined;
    if (!nodeId || !run) return message;
    const key = `${run.id}:${nodeId}`;
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    const output = run.outputData as { variables?: unknown } | null;
    const answer = humanAnswerOf({
      nodeId,
      occurrence,
      definition: (run.workflowConfig as { definition?: unknown } | null)?.definition,
      history: run.executionLog,
      variables: output?.variables,
    });
    return answer ? { ...message, metadata: { ...message.metadata, humanAnswer: answer } } : message;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Temporary answerers: a chat bound to a template with a knowledge base answers with a temporary definition
// (lib/services/templates.ts, prepareKnowledgeChat), which no workflow list shows; the chat names it from here.
// ---------------------------------------------------------------------------------------------------------

/** The temporary definitions that answered the conversation or answer it next (newest first), with their names. */
export async function listTemporaryAnswerers({
  ownerId,
  conversation,
}: {
  ownerId: string;
  conversation: ConversationDto;
}): Promise<Array<{ id: string; name: string }>> {
  const ids: string[] = [];
  for (let i = conversation.messages.length - 1; i >= 0 && ids.length < 5; i--) {
    const definitionId = conversation.messages[i]!.metadata.definitionId;
    if (isId(definitionId) && !ids.includes(definitionId)) ids.push(definitionId);
  }
  if (conversation.workflowId && !ids.includes(conversation.workflowId)) ids.push(conversation.workflowId);
  const found = await Promise.all(ids.map((id) => getDefinition({ id, ownerId })));
  return found.flatMap((d) => (d?.isTemporary ? [{ id: d.id, name: d.name }] : []));
}

export async function renameConversationTitle({
  ownerId,
  id,
  title,
}: {
  ownerId: string;
  id: string;
  title: string;
}): Promise<ConversationSummary> {
  const row = await renameConversation({ id, ownerId, title });
  if (!row) throw conversationNotFound();
  return toConversationSummary(row);
}

export async function deleteConversation({ ownerId, id }: { ownerId: string; id: string }): Promise<void> {
  if (!(await removeConversation({ id, ownerId }))) throw conversationNotFound();
}

export async function getMessageDto({ ownerId, id }: { ownerId: string; id: string }): Promise<MessageDto | null> {
  const row = await getMessage({ id, ownerId });
  return row ? toMessage(row) : null;
}
