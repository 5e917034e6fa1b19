/**
 * The monitor dashboard's figures, computed in SQL from the owner's execution rows over a time range
 * (runs created in [from, to)): totals, a time series, breakdowns by workflow and version, template, model
 * and run type, and the workflows that fail most with their most common error.
 *
 * Definitions used everywhere (and by the integration test that recomputes them from the rows):
 * - finished = completed + failed + cancelled + interrupted; success rate = completed / finished;
 * - failures = failed + interrupted (a cancel is the user's choice, not a failure);
 * - durations (p50/p95, PostgreSQL's interpolating percentile_cont) over finished runs;
 * - tokens and cost are the rows' own columns; a model's share comes from `usage_by_model` (its stored cost,
 *   or today's list price for usage stored without one).
 * Temporary definitions (a template's per-run copy) count under their template, not as workflows.
 */
import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { getDb, rowsOf } from "../client";

export interface DashboardRange {
  ownerId: string;
  from: Date;
  to: Date;
  /** Width of one bucket of the time series. */
  bucketMs: number;
}

/** The figures every group shares. */
export interface RunAggregate {
  runs: number;
  completed: number;
  failed: number;
  cancelled: number;
  active: number;
  p50DurationMs: number | null;
  p95DurationMs: number | null;
  avgDurationMs: number | null;
  inputTokens: number;
  outputTokens: number;
  tokens: number;
  cost: number;
}

export interface SeriesRow extends RunAggregate {
  bucket: number;
}
export interface WorkflowRow extends RunAggregate {
  definitionId: string;
  /** null: every version of the workflow together. */
  version: number | null;
  name: string;
}
export interface TemplateRow extends RunAggregate {
  templateId: string;
  name: string;
}
export interface TypeRow extends RunAggregate {
  workflowType: string;
}
export interface ModelRow extends RunAggregate {
  /** "provider:model", the usage key. */
  model: string;
  modelInputTokens: number;
  modelOutputTokens: number;
  /** The cost the tracker stored with the model's usage (the price when the run ran). */
  storedCost: number;
  /** Tokens of runs whose usage carries no stored cost (older rows): priced at today's list price. */
  unpricedInputTokens: number;
  unpricedOutputTokens: number;
}
export interface FailingRow {
  subject: "workflow" | "template" | "type";
  /** Definition id, template id, or the workflow type. */
  key: string;
  name: string;
  runs: number;
  failures: number;
  commonError: string | null;
  commonErrorCount: number;
  lastFailedAt: Date | null;
}

const FINISHED = sql.raw(`('completed', 'failed', 'cancelled', 'interrupted')`);

/** The aggregate columns over the CTE `runs` (one row per execution). */
const AGGREGATES = sql`
  count(*)::int as runs,
  count(*) filter (where r.status = 'completed')::int as completed,
  count(*) filter (where r.status in ('failed', 'interrupted'))::int as failed,
  count(*) filter (where r.status = 'cancelled')::int as cancelled,
  count(*) filter (where r.status in ('pending', 'running', 'paused'))::int as active,
  percentile_cont(0.5) within group (order by r.execution_time_ms) filter (where r.status in ${FINISHED} and r.execution_time_ms is not null) as p50,
  percentile_cont(0.95) within group (order by r.execution_time_ms) filter (where r.status in ${FINISHED} and r.execution_time_ms is not null) as p95,
  avg(r.execution_time_ms) filter (where r.status in ${FINISHED} and r.execution_time_ms is not null) as avg_ms,
  coalesce(sum(r.input_tokens), 0)::bigint as input_tokens,
  coalesce(sum(r.output_tokens), 0)::bigint as output_tokens,
  coalesce(sum(r.tokens_used), 0)::bigint as tokens,
  coalesce(sum(r.cost), 0)::numeric as cost`;

interface RawAggregate {
  runs: number | string;
  completed: number | string;
  failed: number | string;
  cancelled: number | string;
  active: number | string;
  p50: number | string | null;
  p95: number | string | null;
  avg_ms: number | string | null;
  input_tokens: number | string;
  output_tokens: number | string;
  tokens: number | string;
  cost: number | string;
}

const num = (value: number | string | null | undefined) => (value === null || value === undefined ? 0 : Number(value));
const numOrNull = (value: number | string | null | undefined) => (value === null || value === undefined ? null : Number(value));

