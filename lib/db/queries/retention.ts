/**
 * Retention: deletes what has outlived its use, in small batches (short transactions, no long locks).
 * Only ever data of runs that are over: a running or paused run keeps its events, its checkpoints (a
 * paused run needs them to resume) and its temporary definition, as does a conversation that answers with one. Execution rows and the analytics
 * counters are never pruned.
 */
import "server-only";
import { sql } from "drizzle-orm";
import { getDb, rowsOf } from "../client";

const OVER = sql.raw(`('completed', 'failed', 'cancelled', 'interrupted')`);
const BATCH = 500;

async function repeatUntilDone(step: () => Promise<number>, maxBatches = 10_000): Promise<number> {
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    const n = await step();
    total += n;
    if (n === 0) break;
  }
  return total;
}

/** Events of runs that ended before `before`. Returns the number of rows deleted. */
export async function deleteExpiredExecutionEvents({ before }: { before: Date }): Promise<number> {
  const db = await getDb();
  return repeatUntilDone(async () => {
    const result = await db.execute(sql`
      with doomed as (
        select e.id from workflow_executions e
        where e.status in ${OVER} and e.completed_at < ${before.toISOString()}::timestamptz
          and exists (select 1 from execution_events ev where ev.execution_id = e.id)
        limit ${BATCH}
      )
      delete from execution_events where execution_id in (select id from doomed)
      returning 1`);
    return rowsOf(result).length;
  });
}

/**
 * LangGraph checkpoints (with their writes and blobs) of threads whose run ended before `before`, and of
 * threads no execution owns whose newest checkpoint is older than that. Returns the threads pruned.
 */
export async function deleteExpiredCheckpoints({ before }: { before: Date }): Promise<number> {
  const db = await getDb();
  const cutoff = sql`${before.toISOString()}::timestamptz`;
  return repeatUntilDone(async () => {
    const threads = rowsOf<{ thread_id: string }>(
      await db.execute(sql`
        select c.thread_id
        from checkpoints c
        left join workflow_executions e on e.id = c.thread_id
        group by c.thread_id, e.id, e.status, e.completed_at
        having (e.id is not null and e.status in ${OVER} and e.completed_at < ${cutoff})
            or (e.id is null and max(c.created_at) < ${cutoff})
        limit ${BATCH}`),
    ).map((r) => r.thread_id);
    if (threads.length === 0) return 0;
    const list = sql.join(
      threads.map((t) => sql`${t}`),
      sql`, `,
    );
    await db.transaction(async (tx) => {
      await tx.execute(sql`delete from checkpoint_writes where thread_id in (${list})`);
      await tx.execute(sql`delete from checkpoint_blobs where thread_id in (${list})`);
      await tx.execute(sql`delete from checkpoints where thread_id in (${list})`);
    });
    return threads.length;
  });
}

/**
 * Temporary definitions (instantiated from a template for one run, or for a conversation to answer with)
 * created before `before` that no running or paused run uses and no conversation answers with. Runs keep the graph they ran (workflow_config) and their template link.
 */
export async function deleteExpiredTemporaryDefinitions({ before }: { before: Date }): Promise<number> {
  const db = await getDb();
  return repeatUntilDone(async () => {
    const result = await db.execute(sql`
      delete from workflow_definitions where id in (
        select d.id from workflow_definitions d
        where d.is_temporary and d.created_at < ${before.toISOString()}::timestamptz
          and not exists (
            select 1 from workflow_executions e
            where e.definition_id = d.id and e.status not in ${OVER}
          )
          -- A conversation that answers with it (a knowledge-base chat) goes on using it.
          and not exists (select 1 from conversations c where c.workflow_id = d.id)
        limit ${BATCH}
      )
      returning 1`);
    return rowsOf(result).length;
  });
}
