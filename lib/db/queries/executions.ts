/**
 * Execution rows as the tracker writes them — the only writer of workflow_executions:
 * - `startExecution`: the row at start (or a paused row taken back to running on resume), with the run
 *   limits' admission and a chat turn's conversation and message, in one round trip;
 * - `finishExecution`: ONE statement with the run's last events, the row's final state, the template
 *   counters (computed in SQL: no read-modify-write race), for a chat run its messages and the
 *   conversation's aggregates, and the notifications;
 * - `heartbeatExecutions`, `finalizeExecutions` (sweeper: silent runs → interrupted; cancel of a paused run).
 * Reads for the SSE endpoints and the feed are owner-scoped.
 */
import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { newId } from "@/lib/ids";
import { AppError } from "@/lib/errors";
import { executePrepared, getDb, pipelinedTransaction, rowsOf, type Transaction } from "../client";
import type { Message, NewWorkflowExecution } from "../schema";
import { eventInsertCtes, insertEventRows, nextEventSeq, type EventRow, type Notification } from "./events";
import {
  admissionLockSql,
  quotaSpendCte,
  refusalOf,
  usageCte,
  withinLimitsSql,
  type AdmissionRefusal,
  type RunLimitSettings,
  type RunUsage,
} from "./run-limits";

/** Statuses of a run that is over (no process will write to it again unless a paused run is resumed). */
export const FINISHED_STATUSES = ["completed", "failed", "cancelled", "interrupted"] as const;
export type FinishedStatus = (typeof FINISHED_STATUSES)[number];
export type TrackedStatus = "running" | "paused" | FinishedStatus;

/** The parts of an execution row the feed, the analytics and the tracker's callers look at. */
export interface ExecutionStatusRow {
  id: string;
  ownerId: string;
  status: string;
  workflowType: string;
  templateId: string | null;
  definitionId: string | null;
  definitionVersion: number | null;
  conversationId: string | null;
  parentExecutionId: string | null;
  triggerType: string;
  triggerId: string | null;
  startedAt: Date | null;
  completedAt: Date | null;
  executionTimeMs: number | null;
  tokensUsed: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  errorMessage: string | null;
}

export interface RawStatusRow {
  id: string;
  owner_id: string;
  status: string;
  workflow_type: string;
  template_id: string | null;
  definition_id: string | null;
  definition_version: number | string | null;
  conversation_id: string | null;
  parent_execution_id: string | null;
  trigger_type: string;
  trigger_id: string | null;
  started_at: Date | string | null;
  completed_at: Date | string | null;
  execution_time_ms: number | string | null;
  tokens_used: number | string;
  input_tokens: number | string;
  output_tokens: number | string;
  cost: number | string;
  error_message: string | null;
}

export const STATUS_COLUMNS = sql.raw(
  "id, owner_id, status, workflow_type, template_id, definition_id, definition_version, conversation_id, parent_execution_id, trigger_type, trigger_id, started_at, completed_at, execution_time_ms, tokens_used, input_tokens, output_tokens, cost, error_message",
);

const toDate = (v: Date | string | null) => (v === null ? null : new Date(v));
const toNumberOrNull = (v: number | string | null) => (v === null ? null : Number(v));

