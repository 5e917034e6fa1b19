/**
 * Conversations and their messages, as the engine reads and writes them for CHAT runs. Owner-scoped:
 * another user's conversation is indistinguishable from a missing one.
 */
import "server-only";
import { and, desc, eq, gt, sql } from "drizzle-orm";
import { newId } from "@/lib/ids";
import { executePrepared, getDb, rowsOf } from "../client";
import { type RunLimitSettings, usageCte, withinLimitsSql } from "./run-limits";
import { conversations, messages, type Conversation, type Message, type WorkflowTemplate } from "../schema";

export async function getConversation({ id, ownerId }: { id: string; ownerId: string }): Promise<Conversation | null> {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.id, id), eq(conversations.ownerId, ownerId)))
    .limit(1);
  return row ?? null;
}

export async function createConversation({
  id,
  ownerId,
  title,
  workflowId,
  templateId,
}: {
  /** Given when the id was chosen before (a chat turn names its new conversation before it starts). */
  id?: string;
  ownerId: string;
  title?: string;
  workflowId?: string | null;
  templateId?: string | null;
}): Promise<Conversation> {
  const db = await getDb();
  const [row] = await db
    .insert(conversations)
    .values({
      ...(id ? { id } : {}),
      ownerId,
      ...(title ? { title: title.slice(0, 200) } : {}),
      workflowId: workflowId ?? null,
      templateId: templateId ?? null,
    })
    .returning();
  return row!;
}

/**
 * Messages of a conversation, oldest first. `afterId`: only those after it (ULIDs sort by creation), e.g.
 * what a running summary does not cover yet. `limit` keeps the newest when there are more.
 */
export async function listMessages({
  conversationId,
  ownerId,
  afterId,
  limit = 500,
}: {
  conversationId: string;
  ownerId: string;
  afterId?: string;
  limit?: number;
}): Promise<Message[]> {
  const db = await getDb();
  const rows = await db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, conversationId),
        eq(messages.ownerId, ownerId),
        afterId ? gt(messages.id, afterId) : undefined,
      ),
    )
    .orderBy(desc(messages.id))
    .limit(Math.max(1, Math.min(limit, 5000)));
  return rows.reverse();
}

export interface NewChatMessage {
  ownerId: string;
  conversationId: string;
  role: "user" | "assistant" | "system" | "tool";
  content: string;
  /** Linked only when the execution has a row (the database tracker writes it at start). */
  executionId?: string;
  status?: "complete" | "stopped" | "error" | "pending";
  tokens?: number;
  cost?: number;
  durationMs?: number;
  metadata?: Record<string, unknown>;
}

interface RawMessageRow {
  id: string;
  conversation_id: string;
  owner_id: string;
  role: string;
  content: string;
  execution_id: string | null;
  status: string;
  tokens: number | string;
  cost: string | number;
  duration_ms: number | string | null;
  metadata: unknown;
  created_at: Date | string;
}

/**
 * Appends a message and updates the conversation's counters, in ONE statement (atomic; a chat run stores
 * its question this way before the model is asked, so it is on the way to the first token). The message
 * links to its execution only when that row exists; a conversation that is gone (or not the owner's) is
 * left alone, and the message then fails its foreign key as before.
 */
export async function appendMessage(message: NewChatMessage): Promise<Message> {
  const db = await getDb();
  const tokens = message.tokens ?? 0;
  const cost = (message.cost ?? 0).toFixed(6);
  const result = await db.execute(sql`
    with inserted as (
      insert into messages (id, conversation_id, owner_id, role, content, execution_id, status, tokens, cost, duration_ms, metadata)
      values (${newId()}, ${message.conversationId}, ${message.ownerId}, ${message.role}, ${message.content},
              ${message.executionId ? sql`(select id from workflow_executions where id = ${message.executionId})` : sql`null`},
              ${message.status ?? "complete"}, ${tokens}::int, ${cost}::numeric, ${message.durationMs ?? null}::int,
              ${JSON.stringify(message.metadata ?? {})}::jsonb)
      returning *
    ),
    bumped as (
      update conversations set
        message_count = message_count + 1,
        total_tokens = total_tokens + ${tokens}::int,
        total_cost = total_cost + ${cost}::numeric,
        last_message_at = now(),
        updated_at = now()
      where id = ${message.conversationId} and owner_id = ${message.ownerId} and exists (select 1 from inserted)
      returning 1
    )
    select * from inserted`);
  const row = rowsOf<RawMessageRow>(result)[0]!;
  return {
    id: row.id,
    conversationId: row.conversation_id,
    ownerId: row.owner_id,
    role: row.role,
    content: row.content,
    executionId: row.execution_id,
    status: row.status,
    tokens: Number(row.tokens),
    cost: String(row.cost),
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
    metadata: row.metadata,
    createdAt: new Date(row.created_at),
  };
}

