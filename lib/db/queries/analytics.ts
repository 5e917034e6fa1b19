/**
 * Analytics over the owner's execution rows, computed in SQL: the one query layer behind both the monitor
 * dashboard (lib/monitor/dashboard.ts) and the REST analytics (lib/tracking/analytics.ts). Each caller
 * derives what it shows (its failure count, success rate, rounding) from the rows returned here.
 *
 * Definitions used everywhere:
 * - A run belongs to a time range by `created_at` (when it was asked for), in [from, to): a run still
 *   pending — queued, not started, no `started_at` yet — is a run of that time too, and a run never moves
 *   between ranges when it starts or finishes.
 * - Counts are per status (pending, running, paused, completed, failed, cancelled, interrupted): an
 *   interrupted run is counted as such, what counts as a failure or as active is the caller's;
 *   finished = completed + failed + cancelled + interrupted; the success rate leaves cancelled runs out
 *   (lib/contracts/success-rate.ts: completed / (completed + failed + interrupted)).
 * - Durations (average, p50/p95 by PostgreSQL's interpolating percentile_cont) are over finished runs.
 * - Tokens and cost are the rows' own columns; a model's own share comes from `usage_by_model`. A row holds
 *   only what its own run spent — a child run's usage (subworkflow node, run_workflow tool) is on the child's
 *   row, never folded into its parent's — so every sum here counts each token once (docs/architecture.md,
 *   "Child runs"). Child runs are runs: they count in the run figures of what they ran.
 * - Temporary definitions (a template's per-run copy) count under their template, not as workflows.
 * - In the failing list a failure is a failed or interrupted run (a cancel is the user's choice).
 *
 * Apart from these, listTemplateUsage reads the all-time counters the tracker stores (template_analytics),
 * which outlive pruned runs: the templates gallery's "used N times".
 */
import "server-only";
import { eq, sql, type SQL } from "drizzle-orm";
import { getDb, rowsOf } from "../client";
import { templateAnalytics } from "../schema";

export interface AnalyticsRange {
  ownerId: string;
  from: Date;
  to: Date;
  /** Only runs started this way (a TRIGGER_TYPES value). */
  trigger?: string;
}

/** The figures every group shares. */
export interface RunAggregate {
  runs: number;
  pending: number;
  running: number;
  paused: number;
  completed: number;
  failed: number;
  cancelled: number;
  interrupted: number;
  avgDurationMs: number | null;
  p50DurationMs: number | null;
  p95DurationMs: number | null;
  inputTokens: number;
  outputTokens: number;
  tokens: number;
  /** US dollars. */
  cost: number;
}

/** No runs at all (an empty bucket, an owner without runs). */
export const NO_RUNS: RunAggregate = {
  runs: 0,
  pending: 0,
  running: 0,
  paused: 0,
  completed: 0,
  failed: 0,
  cancelled: 0,
  interrupted: 0,
  avgDurationMs: null,
  p50DurationMs: null,
  p95DurationMs: null,
  inputTokens: 0,
  outputTokens: 0,
  tokens: 0,
  cost: 0,
};

const FINISHED = sql.raw(`('completed', 'failed', 'cancelled', 'interrupted')`);

/** The aggregate columns of RunAggregate over the CTE `runs` (one row per execution, aliased `r`). */
const AGGREGATES = sql`
  count(*)::int as runs,
  count(*) filter (where r.status = 'pending')::int as pending,
  count(*) filter (where r.status = 'running')::int as running,
  count(*) filter (where r.status = 'paused')::int as paused,
  count(*) filter (where r.status = 'completed')::int as completed,
  count(*) filter (where r.status = 'failed')::int as failed,
  count(*) filter (where r.status = 'cancelled')::int as cancelled,
  count(*) filter (where r.status = 'interrupted')::int as interrupted,
  avg(r.execution_time_ms) filter (where r.status in ${FINISHED}) as avg_ms,
  percentile_cont(0.5) within group (order by r.execution_time_ms) filter (where r.status in ${FINISHED}) as p50,
  percentile_cont(0.95) within group (order by r.execution_time_ms) filter (where r.status in ${FINISHED}) as p95,
  coalesce(sum(r.input_tokens), 0)::bigint as input_tokens,
  coalesce(sum(r.output_tokens), 0)::bigint as output_tokens,
  coalesce(sum(r.tokens_used), 0)::bigint as tokens,
  coalesce(sum(r.cost), 0)::numeric as cost`;

type Numeric = number | string | null | undefined;
type RawAggregate = Record<
  "runs" | "pending" | "running" | "paused" | "completed" | "failed" | "cancelled" | "interrupted",
  number | string
> &
  Record<"avg_ms" | "p50" | "p95", Numeric> &
  Record<"input_tokens" | "output_tokens" | "tokens" | "cost", number | string>;