export function toStatusRow(row: RawStatusRow): ExecutionStatusRow {
  return {
    id: row.id,
    ownerId: row.owner_id,
    status: row.status,
    workflowType: row.workflow_type,
    templateId: row.template_id,
    definitionId: row.definition_id,
    definitionVersion: toNumberOrNull(row.definition_version),
    conversationId: row.conversation_id,
    parentExecutionId: row.parent_execution_id,
    triggerType: row.trigger_type,
    triggerId: row.trigger_id,
    startedAt: toDate(row.started_at),
    completedAt: toDate(row.completed_at),
    executionTimeMs: toNumberOrNull(row.execution_time_ms),
    tokensUsed: Number(row.tokens_used),
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    cost: Number(row.cost),
    errorMessage: row.error_message,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------------------

/** A chat turn's writes at its start, made by the statement that starts the run. */
export interface ChatStart {
  conversationId: string;
  /** A new conversation: created with the run (nothing of it exists if the run is refused). */
  newConversation?: { title: string; workflowId: string | null; templateId: string | null };
  /** The person's message, stored as the run starts (a reload mid-answer shows it). */
  userMessage?: ChatMessageInput;
}

export type StartOutcome = { started: true } | { started: false; refusal: AdmissionRefusal };

/**
 * Starts an execution: its row as `running`, for a chat turn its conversation (when new) and the person's
 * message, and the feed's notification — one statement, or, with `admission`, one pipelined transaction
 * (the per-user lock, then the same statement inserting only within the limits): ONE round trip either way.
 * Refused by the limits, nothing is written and the refusal says which limit and when to try again.
 *
 * The same id again is a resume: allowed only for the owner's paused run (taken back to running
 * atomically, so two resumes of one pause cannot both run; the row keeps its original started_at);
 * anything else is a 409. A `pending` row (created before the run: queued, or admitted by the shared run
 * limits) is taken over the same way, once, and gets the run's description.
 */
export async function startExecution({
  record,
  instanceId,
  notification,
  admission,
  chat,
}: {
  record: NewWorkflowExecution;
  instanceId: string;
  /** Sent (at commit) only if the row was inserted or taken over: the same statement. */
  notification?: Notification;
  /** Check the owner's run limits first (an interactive run started in this instance). */
  admission?: RunLimitSettings;
  chat?: ChatStart;
}): Promise<StartOutcome> {
  const db = await getDb();
  const r = record;
  const id = r.id ?? newId();
  // Written out rather than built by drizzle's insert builder: this runs once per run, and the builder's
  // column mapping cost about as much CPU as the rest of the start. Absent values take the columns' defaults.
  const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));
  const at = (value: Date | null | undefined) => (value ? value.toISOString() : null);
  const admitted = admission
    ? sql`exists (select 1 from usage u where ${withinLimitsSql(admission, instanceId)})`
    : sql`true`;
  const message = chat?.userMessage;
  const chatCtes = chat
    ? sql`,
      ${
        chat.newConversation
          ? sql`conversation as (
        insert into conversations (id, owner_id, title, workflow_id, template_id, message_count, last_message_at)
        select ${chat.conversationId}, ${r.ownerId}, ${chat.newConversation.title.slice(0, 200)}, ${chat.newConversation.workflowId},
               ${chat.newConversation.templateId}, ${message ? 1 : 0}::int, ${message ? sql`now()` : sql`null`}
        where exists (select 1 from started)
        returning id
      ),`
          : sql``
      }
      user_message as (
        insert into messages (id, conversation_id, owner_id, role, content, execution_id, status, tokens, cost, created_at)
        select ${message?.id ?? null}, ${chat.conversationId}, ${r.ownerId}, 'user', ${message?.content ?? ""}, ${id}, 'complete', 0, 0,
               ${at(message?.createdAt ?? r.startedAt) ?? new Date().toISOString()}::timestamptz
        where ${message ? sql`true` : sql`false`} and exists (select 1 from started)
        returning 1
      ),
      counted as (
        update conversations set message_count = message_count + 1, last_message_at = now(), updated_at = now()
        where ${chat.newConversation ? sql`false` : sql`true`} and id = ${chat.conversationId} and owner_id = ${r.ownerId}
          and exists (select 1 from user_message)
        returning 1
      )`
    : sql``;
  const statement = sql`
      with ${admission ? sql`${usageCte(r.ownerId, admission)},` : sql``}
      started as (
        insert into workflow_executions (id, owner_id, definition_id, definition_version, template_id, workflow_type, workflow_config,
          status, started_at, completed_at, execution_time_ms, heartbeat_at, input_data, output_data, error_message, execution_log,
          tokens_used, input_tokens, output_tokens, cost, usage_by_model, correlation_id, conversation_id, parent_execution_id, instance_id,
          trigger_type, trigger_id)
        select ${id}, ${r.ownerId}, ${r.definitionId ?? null}, ${r.definitionVersion ?? null}::int, ${r.templateId ?? null},
          ${r.workflowType ?? "DEFINITION"}, ${json(r.workflowConfig)}::jsonb, 'running', ${at(r.startedAt)}::timestamptz, null,
          ${r.executionTimeMs ?? null}::int, now(), ${json(r.inputData)}::jsonb, ${json(r.outputData)}::jsonb, ${r.errorMessage ?? null},
          ${json(r.executionLog)}::jsonb, ${r.tokensUsed ?? 0}::int, ${r.inputTokens ?? 0}::int, ${r.outputTokens ?? 0}::int,
          ${r.cost ?? "0"}::numeric, ${json(r.usageByModel)}::jsonb, ${r.correlationId ?? null}, ${r.conversationId ?? null},
          ${r.parentExecutionId ?? null}, ${instanceId}, ${r.triggerType ?? "manual"}, ${r.triggerId ?? null}
        where ${admitted}
        on conflict (id) do update set
          status = 'running',
          heartbeat_at = now(),
          instance_id = excluded.instance_id,
          completed_at = null,
          error_message = null,
          -- A pending row knew only the request; the run knows what it runs (a paused one is unchanged by these).
          started_at = coalesce(workflow_executions.started_at, excluded.started_at),
          definition_id = excluded.definition_id,
          definition_version = excluded.definition_version,
          template_id = excluded.template_id,
          workflow_type = excluded.workflow_type,
          workflow_config = excluded.workflow_config,
          input_data = excluded.input_data,
          conversation_id = excluded.conversation_id,
          correlation_id = excluded.correlation_id,
          parent_execution_id = excluded.parent_execution_id,
          -- What started a paused run stays; a pending row takes the run's (the same, from its request).
          trigger_type = case when workflow_executions.status = 'pending' then excluded.trigger_type else workflow_executions.trigger_type end,
          trigger_id = case when workflow_executions.status = 'pending' then excluded.trigger_id else workflow_executions.trigger_id end
        where workflow_executions.status in ('paused', 'pending') and workflow_executions.owner_id = ${r.ownerId}
        returning id
      )${admission ? sql`, ${quotaSpendCte(r.ownerId, "started")}` : sql``}${chatCtes}${
        notification
          ? sql`,
      notified as (select pg_notify(${notification.channel}, ${notification.payload}) from started)`
          : sql``
      }
      select (select count(*) from started)::int as started${notification ? sql`, (select count(*) from notified)::int as notified` : sql``}${
        admission ? sql`, (select count(*) from spent)::int as spent, u.active, u.queued, u.tokens from usage u` : sql``
      }`;
  const [row] = admission
    ? (await pipelinedTransaction(db, [admissionLockSql(r.ownerId), statement], { asyncCommit: true }))[1]!
    : rowsOf(await executePrepared(db, statement));
  const outcome = row as (RunUsage & { started: number }) | undefined;
  if (outcome && Number(outcome.started) > 0) return { started: true };
  const refusal = admission ? refusalOf(outcome, admission, instanceId) : undefined;
  if (refusal) return { started: false, refusal };
  throw new AppError(
    "conflict:execution",
    "This run is already running or has finished, so it cannot be started again.",
  );
}