/** A message of a conversation as a chat turn's memory needs it. */
export interface HistoryMessage {
  id: string;
  role: string;
  content: string;
  status: string;
  executionId: string | null;
}

/** Any instance: the pre-check counts the owner's interactive runs, wherever they run. */
const INLINE_INSTANCE = "";

/** The graph a chat turn runs: a saved definition's current version, or a template (the caller instantiates it). */
export type ChatTurnWorkflow =
  | {
      kind: "definition";
      id: string;
      version: number;
      nodes: unknown;
      edges: unknown;
      metadata: unknown;
      templateId: string | null;
      isTemporary: boolean;
    }
  | { kind: "template"; template: WorkflowTemplate };

export interface ChatTurn {
  /** Null when no conversation was named, or the owner has none with that id. */
  conversation: { id: string; workflowId: string | null; templateId: string | null } | null;
  /** Null when what should answer does not exist (or is not the owner's). */
  workflow: ChatTurnWorkflow | null;
  /** The memory node's running summary and the messages it does not cover (newest `limit`), oldest first. */
  summary: { summary: string; coversUntil: string } | null;
  history: HistoryMessage[];
  /**
   * With `limits`: whether the owner's run limits would admit an interactive run as the turn was read (a
   * pre-check: the run's start decides, under the per-user lock). Undefined without `limits`.
   */
  withinLimits?: boolean;
}

interface RawChatTurn {
  conversation: { id: string; workflow_id: string | null; template_id: string | null } | null;
  definition: {
    id: string;
    version: number;
    nodes: unknown;
    edges: unknown;
    metadata: unknown;
    template_id: string | null;
    is_temporary: boolean;
  } | null;
  template: Record<string, unknown> | null;
  summary: { summary: string | null; covers_until: string | null } | null;
  history: Array<{ id: string; role: string; content: string; status: string; execution_id: string | null }> | null;
  within_limits?: boolean | null;
}

/**
 * Everything a chat turn reads before it runs, in ONE statement: the conversation (owner-scoped), the graph
 * that answers — the named workflow, else the named template, else the conversation's own, else the
 * universal chat template (`fallbackTemplateSlug`) — and the conversation's memory (running summary and the
 * messages after it, without those of `excludeExecutionId`: a retried attempt's own message is not history)
 * — and, with `limits`, whether the owner's run limits would admit the turn now (`withinLimits`).
 */