const num = (value: Numeric) => (value === null || value === undefined ? 0 : Number(value));
const numOrNull = (value: Numeric) => (value === null || value === undefined ? null : Number(value));

function toAggregate(row: RawAggregate): RunAggregate {
  return {
    runs: num(row.runs),
    pending: num(row.pending),
    running: num(row.running),
    paused: num(row.paused),
    completed: num(row.completed),
    failed: num(row.failed),
    cancelled: num(row.cancelled),
    interrupted: num(row.interrupted),
    avgDurationMs: numOrNull(row.avg_ms),
    p50DurationMs: numOrNull(row.p50),
    p95DurationMs: numOrNull(row.p95),
    inputTokens: num(row.input_tokens),
    outputTokens: num(row.output_tokens),
    tokens: num(row.tokens),
    cost: num(row.cost),
  };
}

/** Time series buckets: `widthMs` wide, counted from `originMs` (0: aligned to UTC hours and days). */
export interface Buckets {
  originMs: number;
  widthMs: number;
}

/**
 * The owner's runs created in the range, with what they ran (a saved workflow, else a template, else
 * neither) and, with `buckets`, the index of their time bucket.
 */
function runsCte({ ownerId, from, to, trigger }: AnalyticsRange, buckets?: Buckets): SQL {
  const bucket = buckets
    ? sql`floor((extract(epoch from e.created_at) * 1000 - ${buckets.originMs}::numeric) / ${buckets.widthMs}::numeric)::bigint`
    : sql`null::bigint`;
  return sql`runs as (
    select e.status, e.workflow_type, e.trigger_type, e.execution_time_ms, e.input_tokens, e.output_tokens, e.tokens_used, e.cost,
           e.usage_by_model, e.error_message, e.created_at, e.completed_at, e.template_id, e.definition_version,
           ${bucket} as bucket,
           case when not d.is_temporary then d.id end as workflow_id,
           case when not d.is_temporary then d.name end as workflow_name,
           t.name as template_name, t.is_builtin as template_is_builtin
    from workflow_executions e
    left join workflow_definitions d on d.id = e.definition_id and d.owner_id = e.owner_id
    left join workflow_templates t on t.id = e.template_id
    where e.owner_id = ${ownerId}
      and e.created_at >= ${from.toISOString()}::timestamptz
      and e.created_at < ${to.toISOString()}::timestamptz
      ${trigger ? sql`and e.trigger_type = ${trigger}` : sql``}
  )`;
}

/**
 * The groups getRunAggregates can compute in its one statement: the total, per time bucket, per saved
 * workflow (all versions), per workflow and version, per template, per run type.
 */
export type AggregateGroup = "total" | "bucket" | "workflow" | "version" | "template" | "type" | "trigger";

type GroupColumn = "bucket" | "workflow_id" | "definition_version" | "template_id" | "workflow_type" | "trigger_type";
const GROUP_COLUMNS: Record<AggregateGroup, readonly GroupColumn[]> = {
  total: [],
  bucket: ["bucket"],
  workflow: ["workflow_id"],
  version: ["workflow_id", "definition_version"],
  template: ["template_id"],
  type: ["workflow_type"],
  trigger: ["trigger_type"],
};
/** Every group column in the order rows are sorted by (after the busiest first). */
const COLUMN_ORDER: readonly GroupColumn[] = [
  "bucket",
  "workflow_id",
  "definition_version",
  "template_id",
  "workflow_type",
  "trigger_type",
];

export interface RunAggregates {
  /** NO_RUNS unless "total" was asked for. */
  total: RunAggregate;
  /** Oldest first; buckets without runs are absent. */
  series: Array<RunAggregate & { bucketStart: Date }>;
  workflows: Array<RunAggregate & { definitionId: string; name: string }>;
  versions: Array<RunAggregate & { definitionId: string; name: string; version: number | null }>;
  templates: Array<RunAggregate & { templateId: string; name: string; isBuiltin: boolean }>;
  types: Array<RunAggregate & { workflowType: string }>;
  /** Per trigger (manual, api, chat, schedule, webhook…). */
  triggers: Array<RunAggregate & { trigger: string }>;
}

type RawGroupRow = RawAggregate &
  Partial<Record<GroupColumn, string | number | null>> & {
    grouping_mask: number | string;
    workflow_name: string | null;
    template_name: string | null;
    template_is_builtin: boolean | null;
  };

/**
 * The asked-for groups, all in one statement (grouping sets); each list busiest first, then by its key.
 * Runs without a workflow (or template) are in no workflow (template) group. `buckets` is needed for "bucket".
 */