// ---------------------------------------------------------------------------------------------------------
// Finish: one statement
// ---------------------------------------------------------------------------------------------------------

/**
 * The upsert of the template counters (per template and owner; the gallery shows them) from the CTE
 * `updated`, which holds the execution row just finished. Counters add in SQL and the running average is
 * recomputed from the row it conflicts with, so concurrent runs never lose an update. A paused run is not
 * counted yet. (Per-workflow figures are computed from the runs themselves: lib/db/queries/analytics.ts.)
 */
function analyticsCtes(ids: { template: string }): SQL {
  return sql`
    template_stats as (
      insert into template_analytics (id, template_id, owner_id, total_executions, successful_executions, failed_executions,
                                      avg_execution_time_ms, total_tokens_used, total_cost, last_used_at)
      select ${ids.template}, u.template_id, u.owner_id, 1, (u.status = 'completed')::int, (u.status in ('failed', 'interrupted'))::int,
             coalesce(u.execution_time_ms, 0)::float8, u.tokens_used, u.cost, now()
      from updated u
      where u.template_id is not null and u.status <> 'paused'
        and exists (select 1 from workflow_templates t where t.id = u.template_id)
      on conflict (template_id, owner_id) do update set
        total_executions = template_analytics.total_executions + 1,
        successful_executions = template_analytics.successful_executions + excluded.successful_executions,
        failed_executions = template_analytics.failed_executions + excluded.failed_executions,
        avg_execution_time_ms = (coalesce(template_analytics.avg_execution_time_ms, 0) * template_analytics.total_executions
          + coalesce(excluded.avg_execution_time_ms, 0)) / (template_analytics.total_executions + 1),
        total_tokens_used = template_analytics.total_tokens_used + excluded.total_tokens_used,
        total_cost = template_analytics.total_cost + excluded.total_cost,
        last_used_at = greatest(template_analytics.last_used_at, excluded.last_used_at),
        updated_at = now()
      returning 1
    )`;
}

