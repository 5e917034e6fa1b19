/**
 * Dashboard figures, computed from the execution rows themselves (so they always equal what a query over
 * the rows says): runs, outcomes, success rate, average / p50 / p95 duration (percentile_cont), tokens and
 * cost — overall, over time, and broken down by template, by definition and version, and by model (the
 * per-model usage the tracker stores in usage_by_model). Owner-scoped; runs are placed in time by their
 * start.
 */
import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { getDb, rowsOf } from "../client";

export interface AnalyticsRange {
  ownerId: string;
  from: Date;
  to: Date;
}

export interface RunStats {
  runs: number;
  running: number;
  paused: number;
  completed: number;
  failed: number;
  cancelled: number;
  interrupted: number;
  /** completed / finished runs (completed, failed, cancelled, interrupted); null when none finished. */
  successRate: number | null;
  avgDurationMs: number | null;
  p50DurationMs: number | null;
  p95DurationMs: number | null;
  tokens: number;
  inputTokens: number;
  outputTokens: number;
  /** US dollars. */
  cost: number;
}

const FINISHED = sql.raw(`('completed', 'failed', 'cancelled', 'interrupted')`);

/** The aggregate columns of RunStats over rows aliased `e`. */
const STATS = sql`
  count(*)::int as runs,
  count(*) filter (where e.status = 'running')::int as running,
  count(*) filter (where e.status = 'paused')::int as paused,
  count(*) filter (where e.status = 'completed')::int as completed,
  count(*) filter (where e.status = 'failed')::int as failed,
  count(*) filter (where e.status = 'cancelled')::int as cancelled,
  count(*) filter (where e.status = 'interrupted')::int as interrupted,
  avg(e.execution_time_ms) filter (where e.status in ${FINISHED})::float8 as avg_duration_ms,
  percentile_cont(0.5) within group (order by e.execution_time_ms) filter (where e.status in ${FINISHED}) as p50_duration_ms,
  percentile_cont(0.95) within group (order by e.execution_time_ms) filter (where e.status in ${FINISHED}) as p95_duration_ms,
  coalesce(sum(e.tokens_used), 0)::bigint as tokens,
  coalesce(sum(e.input_tokens), 0)::bigint as input_tokens,
  coalesce(sum(e.output_tokens), 0)::bigint as output_tokens,
  coalesce(sum(e.cost), 0)::text as cost`;

interface RawStats {
  runs: number | string;
  running: number | string;
  paused: number | string;
  completed: number | string;
  failed: number | string;
  cancelled: number | string;
  interrupted: number | string;
  avg_duration_ms: number | string | null;
  p50_duration_ms: number | string | null;
  p95_duration_ms: number | string | null;
  tokens: number | string;
  input_tokens: number | string;
  output_tokens: number | string;
  cost: number | string;
}

const num = (v: number | string | null | undefined) => (v === null || v === undefined ? null : Number(v));
const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);

function toStats(raw: RawStats): RunStats {
  const completed = Number(raw.completed);
  const finished = completed + Number(raw.failed) + Number(raw.cancelled) + Number(raw.interrupted);
  return {
    runs: Number(raw.runs),
    running: Number(raw.running),
    paused: Number(raw.paused),
    completed,
    failed: Number(raw.failed),
    cancelled: Number(raw.cancelled),
    interrupted: Number(raw.interrupted),
    successRate: finished === 0 ? null : completed / finished,
    avgDurationMs: round(num(raw.avg_duration_ms)),
    p50DurationMs: round(num(raw.p50_duration_ms)),
    p95DurationMs: round(num(raw.p95_duration_ms)),
    tokens: Number(raw.tokens),
    inputTokens: Number(raw.input_tokens),
    outputTokens: Number(raw.output_tokens),
    cost: Number(raw.cost),
  };
}

function inRange({ ownerId, from, to }: AnalyticsRange): SQL {
  return sql`e.owner_id = ${ownerId} and e.started_at >= ${from.toISOString()}::timestamptz and e.started_at < ${to.toISOString()}::timestamptz`;
}

/** All the owner's runs in the range. */
export async function getRunStats(range: AnalyticsRange): Promise<RunStats> {
  const db = await getDb();
  const [raw] = rowsOf<RawStats>(await db.execute(sql`select ${STATS} from workflow_executions e where ${inRange(range)}`));
  return toStats(raw!);
}

export type TimeBucket = "hour" | "day";

