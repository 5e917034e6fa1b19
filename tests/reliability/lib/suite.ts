/**
 * What every suite uses: the shared server's address and database, workflow definitions to run, the SQL
 * reads that check what the server stored, and the check that no response leaks the server's internals.
 */
import { expect, inject } from "vitest";
import type postgres from "postgres";

export function suiteServer() {
  return inject("reliability");
}

type Node = {
  id: string;
  type: string;
  position: { x: number; y: number };
  data: { label?: string; config: Record<string, unknown> };
};
export const node = (id: string, type: string, config: Record<string, unknown> = {}, label?: string): Node => ({
  id,
  type,
  position: { x: 0, y: 0 },
  data: { ...(label ? { label } : {}), config },
});
export const edge = (source: string, target: string, sourceHandle?: string) => ({
  id: `${source}-${sourceHandle ?? "out"}-${target}`,
  source,
  target,
  ...(sourceHandle ? { sourceHandle } : {}),
});
export const graph = (nodes: Node[], edges: ReturnType<typeof edge>[]) => ({ nodes, edges, metadata: {} });

/** start → model → end with the given model config (default: the instant local echo). */
export function modelGraph(
  config: Record<string, unknown> = { provider: "local", model: "echo" },
  labels: { model?: string } = {},
) {
  return graph(
    [node("start", "start"), node("model", "model", config, labels.model), node("end", "end")],
    [edge("start", "model"), edge("model", "end")],
  );
}

/** A run that streams for a while: the local `slow` model, `latencyMs` between ~110 tokens. */
export const slowGraph = (latencyMs = 30) => modelGraph({ provider: "local", model: "slow", latencyMs });

/** start → human approval → end (approved / rejected). */
export function approvalGraph() {
  return graph(
    [
      node("start", "start"),
      node("review", "human", { mode: "approval", question: "Ship it?", variable: "ok" }),
      node("yes", "end", { outputTemplate: "shipped" }),
      node("no", "end", { outputTemplate: "held back" }),
    ],
    [edge("start", "review"), edge("review", "yes", "approved"), edge("review", "no", "rejected")],
  );
}

const LEAK_PATTERNS: RegExp[] = [
  /\n\s+at\s/,
  /\bat\s+[\w$.<>]+\s+\(/,
  /\bselect\b[\s\S]{0,200}\bfrom\b\s+"?\w+"?/i,
  /\binsert\s+into\b/i,
  /duplicate key|violates .* constraint|syntax error at|relation "/i,
  /node_modules|\.next\/server|\.ts:\d+/,
];

/** A response body that says nothing about the server's internals (stack frames, SQL, file paths). */
export function expectNoLeak(text: string, where: string): void {
  for (const pattern of LEAK_PATTERNS) expect(text, `${where} leaks ${pattern}`).not.toMatch(pattern);
}

/** An error answer has the API's shape: `{ error: { code: "type:surface", message } }`. */
export function expectErrorShape(json: unknown, where: string): void {
  const error = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  expect(error?.code, `${where}: error code`).toMatch(/^[a-z_]+:[a-z_]+$/);
  expect(typeof error?.message, `${where}: error message`).toBe("string");
}

/**
 * Executions of an owner whose stored events are not seq 1..n without gaps or overlaps ending with one
 * terminal event (none: every run's record is whole).
 */
export async function executionsWithBrokenEvents(
  sql: postgres.Sql,
  ownerId: string,
): Promise<Array<{ id: string; problem: string }>> {
  return sql<Array<{ id: string; problem: string }>>`
    with spans as (
      select e.id, ev.seq, coalesce(ev.seq_end, ev.seq) as last, ev.type,
             lag(coalesce(ev.seq_end, ev.seq)) over (partition by e.id order by ev.seq) as previous_last,
             row_number() over (partition by e.id order by ev.seq desc) as from_end
      from workflow_executions e join execution_events ev on ev.execution_id = e.id
      where e.owner_id = ${ownerId} and e.status in ('completed', 'failed', 'cancelled')
    )
    select id, 'gap or overlap at ' || seq as problem from spans where seq <> coalesce(previous_last, 0) + 1
    union all
    select id, 'ends with ' || type from spans where from_end = 1 and type not in ('run_completed', 'run_failed', 'run_cancelled')
    union all
    select e.id, 'no events' from workflow_executions e
    where e.owner_id = ${ownerId} and e.status in ('completed', 'failed', 'cancelled')
      and not exists (select 1 from execution_events ev where ev.execution_id = e.id)`;
}

/** The owner's template and definition counters as stored, next to the same figures counted from the runs. */
export async function analyticsAgainstRows(sql: postgres.Sql, ownerId: string) {
  const templates = await sql`
    with counted as (
      select template_id, count(*)::int as total, count(*) filter (where status = 'completed')::int as ok,
             count(*) filter (where status in ('failed', 'interrupted'))::int as failed, coalesce(sum(tokens_used), 0)::int as tokens
      from workflow_executions
      where owner_id = ${ownerId} and template_id is not null and status not in ('running', 'paused', 'pending')
      group by template_id)
    select coalesce(a.template_id, c.template_id) as id, a.total_executions as stored_total, c.total as counted_total,
           a.successful_executions as stored_ok, c.ok as counted_ok, a.failed_executions as stored_failed, c.failed as counted_failed,
           a.total_tokens_used::int as stored_tokens, c.tokens as counted_tokens
    from (select * from template_analytics where owner_id = ${ownerId}) a full join counted c on c.template_id = a.template_id`;
  return { templates: [...templates] };
}

export function expectCountersEqual(rows: Array<Record<string, unknown>>, label: string): void {
  for (const row of rows) {
    for (const field of ["total", "ok", "failed", "tokens"]) {
      expect(row[`stored_${field}`] ?? 0, `${label} ${String(row.id)} ${field}`).toBe(row[`counted_${field}`] ?? 0);
    }
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function eventually<T>(
  probe: () => Promise<T | undefined | false>,
  { timeoutMs = 15_000, intervalMs = 100, what = "condition" } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}