export interface ChatMessageInput {
  id: string;
  content: string;
  createdAt?: Date;
}

export interface ChatOutcome {
  conversationId: string;
  /** Stored only if the execution has no user message yet (the engine usually stores it at start). */
  userMessage?: ChatMessageInput;
  /** Stored once: a message with this id already there (the engine stored it) is left as it is. */
  answer: ChatMessageInput & {
    status: "complete" | "stopped" | "error" | "pending";
    tokens: number;
    cost: number;
    durationMs: number | null;
    metadata: Record<string, unknown>;
  };
  /** A resumed run: the question its pause left pending has now been answered. */
  closesPendingQuestion?: boolean;
  /** The conversation's title becomes `to`, if it is still `from` (its owner may have renamed it meanwhile). */
  title?: { from: string; to: string };
}

/**
 * CTEs storing a chat run's messages and adding them to the conversation's counters: `user_message`,
 * `answer`, (`answered`), `added`, `conversation` — all inserts and updates, so they run without being
 * read. `guard` conditions the inserts (in finishExecution: the execution row was finished by the same
 * statement); nothing inserted, nothing counted.
 */
function chatOutcomeCtes({
  executionId,
  ownerId,
  chat,
  guard = sql`true`,
}: {
  executionId: string;
  ownerId: string;
  chat: ChatOutcome;
  guard?: SQL;
}): SQL {
  const { conversationId, userMessage, answer } = chat;
  const userInsert = userMessage
    ? sql`
      insert into messages (id, conversation_id, owner_id, role, content, execution_id, status, tokens, cost, created_at)
      select ${userMessage.id}, ${conversationId}, ${ownerId}, 'user', ${userMessage.content}, ${executionId}, 'complete', 0, 0,
             ${(userMessage.createdAt ?? new Date()).toISOString()}::timestamptz
      where ${guard} and not exists (select 1 from messages m where m.execution_id = ${executionId} and m.role = 'user')
      on conflict (id) do nothing
      returning tokens, cost`
    : sql`select 0 as tokens, 0::numeric as cost where false`;
  const closePending = chat.closesPendingQuestion
    ? sql`
    answered as (
      update messages set status = 'complete'
      where execution_id = ${executionId} and role = 'assistant' and status = 'pending' and id <> ${answer.id} and ${guard}
      returning 1
    ),`
    : sql``;
  return sql`
    user_message as (${userInsert}),
    answer as (
      insert into messages (id, conversation_id, owner_id, role, content, execution_id, status, tokens, cost, duration_ms, metadata, created_at)
      select ${answer.id}, ${conversationId}, ${ownerId}, 'assistant', ${answer.content}, ${executionId}, ${answer.status},
             ${Math.max(0, Math.round(answer.tokens))}::int, ${Math.max(0, answer.cost).toFixed(6)}::numeric,
             ${answer.durationMs === null ? null : Math.max(0, Math.round(answer.durationMs))}::int,
             ${JSON.stringify(answer.metadata)}::jsonb, ${(answer.createdAt ?? new Date()).toISOString()}::timestamptz
      where ${guard}
      on conflict (id) do nothing
      returning ${ANSWER_COLUMNS}
    ),${closePending}
    added as (select tokens, cost from user_message union all select tokens, cost from answer),
    conversation as (
      update conversations set${
        chat.title
          ? sql`
        title = case when title = ${chat.title.from} then ${chat.title.to} else title end,`
          : sql``
      }
        message_count = message_count + (select count(*) from added),
        total_tokens = total_tokens + (select coalesce(sum(tokens), 0) from added),
        total_cost = total_cost + (select coalesce(sum(cost), 0) from added),
        last_message_at = now(),
        updated_at = now()
      where id = ${conversationId} and owner_id = ${ownerId} and exists (select 1 from added)
      returning 1
    )`;
}