/** Runs per hour or day (UTC), oldest first; buckets without runs are left out. */
export async function getRunStatsOverTime(range: AnalyticsRange & { bucket: TimeBucket }): Promise<Array<RunStats & { bucketStart: Date }>> {
  const db = await getDb();
  const unit = range.bucket === "hour" ? sql.raw(`'hour'`) : sql.raw(`'day'`);
  const bucket = sql`date_trunc(${unit}, e.started_at at time zone 'UTC')`;
  const rows = rowsOf<RawStats & { bucket_start: Date | string }>(
    await db.execute(sql`
      select ${bucket}::text as bucket_start, ${STATS}
      from workflow_executions e where ${inRange(range)}
      group by ${bucket} order by ${bucket}`),
  );
  // date_trunc of a UTC local time: the text has no zone, and it is UTC.
  return rows.map((r) => ({ bucketStart: new Date(`${String(r.bucket_start).replace(" ", "T")}Z`), ...toStats(r) }));
}

/** Per template the runs came from (template runs, chats answered by a template). */
export async function getRunStatsByTemplate(range: AnalyticsRange): Promise<Array<RunStats & { templateId: string; name: string; isBuiltin: boolean }>> {
  const db = await getDb();
  const rows = rowsOf<RawStats & { template_id: string; name: string; is_builtin: boolean }>(
    await db.execute(sql`
      select e.template_id, t.name, t.is_builtin, ${STATS}
      from workflow_executions e join workflow_templates t on t.id = e.template_id
      where ${inRange(range)}
      group by e.template_id, t.name, t.is_builtin
      order by count(*) desc, t.name`),
  );
  return rows.map((r) => ({ templateId: r.template_id, name: r.name, isBuiltin: Boolean(r.is_builtin), ...toStats(r) }));
}

/** Per saved definition and version (temporary definitions instantiated from templates are not listed). */
export async function getRunStatsByDefinition(
  range: AnalyticsRange & { definitionId?: string },
): Promise<Array<RunStats & { definitionId: string; name: string; version: number | null }>> {
  const db = await getDb();
  const only = range.definitionId ? sql`and e.definition_id = ${range.definitionId}` : sql``;
  const rows = rowsOf<RawStats & { definition_id: string; name: string; version: number | string | null }>(
    await db.execute(sql`
      select e.definition_id, d.name, e.definition_version as version, ${STATS}
      from workflow_executions e join workflow_definitions d on d.id = e.definition_id and d.owner_id = e.owner_id and not d.is_temporary
      where ${inRange(range)} ${only}
      group by e.definition_id, d.name, e.definition_version
      order by d.name, e.definition_id, e.definition_version`),
  );
  return rows.map((r) => ({ definitionId: r.definition_id, name: r.name, version: num(r.version), ...toStats(r) }));
}

export interface ModelStats {
  /** "provider:model". */
  model: string;
  provider: string;
  /** Runs that used the model; outcome and duration figures are those runs'. */
  runs: number;
  completed: number;
  successRate: number | null;
  avgDurationMs: number | null;
  p95DurationMs: number | null;
  inputTokens: number;
  outputTokens: number;
  tokens: number;
  /** What the model's tokens cost, US dollars. */
  cost: number;
}

/** Per model, from the per-model usage of each run. */
export async function getRunStatsByModel(range: AnalyticsRange): Promise<ModelStats[]> {
  const db = await getDb();
  const rows = rowsOf<{
    model: string;
    runs: number | string;
    completed: number | string;
    finished: number | string;
    avg_duration_ms: number | string | null;
    p95_duration_ms: number | string | null;
    input_tokens: number | string;
    output_tokens: number | string;
    cost: number | string;
  }>(
    await db.execute(sql`
      select m.key as model,
        count(*)::int as runs,
        count(*) filter (where e.status = 'completed')::int as completed,
        count(*) filter (where e.status in ${FINISHED})::int as finished,
        avg(e.execution_time_ms) filter (where e.status in ${FINISHED})::float8 as avg_duration_ms,
        percentile_cont(0.95) within group (order by e.execution_time_ms) filter (where e.status in ${FINISHED}) as p95_duration_ms,
        coalesce(sum((m.value ->> 'inputTokens')::bigint), 0)::bigint as input_tokens,
        coalesce(sum((m.value ->> 'outputTokens')::bigint), 0)::bigint as output_tokens,
        coalesce(sum((m.value ->> 'cost')::numeric), 0)::text as cost
      from workflow_executions e
      cross join lateral jsonb_each(case when jsonb_typeof(e.usage_by_model) = 'object' then e.usage_by_model else '{}'::jsonb end) as m(key, value)
      where ${inRange(range)}
      group by m.key
      order by count(*) desc, m.key`),
  );
  return rows.map((r) => {
    const at = r.model.indexOf(":");
    const finished = Number(r.finished);
    const inputTokens = Number(r.input_tokens);
    const outputTokens = Number(r.output_tokens);
    return {
      model: r.model,
      provider: at < 0 ? r.model : r.model.slice(0, at),
      runs: Number(r.runs),
      completed: Number(r.completed),
      successRate: finished === 0 ? null : Number(r.completed) / finished,
      avgDurationMs: round(num(r.avg_duration_ms)),
      p95DurationMs: round(num(r.p95_duration_ms)),
      inputTokens,
      outputTokens,
      tokens: inputTokens + outputTokens,
      cost: Number(r.cost),
    };
  });
}