function toAggregate(row: RawAggregate): RunAggregate {
  return {
    runs: num(row.runs),
    completed: num(row.completed),
    failed: num(row.failed),
    cancelled: num(row.cancelled),
    active: num(row.active),
    p50DurationMs: numOrNull(row.p50),
    p95DurationMs: numOrNull(row.p95),
    avgDurationMs: numOrNull(row.avg_ms),
    inputTokens: num(row.input_tokens),
    outputTokens: num(row.output_tokens),
    tokens: num(row.tokens),
    cost: num(row.cost),
  };
}

/** The owner's runs in the range, with what they ran (a saved workflow, or a template, or neither). */
function runsCte({ ownerId, from, to }: DashboardRange): SQL {
  return sql`runs as (
    select e.id, e.status, e.workflow_type, e.execution_time_ms, e.input_tokens, e.output_tokens, e.tokens_used,
           e.cost, e.usage_by_model, e.error_message, e.created_at, e.completed_at, e.template_id, e.definition_version,
           case when d.id is not null and not d.is_temporary then d.id end as workflow_id,
           d.name as workflow_name, t.name as template_name
    from workflow_executions e
    left join workflow_definitions d on d.id = e.definition_id and d.owner_id = e.owner_id
    left join workflow_templates t on t.id = e.template_id
    where e.owner_id = ${ownerId}
      and e.created_at >= ${from.toISOString()}::timestamptz
      and e.created_at < ${to.toISOString()}::timestamptz
  )`;
}

export async function getDashboardTotals(range: DashboardRange): Promise<RunAggregate> {
  const db = await getDb();
  const rows = rowsOf<RawAggregate>(await db.execute(sql`with ${runsCte(range)} select ${AGGREGATES} from runs r`));
  return toAggregate(rows[0]!);
}

/** Buckets of `bucketMs` from `from`; empty buckets are absent (the caller fills them). */
export async function getDashboardSeries(range: DashboardRange): Promise<SeriesRow[]> {
  const db = await getDb();
  const bucket = sql`floor((extract(epoch from r.created_at) * 1000 - ${range.from.getTime()}::float8) / ${range.bucketMs}::float8)::int`;
  const rows = rowsOf<RawAggregate & { bucket: number | string }>(
    await db.execute(sql`with ${runsCte(range)} select ${bucket} as bucket, ${AGGREGATES} from runs r group by 1 order by 1`),
  );
  return rows.map((row) => ({ bucket: num(row.bucket), ...toAggregate(row) }));
}

/** Per workflow (version null) and per workflow and version, busiest first. */
export async function getDashboardByWorkflow(range: DashboardRange): Promise<WorkflowRow[]> {
  const db = await getDb();
  const rows = rowsOf<RawAggregate & { workflow_id: string; definition_version: number | string | null; name: string | null; whole: boolean }>(
    await db.execute(sql`
      with ${runsCte(range)}
      select r.workflow_id, r.definition_version, max(r.workflow_name) as name,
             grouping(r.definition_version) = 1 as whole, ${AGGREGATES}
      from runs r
      where r.workflow_id is not null
      group by grouping sets ((r.workflow_id), (r.workflow_id, r.definition_version))
      order by count(*) desc, r.workflow_id, r.definition_version nulls first`),
  );
  return rows.map((row) => ({
    definitionId: row.workflow_id,
    version: row.whole ? null : numOrNull(row.definition_version),
    name: row.name ?? "Deleted workflow",
    ...toAggregate(row),
  }));
}

export async function getDashboardByTemplate(range: DashboardRange): Promise<TemplateRow[]> {
  const db = await getDb();
  const rows = rowsOf<RawAggregate & { template_id: string; name: string | null }>(
    await db.execute(sql`
      with ${runsCte(range)}
      select r.template_id, max(r.template_name) as name, ${AGGREGATES}
      from runs r
      where r.template_id is not null
      group by r.template_id
      order by count(*) desc, r.template_id`),
  );
  return rows.map((row) => ({ templateId: row.template_id, name: row.name ?? "Deleted template", ...toAggregate(row) }));
}

export async function getDashboardByType(range: DashboardRange): Promise<TypeRow[]> {
  const db = await getDb();
  const rows = rowsOf<RawAggregate & { workflow_type: string }>(
    await db.execute(sql`
      with ${runsCte(range)}
      select r.workflow_type, ${AGGREGATES}
      from runs r
      group by r.workflow_type
      order by count(*) desc, r.workflow_type`),
  );
  return rows.map((row) => ({ workflowType: row.workflow_type, ...toAggregate(row) }));
}