/** The stored answer's columns (the CTE `answer` returns them; the finish hands the row back as JSON). */
const ANSWER_COLUMNS = sql.raw(
  "id, conversation_id, owner_id, role, content, execution_id, status, tokens, cost, duration_ms, metadata, created_at",
);
const ANSWER_JSON =
  sql.raw(`(select json_build_object('id', a.id, 'conversationId', a.conversation_id, 'ownerId', a.owner_id,
      'role', a.role, 'content', a.content, 'executionId', a.execution_id, 'status', a.status, 'tokens', a.tokens,
      'cost', a.cost::text, 'durationMs', a.duration_ms, 'metadata', a.metadata, 'createdAt', a.created_at) from answer a)`);

/** The answer row as the finish's JSON gave it (postgres.js parses json; PGlite may too, or give text). */
function storedAnswerOf(value: unknown): Message | null {
  const json = typeof value === "string" ? (JSON.parse(value) as unknown) : value;
  if (!json || typeof json !== "object") return null;
  const row = json as Omit<Message, "createdAt"> & { createdAt: string };
  return { ...row, createdAt: new Date(row.createdAt) };
}

/** The messages of a chat run and the conversation's counters, in one statement. */
async function storeChatOutcome(
  tx: Transaction,
  { executionId, ownerId, chat }: { executionId: string; ownerId: string; chat: ChatOutcome },
) {
  await tx.execute(
    sql`with ${chatOutcomeCtes({ executionId, ownerId, chat })} select count(*)::int as stored from added`,
  );
}

/** Columns of the finished row that a notification made in finishExecution takes from the database. */
export type RowNotificationColumn = "started_at" | "completed_at" | "execution_time_ms";

/**
 * A notification about the finished row, sent only if the row was finished. `payload` is JSON text made by
 * the caller; the values only the database knows for sure (a resumed run keeps its first start and adds up
 * its time) are spliced in from the row: for each `column: key`, the first `"key":null` in the payload
 * becomes `"key":<the column's value>` (timestamps as Date.toISOString writes them), so the payload is
 * byte for byte what JSON.stringify would have made from the row. Keys must come before any text a user
 * wrote (the first occurrence is the one replaced).
 */
export interface RowNotification {
  channel: string;
  payload: string;
  fromRow?: Partial<Record<RowNotificationColumn, string>>;
}

const ISO_MS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const ROW_JSON: Record<RowNotificationColumn, SQL> = {
  started_at: sql.raw(`coalesce('"' || to_char(u.started_at at time zone 'UTC', ${ISO_MS}) || '"', 'null')`),
  completed_at: sql.raw(`coalesce('"' || to_char(u.completed_at at time zone 'UTC', ${ISO_MS}) || '"', 'null')`),
  execution_time_ms: sql.raw(`coalesce(u.execution_time_ms::text, 'null')`),
};

/** The payload of a RowNotification as an SQL text expression over the row `u`. */
function rowPayload({ payload, fromRow = {} }: RowNotification): SQL {
  const splices: Array<{ at: number; length: number; value: SQL }> = [];
  for (const [column, key] of Object.entries(fromRow) as Array<[RowNotificationColumn, string]>) {
    const placeholder = `${JSON.stringify(key)}:null`;
    const at = payload.indexOf(placeholder);
    if (at < 0) throw new Error(`The notification has no ${placeholder} for ${column}.`);
    splices.push({ at: at + placeholder.length - "null".length, length: "null".length, value: ROW_JSON[column] });
  }
  splices.sort((x, y) => x.at - y.at);
  const parts: SQL[] = [];
  let from = 0;
  for (const { at, length, value } of splices) {
    parts.push(sql`${payload.slice(from, at)}::text`, value);
    from = at + length;
  }
  parts.push(sql`${payload.slice(from)}::text`);
  return sql.join(parts, sql` || `);
}