export async function getRunAggregates(
  range: AnalyticsRange & { groups: readonly AggregateGroup[]; buckets?: Buckets },
): Promise<RunAggregates> {
  const groups = [...new Set(range.groups)];
  if (groups.includes("bucket") && !range.buckets) throw new Error("getRunAggregates: a series needs buckets");
  const result: RunAggregates = {
    total: NO_RUNS,
    series: [],
    workflows: [],
    versions: [],
    templates: [],
    types: [],
    triggers: [],
  };
  if (groups.length === 0) return result;

  // grouping(c1, …, cn) is a bit mask, c1 the highest bit, of the columns a row is NOT grouped by: it names the group.
  const columns = COLUMN_ORDER.filter((column) => groups.some((group) => GROUP_COLUMNS[group].includes(column)));
  const maskOf = (group: AggregateGroup) =>
    columns.reduce(
      (mask, column, i) => (GROUP_COLUMNS[group].includes(column) ? mask : mask | (1 << (columns.length - 1 - i))),
      0,
    );
  const groupOfMask = new Map(groups.map((group) => [maskOf(group), group]));
  const col = (column: GroupColumn) => sql`r.${sql.identifier(column)}`;
  const mask = columns.length ? sql`grouping(${sql.join(columns.map(col), sql`, `)})` : sql`0`;
  const sets = sql.join(
    groups.map((group) => sql`(${sql.join(GROUP_COLUMNS[group].map(col), sql`, `)})`),
    sql`, `,
  );
  const order = columns.map((column) =>
    column === "definition_version" ? sql`${col(column)} nulls first` : col(column),
  );

  const db = await getDb();
  const rows = rowsOf<RawGroupRow>(
    await db.execute(sql`
      with ${runsCte(range, range.buckets)}
      select ${sql.join([sql`${mask} as grouping_mask`, ...columns.map(col)], sql`, `)},
             max(r.workflow_name) as workflow_name, max(r.template_name) as template_name,
             bool_or(r.template_is_builtin) as template_is_builtin, ${AGGREGATES}
      from runs r
      group by grouping sets (${sets})
      order by ${sql.join([sql`count(*) desc`, ...order], sql`, `)}`),
  );

  for (const row of rows) {
    const aggregate = toAggregate(row);
    const workflowId = row.workflow_id === null || row.workflow_id === undefined ? null : String(row.workflow_id);
    const templateId = row.template_id === null || row.template_id === undefined ? null : String(row.template_id);
    switch (groupOfMask.get(num(row.grouping_mask))) {
      case "total":
        result.total = aggregate;
        break;
      case "bucket":
        result.series.push({
          bucketStart: new Date(range.buckets!.originMs + num(row.bucket) * range.buckets!.widthMs),
          ...aggregate,
        });
        break;
      case "workflow":
        if (workflowId)
          result.workflows.push({
            definitionId: workflowId,
            name: row.workflow_name ?? "Deleted workflow",
            ...aggregate,
          });
        break;
      case "version":
        if (workflowId)
          result.versions.push({
            definitionId: workflowId,
            name: row.workflow_name ?? "Deleted workflow",
            version: numOrNull(row.definition_version),
            ...aggregate,
          });
        break;
      case "template":
        if (templateId)
          result.templates.push({
            templateId,
            name: row.template_name ?? "Deleted template",
            isBuiltin: Boolean(row.template_is_builtin),
            ...aggregate,
          });
        break;
      case "type":
        result.types.push({ workflowType: String(row.workflow_type), ...aggregate });
        break;
      case "trigger":
        result.triggers.push({ trigger: String(row.trigger_type), ...aggregate });
        break;
    }
  }
  result.series.sort((a, b) => a.bucketStart.getTime() - b.bucketStart.getTime());
  return result;
}

export interface ModelAggregate extends RunAggregate {
  /** "provider:model", the usage key. */
  model: string;
  /** Tokens this model itself used (the run figures are of every run that used it). */
  modelInputTokens: number;
  modelOutputTokens: number;
  /** The cost the tracker stored with the model's usage (the price when the run ran). */
  storedCost: number;
  /** Tokens of runs whose usage carries no stored cost (older rows): for the caller to price. */
  unpricedInputTokens: number;
  unpricedOutputTokens: number;
}

/**
 * Per model ("provider:model" keys of usage_by_model), busiest first: the runs that used it (their whole
 * figures) and what that model itself consumed. A run that used two models counts under both.
 */