/**
 * Per model ("provider:model" keys of usage_by_model): the runs that used it (their whole figures) and the
 * tokens that model itself consumed. A run that used two models counts under both.
 */
export async function getDashboardByModel(range: DashboardRange): Promise<ModelRow[]> {
  const db = await getDb();
  const rows = rowsOf<
    RawAggregate & {
      model: string;
      model_input: number | string;
      model_output: number | string;
      stored_cost: number | string;
      unpriced_input: number | string;
      unpriced_output: number | string;
    }
  >(
    await db.execute(sql`
      with ${runsCte(range)}
      select u.key as model,
             coalesce(sum((u.value ->> 'inputTokens')::bigint), 0)::bigint as model_input,
             coalesce(sum((u.value ->> 'outputTokens')::bigint), 0)::bigint as model_output,
             coalesce(sum((u.value ->> 'cost')::numeric), 0)::numeric as stored_cost,
             coalesce(sum((u.value ->> 'inputTokens')::bigint) filter (where (u.value -> 'cost') is null), 0)::bigint as unpriced_input,
             coalesce(sum((u.value ->> 'outputTokens')::bigint) filter (where (u.value -> 'cost') is null), 0)::bigint as unpriced_output,
             ${AGGREGATES}
      from runs r
      cross join lateral jsonb_each(case when jsonb_typeof(r.usage_by_model) = 'object' then r.usage_by_model else '{}'::jsonb end) u
      group by u.key
      order by count(*) desc, u.key`),
  );
  return rows.map((row) => ({
    model: row.model,
    modelInputTokens: num(row.model_input),
    modelOutputTokens: num(row.model_output),
    storedCost: num(row.stored_cost),
    unpricedInputTokens: num(row.unpriced_input),
    unpricedOutputTokens: num(row.unpriced_output),
    ...toAggregate(row),
  }));
}

/**
 * What fails most: runs grouped by what they ran (saved workflow, else template, else the run type), with
 * their failures (failed + interrupted), the most common error message among them and when the last one
 * failed. Only groups with at least one failure, most failures first.
 */
export async function getDashboardTopFailing(range: DashboardRange & { limit?: number }): Promise<FailingRow[]> {
  const db = await getDb();
  const rows = rowsOf<{
    subject: string;
    key: string;
    name: string | null;
    runs: number | string;
    failures: number | string;
    common_error: string | null;
    common_error_count: number | string;
    last_failed_at: Date | string | null;
  }>(
    await db.execute(sql`
      with ${runsCte(range)},
      subjects as (
        select r.*,
               case when r.workflow_id is not null then 'workflow' when r.template_id is not null then 'template' else 'type' end as subject,
               coalesce(r.workflow_id, r.template_id, r.workflow_type) as key,
               coalesce(r.workflow_name, r.template_name) as name,
               r.status in ('failed', 'interrupted') as is_failure
        from runs r
      ),
      -- Each group's most common error; a tie goes to the one that failed last (what the user met most recently).
      errors as (
        select distinct on (s.subject, s.key) s.subject, s.key, coalesce(s.error_message, '') as error, count(*)::int as n
        from subjects s
        where s.is_failure
        group by s.subject, s.key, coalesce(s.error_message, '')
        order by s.subject, s.key, count(*) desc, max(coalesce(s.completed_at, s.created_at)) desc, coalesce(s.error_message, '')
      )
      select s.subject, s.key, max(s.name) as name, count(*)::int as runs,
             count(*) filter (where s.is_failure)::int as failures,
             e.error as common_error, e.n as common_error_count,
             max(coalesce(s.completed_at, s.created_at)) filter (where s.is_failure) as last_failed_at
      from subjects s
      join errors e on e.subject = s.subject and e.key = s.key
      group by s.subject, s.key, e.error, e.n
      order by failures desc, runs desc, s.key
      limit ${Math.max(1, Math.min(range.limit ?? 5, 50))}`),
  );
  return rows.map((row) => {
    const error = row.common_error ?? "";
    return {
      subject: row.subject as FailingRow["subject"],
      key: row.key,
      name: row.name ?? row.key,
      runs: num(row.runs),
      failures: num(row.failures),
      commonError: error === "" ? null : error,
      commonErrorCount: num(row.common_error_count),
      lastFailedAt: row.last_failed_at === null ? null : new Date(row.last_failed_at),
    };
  });
}