/** The CTE `row_notices`: one row per notification sent, each made from the row in `updated`. */
function rowNotificationCte(notifications: readonly RowNotification[]): SQL {
  if (notifications.length === 0) return sql`row_notices as (select where false)`;
  const selects = notifications.map((n) => sql`select pg_notify(${n.channel}, ${rowPayload(n)}) from updated u`);
  return sql`row_notices as (${sql.join(selects, sql` union all `)})`;
}

export interface FinishExecutionArgs {
  /** The row's final state, from ExecutionContext.toExecutionRecord(). */
  record: NewWorkflowExecution;
  status: "completed" | "failed" | "cancelled" | "paused";
  /** A resumed run adds this call's time to the time the execution already ran. */
  accumulateTime: boolean;
  /** The run's last events (stored by the same statement) and the notifications for them. */
  events: readonly EventRow[];
  notifications: readonly Notification[];
  chat?: ChatOutcome;
  /** Notifications made from the finished row (the status feed), sent only if it was finished. */
  rowNotifications?: readonly RowNotification[];
  /** Runs after the statement, inside a transaction around it (tests inject failures here). */
  beforeCommit?: () => Promise<void>;
  /**
   * The instance finishing it: the row is finished only if this instance still holds it. A queued run
   * taken over by another worker (its own worker stalled past the heartbeat timeout) is the new holder's.
   */
  instanceId?: string;
}

/**
 * Finishes a running execution in ONE statement (PostgreSQL runs it atomically; its NOTIFYs are delivered
 * at commit): the run's last events and their notifications, the row, the template and definition
 * counters, for a chat run its messages and the conversation's counters, and the notifications made from
 * the finished row. `applied: false` when the row was not running (already finished, e.g. marked
 * interrupted by a sweeper while this process was silent): its events are still stored, but nothing is
 * counted twice and no row notification is sent.
 *
 * All CTEs see the same snapshot: the events' "still running and held by this instance" check reads the
 * row as it was before this statement finished it.
 */
export async function finishExecution(args: FinishExecutionArgs): Promise<{
  applied: boolean;
  row: ExecutionStatusRow | null;
  /** A chat run's answer as stored by this statement (null when it was not: e.g. its conversation is gone). */
  answer: Message | null;
}> {
  const { record, status } = args;
  const completedAt = status === "paused" ? null : (record.completedAt ?? new Date());
  const ms = Math.max(0, Math.round(record.executionTimeMs ?? 0));
  const chat = args.chat
    ? sql`, ${chatOutcomeCtes({ executionId: record.id!, ownerId: record.ownerId, chat: args.chat, guard: sql`exists (select 1 from updated)` })}`
    : sql``;
  const statement = sql`
    with ${eventInsertCtes({ rows: args.events, notifications: args.notifications, ...(args.instanceId ? { instanceId: args.instanceId } : {}) })},
    updated as (
      update workflow_executions set
        status = ${status},
        completed_at = ${completedAt ? completedAt.toISOString() : null}::timestamptz,
        execution_time_ms = ${args.accumulateTime ? sql`coalesce(execution_time_ms, 0) + ` : sql``}${ms}::int,
        output_data = ${JSON.stringify(record.outputData ?? null)}::jsonb,
        error_message = ${record.errorMessage ?? null},
        execution_log = ${JSON.stringify(record.executionLog ?? [])}::jsonb,
        tokens_used = ${record.tokensUsed ?? 0}::int,
        input_tokens = ${record.inputTokens ?? 0}::int,
        output_tokens = ${record.outputTokens ?? 0}::int,
        cost = ${record.cost ?? "0"}::numeric,
        usage_by_model = ${JSON.stringify(record.usageByModel ?? {})}::jsonb,
        heartbeat_at = now()
      where id = ${record.id!} and owner_id = ${record.ownerId} and status = 'running'
        ${args.instanceId ? sql`and (instance_id is null or instance_id = ${args.instanceId})` : sql``}
      returning ${STATUS_COLUMNS}
    ),
    ${analyticsCtes({ template: newId() })}${chat},
    ${rowNotificationCte(args.rowNotifications ?? [])}
    select u.*, (select count(*) from event_notices)::int as event_notices, (select count(*) from row_notices)::int as row_notices${
      args.chat ? sql`, ${ANSWER_JSON} as stored_answer` : sql``
    }
    from (select 1) as one left join updated u on true`;
  const db = await getDb();
  let result: unknown;
  if (args.beforeCommit) {
    const beforeCommit = args.beforeCommit;
    result = await db.transaction(async (tx) => {
      const rows = await tx.execute(statement);
      await beforeCommit();
      return rows;
    });
  } else {
    result = await executePrepared(db, statement);
  }
  const raw = rowsOf<RawStatusRow & { stored_answer?: unknown }>(result)[0];
  const row = raw?.id ? toStatusRow(raw) : null;
  return { applied: row !== null, row, answer: storedAnswerOf(raw?.stored_answer) };
}