export async function getModelAggregates(range: AnalyticsRange): Promise<ModelAggregate[]> {
  const db = await getDb();
  const rows = rowsOf<
    RawAggregate &
      Record<"model", string> &
      Record<"model_input" | "model_output" | "stored_cost" | "unpriced_input" | "unpriced_output", number | string>
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

export interface FailingRow {
  subject: "workflow" | "template" | "type";
  /** Definition id, template id, or the workflow type. */
  key: string;
  name: string;
  /** The run type most of its failures had. */
  workflowType: string;
  runs: number;
  /** Failed and interrupted runs. */
  failures: number;
  /** The most common error message among the failures (null: none given), and how many had it. */
  commonError: string | null;
  commonErrorCount: number;
  lastFailedAt: Date | null;
}

/**
 * What fails most: runs grouped by what they ran (saved workflow, else template, else the run type), with
 * their failures (failed + interrupted), the most common error message among them and when the last one
 * failed. Only groups with at least one failure: most failures first, then most runs.
 */
export async function getTopFailing(range: AnalyticsRange & { limit?: number }): Promise<FailingRow[]> {
  const db = await getDb();
  const rows = rowsOf<
    Record<"subject" | "key" | "workflow_type", string> &
      Record<"runs" | "failures" | "common_error_count", number | string> & {
        name: string | null;
        common_error: string | null;
        last_failed_at: Date | string | null;
      }
  >(
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
             mode() within group (order by s.workflow_type) filter (where s.is_failure) as workflow_type,
             count(*) filter (where s.is_failure)::int as failures,
             e.error as common_error, e.n as common_error_count,
             max(coalesce(s.completed_at, s.created_at)) filter (where s.is_failure) as last_failed_at
      from subjects s
      join errors e on e.subject = s.subject and e.key = s.key
      group by s.subject, s.key, e.error, e.n
      order by failures desc, runs desc, s.key
      limit ${Math.max(1, Math.min(range.limit ?? 10, 100))}`),
  );
  return rows.map((row) => {
    const error = row.common_error ?? "";
    return {
      subject: row.subject as FailingRow["subject"],
      key: row.key,
      name: row.name ?? row.key,
      workflowType: row.workflow_type,
      runs: num(row.runs),
      failures: num(row.failures),
      commonError: error === "" ? null : error,
      commonErrorCount: num(row.common_error_count),
      lastFailedAt: row.last_failed_at === null ? null : new Date(row.last_failed_at),
    };
  });
}

/** A template's all-time use by one owner, from the counters the tracker keeps (they survive run pruning). */
export interface TemplateUsage {
  templateId: string;
  /** Finished runs (a paused one is not counted until it ends). */
  runs: number;
  completed: number;
  /** Failed and interrupted runs (a cancel is neither a success nor a failure). */
  failed: number;
  lastUsedAt: Date | null;
}

/** The owner's stored usage per template (only templates they have run), most recently used first. */
export async function listTemplateUsage({ ownerId }: { ownerId: string }): Promise<TemplateUsage[]> {
  const db = await getDb();
  return db
    .select({
      templateId: templateAnalytics.templateId,
      runs: templateAnalytics.totalExecutions,
      completed: templateAnalytics.successfulExecutions,
      failed: templateAnalytics.failedExecutions,
      lastUsedAt: templateAnalytics.lastUsedAt,
    })
    .from(templateAnalytics)
    .where(eq(templateAnalytics.ownerId, ownerId))
    .orderBy(sql`${templateAnalytics.lastUsedAt} desc nulls last`, templateAnalytics.templateId);
}

/**
 * What the child runs of a top-level run (subworkflow nodes, the run_workflow tool, and theirs) used, per
 * model, from their own rows: a resumed run counts it against its budgets. A top-level run's correlation id
 * is its own id and its descendants carry it (re-runs get their own); `since` (the run's creation) keeps the
 * read on the owner's recent rows.
 */
export async function getChildRunsUsage({
  ownerId,
  executionId,
  since,
}: {
  ownerId: string;
  executionId: string;
  since: Date;
}): Promise<Record<string, { inputTokens: number; outputTokens: number }>> {
  const db = await getDb();
  const rows = rowsOf<{ model: string; input_tokens: number | string; output_tokens: number | string }>(
    await db.execute(sql`
      select u.key as model,
             coalesce(sum((u.value ->> 'inputTokens')::bigint), 0)::bigint as input_tokens,
             coalesce(sum((u.value ->> 'outputTokens')::bigint), 0)::bigint as output_tokens
      from workflow_executions e
      cross join lateral jsonb_each(case when jsonb_typeof(e.usage_by_model) = 'object' then e.usage_by_model else '{}'::jsonb end) u
      where e.owner_id = ${ownerId} and e.created_at >= ${since.toISOString()}::timestamptz
        and e.correlation_id = ${executionId} and e.id <> ${executionId}
      group by u.key`),
  );
  const usage: Record<string, { inputTokens: number; outputTokens: number }> = {};
  for (const row of rows)
    usage[row.model] = { inputTokens: num(row.input_tokens), outputTokens: num(row.output_tokens) };
  return usage;
}