export interface FailingWorkflow {
  /** What failed: a saved definition, else a template, else the kind of request. */
  definitionId: string | null;
  templateId: string | null;
  workflowType: string;
  name: string;
  failures: number;
  runs: number;
  /** The error message seen most often, and how many times. */
  topError: string | null;
  topErrorCount: number;
}

/** The workflows with the most failed (or interrupted) runs, each with its most common error. */
export async function getTopFailingWorkflows(range: AnalyticsRange & { limit?: number }): Promise<FailingWorkflow[]> {
  const db = await getDb();
  const rows = rowsOf<{
    definition_id: string | null;
    template_id: string | null;
    workflow_type: string;
    name: string | null;
    failures: number | string;
    runs: number | string;
    top_error: string | null;
    top_error_count: number | string | null;
  }>(
    await db.execute(sql`
      with scoped as (
        select case when d.is_temporary then null else e.definition_id end as definition_id,
               case when d.id is null or d.is_temporary then e.template_id end as template_id,
               e.workflow_type, e.status, e.error_message,
               coalesce(case when d.is_temporary then null else d.name end, t.name, e.workflow_type) as name
        from workflow_executions e
        left join workflow_definitions d on d.id = e.definition_id
        left join workflow_templates t on t.id = e.template_id
        where ${inRange(range)}
      ),
      grouped as (
        select definition_id, template_id, workflow_type, min(name) as name,
               count(*) filter (where status in ('failed', 'interrupted'))::int as failures,
               count(*)::int as runs,
               mode() within group (order by error_message) filter (where status in ('failed', 'interrupted')) as top_error
        from scoped group by definition_id, template_id, workflow_type
      )
      select g.*, (
        select count(*) from scoped s
        where s.status in ('failed', 'interrupted') and s.error_message = g.top_error
          and s.definition_id is not distinct from g.definition_id and s.template_id is not distinct from g.template_id
          and s.workflow_type = g.workflow_type
      )::int as top_error_count
      from grouped g where g.failures > 0
      order by g.failures desc, g.name
      limit ${Math.max(1, Math.min(range.limit ?? 10, 100))}`),
  );
  return rows.map((r) => ({
    definitionId: r.definition_id,
    templateId: r.template_id,
    workflowType: r.workflow_type,
    name: r.name ?? r.workflow_type,
    failures: Number(r.failures),
    runs: Number(r.runs),
    topError: r.top_error,
    topErrorCount: Number(r.top_error_count ?? 0),
  }));
}

/** The stored counters of the owner's templates and definitions (kept by the tracker; they survive pruning). */
export async function listUsageCounters({ ownerId }: { ownerId: string }) {
  const db = await getDb();
  const templates = rowsOf<{
    template_id: string;
    total_executions: number;
    successful_executions: number;
    failed_executions: number;
    avg_execution_time_ms: number | null;
    total_tokens_used: number | string;
    total_cost: number | string;
    last_used_at: Date | string | null;
  }>(
    await db.execute(sql`
      select template_id, total_executions, successful_executions, failed_executions, avg_execution_time_ms,
             total_tokens_used, total_cost::text as total_cost, last_used_at
      from template_analytics where owner_id = ${ownerId} order by last_used_at desc nulls last`),
  );
  const definitions = rowsOf<{
    definition_id: string;
    version: number;
    total_executions: number;
    successful_executions: number;
    failed_executions: number;
    avg_execution_time_ms: number | null;
    total_tokens_used: number | string;
    total_cost: number | string;
    last_used_at: Date | string | null;
  }>(
    await db.execute(sql`
      select definition_id, version, total_executions, successful_executions, failed_executions, avg_execution_time_ms,
             total_tokens_used, total_cost::text as total_cost, last_used_at
      from definition_analytics where owner_id = ${ownerId} order by last_used_at desc nulls last`),
  );
  const counters = (r: Omit<(typeof templates)[number], "template_id">) => ({
    totalExecutions: Number(r.total_executions),
    successfulExecutions: Number(r.successful_executions),
    failedExecutions: Number(r.failed_executions),
    avgExecutionTimeMs: num(r.avg_execution_time_ms),
    totalTokens: Number(r.total_tokens_used),
    totalCost: Number(r.total_cost),
    lastUsedAt: r.last_used_at === null ? null : new Date(r.last_used_at),
  });
  return {
    templates: templates.map((r) => ({ templateId: r.template_id, ...counters(r) })),
    definitions: definitions.map((r) => ({ definitionId: r.definition_id, version: Number(r.version), ...counters(r) })),
  };
}