// ---------------------------------------------------------------------------------------------------------
// Heartbeat, sweeper, cancel of a paused run
// ---------------------------------------------------------------------------------------------------------

/** One statement for every run this process is running: a sign of life per process, not per event. */
export async function heartbeatExecutions({ ids }: { ids: readonly string[] }): Promise<number> {
  if (ids.length === 0) return 0;
  const db = await getDb();
  const result = await db.execute(sql`
    update workflow_executions set heartbeat_at = now()
    where status = 'running' and id in (${sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )})
    returning id`);
  return rowsOf(result).length;
}

/** What a finalizer writes besides the row: the terminal event(s), notifications and a chat answer. */
export interface FinalizeWrites {
  events: EventRow[];
  notifications: Notification[];
  chat?: ChatOutcome;
}

/** Sequence numbers a finalizer tries for its terminal event before it gives up on storing it. */
const FINALIZE_EVENT_ATTEMPTS = 6;

/**
 * Ends executions no process will finish: `running` ones whose heartbeat is older than `staleAfterMs`
 * (their process died) become `interrupted`; or one `paused` execution (`executionId`) becomes `cancelled`.
 * Each in its own transaction with its counters, its terminal event at the next free sequence number and,
 * for a chat, its answer — exactly once: rows are claimed with FOR UPDATE SKIP LOCKED and re-checked.
 */