export async function loadChatTurn({
  ownerId,
  conversationId,
  workflowId,
  templateId,
  fallbackTemplateSlug,
  excludeExecutionId,
  limit = 500,
  limits,
}: {
  ownerId: string;
  conversationId?: string;
  workflowId?: string;
  templateId?: string;
  fallbackTemplateSlug: string;
  excludeExecutionId?: string;
  limit?: number;
  /** The owner's run limits: the answer says whether they would admit an interactive run now. */
  limits?: RunLimitSettings;
}): Promise<ChatTurn> {
  const db = await getDb();
  const conversation = conversationId ?? null;
  const [raw] = rowsOf<RawChatTurn>(
    await executePrepared(
      db,
      sql`
      with conv as (
        select id, workflow_id, template_id from conversations where id = ${conversation} and owner_id = ${ownerId}
      ),
      wanted as (
        select
          coalesce(${workflowId ?? null}::text, case when ${templateId ?? null}::text is null then (select workflow_id from conv) end) as workflow_id,
          coalesce(${templateId ?? null}::text, case when ${workflowId ?? null}::text is null then (select template_id from conv) end) as template_id
      ),
      definition as (
        select d.id, d.version, d.nodes, d.edges, d.metadata, d.template_id, d.is_temporary
        from workflow_definitions d, wanted w
        where d.id = w.workflow_id and d.owner_id = ${ownerId}
      ),
      template as (
        select t.* from workflow_templates t, wanted w
        where w.workflow_id is null
          and ((w.template_id is not null and t.id = w.template_id and (t.owner_id is null or t.owner_id = ${ownerId}))
            or (w.template_id is null and t.slug = ${fallbackTemplateSlug} and t.owner_id is null))
      ),
      summary as (
        select m.metadata->>'conversationSummary' as summary, m.metadata->>'summaryCoversUntil' as covers_until
        from messages m
        where m.conversation_id = ${conversation} and m.owner_id = ${ownerId} and m.role = 'assistant' and m.metadata ? 'conversationSummary'
        order by m.id desc limit 1
      ),
      history as (
        select m.id, m.role, m.content, m.status, m.execution_id
        from messages m
        where m.conversation_id = ${conversation} and m.owner_id = ${ownerId}
          and m.id > coalesce((select covers_until from summary where summary is not null), '')
          and (${excludeExecutionId ?? null}::text is null or m.execution_id is distinct from ${excludeExecutionId ?? null}::text)
        order by m.id desc limit ${Math.max(1, Math.min(limit, 5000))}::int
      )${limits ? sql`, ${usageCte(ownerId, limits)}` : sql``}
      select
        (select row_to_json(c) from conv c) as conversation,
        (select row_to_json(d) from definition d) as definition,
        (select row_to_json(t) from template t) as template,
        (select row_to_json(s) from summary s) as summary,
        (select json_agg(h order by h.id) from history h) as history${
          limits ? sql`, (select ${withinLimitsSql(limits, INLINE_INSTANCE)} from usage u) as within_limits` : sql``
        }`,
    ),
  );
  const row = raw ?? { conversation: null, definition: null, template: null, summary: null, history: null };
  const summary =
    typeof row.summary?.summary === "string" && typeof row.summary.covers_until === "string"
      ? { summary: row.summary.summary, coversUntil: row.summary.covers_until }
      : null;
  let workflow: ChatTurnWorkflow | null = null;
  if (row.definition) {
    const d = row.definition;
    workflow = {
      kind: "definition",
      id: d.id,
      version: Number(d.version),
      nodes: d.nodes,
      edges: d.edges,
      metadata: d.metadata,
      templateId: d.template_id,
      isTemporary: d.is_temporary,
    };
  } else if (row.template) {
    workflow = { kind: "template", template: templateFromJson(row.template) };
  }
  return {
    conversation: row.conversation
      ? { id: row.conversation.id, workflowId: row.conversation.workflow_id, templateId: row.conversation.template_id }
      : null,
    workflow,
    summary,
    history: (row.history ?? []).map((m) => ({
      id: m.id,
      role: m.role,
      content: m.content,
      status: m.status,
      executionId: m.execution_id,
    })),
    ...(limits ? { withinLimits: row.within_limits === true } : {}),
  };
}

/** A workflow_templates row from its JSON form (row_to_json: snake_case keys, timestamps as text). */
function templateFromJson(t: Record<string, unknown>): WorkflowTemplate {
  return {
    id: t.id as string,
    ownerId: (t.owner_id as string | null) ?? null,
    slug: (t.slug as string | null) ?? null,
    name: t.name as string,
    description: t.description as string,
    category: t.category as string,
    isBuiltin: t.is_builtin as boolean,
    definition: t.definition,
    defaultParams: t.default_params,
    paramsSchema: t.params_schema ?? null,
    createdAt: new Date(t.created_at as string),
    updatedAt: new Date(t.updated_at as string),
  };
}