export async function finalizeExecutions({
  from,
  to,
  staleAfterMs,
  executionId,
  ownerId,
  excludeIds = [],
  errorMessage,
  limit = 100,
  describe,
}: {
  from: "running" | "paused" | "pending";
  to: "interrupted" | "cancelled" | "failed";
  /** For `running`: how old a heartbeat must be. */
  staleAfterMs?: number;
  /** Only this execution (and this owner's). */
  executionId?: string;
  ownerId?: string;
  /** Runs alive in the calling process (never swept, whatever their heartbeat says). */
  excludeIds?: readonly string[];
  errorMessage: string;
  limit?: number;
  describe: (row: ExecutionStatusRow, nextSeq: number) => FinalizeWrites;
}): Promise<ExecutionStatusRow[]> {
  const db = await getDb();
  const conditions: SQL[] = [sql`status = ${from}`];
  if (staleAfterMs !== undefined) {
    conditions.push(
      sql`coalesce(heartbeat_at, started_at, created_at) < now() - (${Math.max(0, Math.round(staleAfterMs))}::int * interval '1 millisecond')`,
    );
  }
  if (executionId) conditions.push(sql`id = ${executionId}`);
  if (ownerId) conditions.push(sql`owner_id = ${ownerId}`);
  if (excludeIds.length) {
    conditions.push(
      sql`id not in (${sql.join(
        excludeIds.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    );
  }
  const where = sql.join(conditions, sql` and `);
  // A dead run spent what it is known to have spent: from its start to its last sign of life. A paused one
  // keeps the time it ran before pausing.
  const elapsed =
    from === "running"
      ? sql`greatest(0, round(extract(epoch from (coalesce(heartbeat_at, now()) - coalesce(started_at, created_at))) * 1000))::int`
      : sql`coalesce(execution_time_ms, 0)`;
  const candidates = rowsOf<{ id: string }>(
    await db.execute(
      sql`select id from workflow_executions where ${where} order by started_at limit ${Math.max(1, limit)}`,
    ),
  );
  const finalized: ExecutionStatusRow[] = [];
  for (const { id } of candidates) {
    const row = await db.transaction(async (tx) => {
      const claimed = rowsOf<{ id: string }>(
        // NO KEY UPDATE, not UPDATE: the run's own event inserts take KEY SHARE on the row (their foreign
        // key) and must not deadlock with a sweep that then appends the terminal event.
        await tx.execute(
          sql`select id from workflow_executions where id = ${id} and ${where} for no key update skip locked`,
        ),
      );
      if (!claimed.length) return null;
      const result = await tx.execute(sql`
        with updated as (
          update workflow_executions set
            status = ${to},
            completed_at = now(),
            execution_time_ms = ${elapsed},
            error_message = ${errorMessage}
          where id = ${id} and status = ${from}
          returning ${STATUS_COLUMNS}
        ),
        ${analyticsCtes({ template: newId() })}
        select * from updated`);
      const raw = rowsOf<RawStatusRow>(result)[0];
      if (!raw) return null;
      const updated = toStatusRow(raw);
      // The terminal event takes the next free seq. A write of the run's own process that committed
      // meanwhile (it was declared dead, not dead) can take that seq first: then take the next one.
      let writes = describe(updated, await nextEventSeq(tx, id));
      for (let attempt = 1; ; attempt++) {
        const stored = await insertEventRows(tx, { rows: writes.events, whileRunning: false });
        if (stored === writes.events.length) break;
        if (attempt >= FINALIZE_EVENT_ATTEMPTS) {
          // The row is finished all the same (its status and error say what happened); only the event is missing.
          console.error(
            `[tracking] execution ${id} was marked ${to} but its terminal event could not be stored: ${attempt} attempts each found its sequence number taken`,
          );
          break;
        }
        writes = describe(updated, await nextEventSeq(tx, id));
      }
      await insertEventRows(tx, { rows: [], notifications: writes.notifications });
      if (writes.chat) await storeChatOutcome(tx, { executionId: id, ownerId: updated.ownerId, chat: writes.chat });
      return updated;
    });
    if (row) finalized.push(row);
  }
  return finalized;
}

// ---------------------------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------------------------

/** The owner's execution's status row, or null. */
export async function getExecutionStatus({
  executionId,
  ownerId,
}: {
  executionId: string;
  ownerId: string;
}): Promise<ExecutionStatusRow | null> {
  const db = await getDb();
  const result = await db.execute(
    sql`select ${STATUS_COLUMNS} from workflow_executions where id = ${executionId} and owner_id = ${ownerId} limit 1`,
  );
  const raw = rowsOf<RawStatusRow>(result)[0];
  return raw ? toStatusRow(raw) : null;
}

/**
 * The owner's executions whose status changed at or after `since` (started, finished), oldest change first:
 * what a dashboard feed that reconnects has missed. Each appears once, in its current state.
 */
export async function listExecutionStatusChanges({
  ownerId,
  since,
  limit = 200,
}: {
  ownerId: string;
  since: Date;
  limit?: number;
}): Promise<Array<ExecutionStatusRow & { changedAt: Date }>> {
  const db = await getDb();
  const changedAt = sql.raw(
    "greatest(coalesce(completed_at, started_at, created_at), coalesce(started_at, created_at))",
  );
  const result = await db.execute(sql`
    select ${STATUS_COLUMNS}, ${changedAt} as changed_at
    from workflow_executions
    where owner_id = ${ownerId}
      and (started_at >= ${since.toISOString()}::timestamptz or completed_at >= ${since.toISOString()}::timestamptz
           or created_at >= ${since.toISOString()}::timestamptz)
    order by ${changedAt}, id
    limit ${Math.max(1, Math.min(limit, 1000))}`);
  return rowsOf<RawStatusRow & { changed_at: Date | string }>(result).map((r) => ({
    ...toStatusRow(r),
    changedAt: new Date(r.changed_at),
  }));
}
