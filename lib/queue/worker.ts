/**
 * A queue worker: takes run jobs from pg-boss and runs each through the one `execute` path, at most
 * `concurrency` at a time, recorded by the same database tracker as inline runs.
 *
 * Exactly once. A run's effects (its row's final state, analytics, chat messages, terminal event) are
 * written by the tracker's one finishing statement (atomic), and only while the row is `running` and held by the
 * finishing instance. A job is therefore safe to run again: its execution was created before the job
 * (pending), the retry takes that same row over, continues after its last stored event and from its last
 * checkpoint, and a row that already finished only gets its job completed.
 *
 * Dead workers. A worker's runs stop beating when it dies (SIGKILL, OOM, a lost machine). Every worker
 * looks, every quarter of LATTICE_RUN_TIMEOUT_MS, for running rows silent for half of it whose job is still
 * active: it puts the row back to `pending` and fails the job, so pg-boss retries it per the queue's policy
 * (LATTICE_QUEUE_RETRY_LIMIT, backoff from LATTICE_QUEUE_RETRY_DELAY_SECONDS). That is well before the
 * sweeper's full timeout, which would end the run `interrupted`; a run whose retries are spent is left to
 * the sweeper. Jobs the dead worker had fetched but not yet started (row still pending, job active for as
 * long) are failed back the same way; jobs whose run it finished but did not get to complete are completed.
 *
 * Shutdown (SIGTERM). `stop()` takes no new job, lets running ones finish until the deadline, then hands
 * the rest back to the queue the same way (another worker continues them from their last checkpoint).
 */
import "server-only";
import os from "node:os";
import type PgBoss from "pg-boss";
import { getDbHandle } from "@/lib/db/client";
import { FINISHED_STATUSES, finalizeExecutions } from "@/lib/db/queries/executions";
import {
  executionStatusesOf,
  getQueuedExecutionState,
  listStaleRunningExecutions,
  requeueExecutions,
  WORKER_INSTANCE_PREFIX,
} from "@/lib/db/queries/queue";
import type { ExecutionEvent } from "@/lib/contracts/events";
import { execute, rerunFromStep } from "@/lib/engine/execute";
import type { ExecutionResult } from "@/lib/contracts/execution-result";
import { env } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { heartbeatIntervalFor } from "@/lib/tracking/run-registry";
import { deliverLocally, orphanWrites } from "@/lib/tracking/sweeper";
import { toRunStatusEvent } from "@/lib/tracking/records";
import { EventBus } from "@/lib/tracking/event-bus";
import { WorkflowTracker } from "@/lib/tracking/workflow-tracker";
import { getQueueBoss, jobTable } from "./boss";
import { jobIdOf, RUN_QUEUE, runJobSchema, WAKE_CHANNEL, type RunJob } from "./job";

type Job = PgBoss.JobWithMetadata<unknown>;

/** A worker's instance id: marks the rows it runs as queued work (see WORKER_INSTANCE_PREFIX). */
export function workerInstanceId(): string {
  return `${WORKER_INSTANCE_PREFIX}${os.hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
}

export interface QueueWorkerOptions {
  /** Jobs run at once (LATTICE_WORKER_CONCURRENCY). */
  concurrency?: number;
  /** How often an idle worker looks for jobs that became due (retries, scheduled runs); new jobs wake it at once. */
  pollIntervalMs?: number;
  /** A running row silent this long, with an active job, belongs to a dead worker (default: half the run timeout). */
  staleAfterMs?: number;
  /** How often to look for them (default: a quarter of the run timeout). */
  recoveryIntervalMs?: number;
  tracker?: WorkflowTracker;
  log?: (line: string) => void;
}

export interface WorkerStats {
  /** Jobs whose run ended (completed, failed, cancelled or paused) here. */
  finished: number;
  /** Jobs found already done (an earlier attempt finished, or the run was cancelled while queued). */
  skipped: number;
  /** Jobs handed back for a retry (a failure before the run could end, or shutdown). */
  retried: number;
  /** Runs of dead workers put back in the queue by this one. */
  recovered: number;
  /** Runs that could not start (invalid by the time they ran) and ended failed. */
  rejected: number;
}

const SHUTDOWN_MESSAGE =
  "The worker running this execution shut down; it continues from its last checkpoint on another worker.";
const DEAD_WORKER_MESSAGE =
  "The worker running this execution stopped responding; it continues from its last checkpoint on another worker.";
const FINISHED = new Set(["completed", "failed", "cancelled", "interrupted", "paused"]);

function sleep(ms: number, signal: { wake?: () => void }): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.wake = undefined;
      resolve();
    }
    signal.wake = done;
  });
}

export class QueueWorker {
  readonly stats: WorkerStats = { finished: 0, skipped: 0, retried: 0, recovered: 0, rejected: 0 };
  private readonly concurrency: number;
  private readonly pollIntervalMs: number;
  private readonly staleAfterMs: number;
  private readonly recoveryIntervalMs: number;
  /** The tracker its runs are recorded by (its own bus, registry and event writer). */
  readonly tracker: WorkflowTracker;
  /** It made its tracker (and so closes its bus on stop). */
  private readonly ownsTracker: boolean;
  private readonly log: (line: string) => void;
  /** Jobs being run here, by job id. */
  private readonly inFlight = new Map<string, { job: Job; data: RunJob; done: Promise<void> }>();
  private boss: PgBoss | undefined;
  private loop: Promise<void> | undefined;
  private recoveryTimer: NodeJS.Timeout | undefined;
  private recovering: Promise<void> | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private readonly idle: { wake?: () => void } = {};
  private stopping = false;
  /** The last fetch filled every free slot: there may be more waiting. */
  private maybeMore = true;

  constructor(options: QueueWorkerOptions = {}) {
    const e = env();
    this.concurrency = options.concurrency ?? e.LATTICE_WORKER_CONCURRENCY;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.staleAfterMs = options.staleAfterMs ?? Math.floor(e.LATTICE_RUN_TIMEOUT_MS / 2);
    this.recoveryIntervalMs = options.recoveryIntervalMs ?? heartbeatIntervalFor(e.LATTICE_RUN_TIMEOUT_MS);
    // Its own tracker, under a worker instance id: its runs are told apart from interactive ones (limits).
    this.tracker = options.tracker ?? new WorkflowTracker({ bus: new EventBus({ instanceId: workerInstanceId() }) });
    this.ownsTracker = options.tracker === undefined;
    this.log = options.log ?? ((line) => console.log(`[worker] ${line}`));
  }

  get instanceId(): string {
    return this.tracker.bus.instanceId;
  }

  /** Jobs running here now. */
  get active(): number {
    return this.inFlight.size;
  }

  async start(): Promise<void> {
    if (this.loop) return;
    const handle = await getDbHandle();
    this.boss = await getQueueBoss({ role: "worker", poolSize: Math.min(10, 2 + Math.ceil(this.concurrency / 4)) });
    // Cancels from any instance reach this process's runs through the bus.
    await this.tracker.bus.start();
    this.unlisten = await handle.listen(WAKE_CHANNEL, () => this.poke());
    this.loop = this.run();
    this.recoveryTimer = setInterval(() => void this.recoverNow(), this.recoveryIntervalMs);
    this.recoveryTimer.unref();
  }

  /** Wakes the fetch loop (a job was enqueued, or a slot freed). */
  private poke(): void {
    this.maybeMore = true;
    this.idle.wake?.();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const free = this.concurrency - this.inFlight.size;
      if (free <= 0 || !this.maybeMore) {
        await sleep(this.pollIntervalMs, this.idle);
        this.maybeMore = true;
        continue;
      }
      let jobs: Job[] = [];
      try {
        jobs = await this.boss!.fetch<unknown>(RUN_QUEUE, { batchSize: free, includeMetadata: true });
      } catch (error) {
        console.error("[worker] fetching jobs failed", error);
        await sleep(this.pollIntervalMs, this.idle);
        continue;
      }
      if (this.stopping) {
        // Fetched while stopping: give them straight back (no attempt was made).
        await this.handBack(jobs, "The worker shut down before starting it.");
        break;
      }
      for (const job of jobs) this.dispatch(job);
      this.maybeMore = jobs.length === free;
    }
  }

  private dispatch(job: Job): void {
    const parsed = runJobSchema.safeParse(job.data);
    if (!parsed.success) {
      console.error(`[worker] job ${job.id} is not a run job; failing it`);
      void this.boss!.fail(RUN_QUEUE, job.id, { message: "not a run job" }).catch(() => {});
      return;
    }
    const entry = { job, data: parsed.data, done: Promise.resolve() };
    entry.done = this.handle(job, parsed.data)
      .catch((error: unknown) =>
        console.error(`[worker] job ${job.id} (execution ${parsed.data.executionId}) failed unexpectedly`, error),
      )
      .finally(() => {
        this.inFlight.delete(job.id);
        this.poke();
      });
    this.inFlight.set(job.id, entry);
  }

  /** Runs one job's execution and settles the job with pg-boss. */
  private async handle(job: Job, data: RunJob): Promise<void> {
    // retryCount > 0: an earlier attempt took this job (its worker died or gave it back): continue it.
    const retry = job.retryCount > 0;
    let result: ExecutionResult;
    try {
      result = await this.runExecution(data, retry);
    } catch (error) {
      return this.settleAfterError(job, data, error);
    }
    this.stats.finished += 1;
    await this.boss!.complete(RUN_QUEUE, job.id, { status: result.status });
  }

  private runExecution(data: RunJob, retry: boolean): Promise<ExecutionResult> {
    const pending = { executionId: data.executionId, retry };
    if (data.fromStep && data.rerunOf) {
      return rerunFromStep({
        userId: data.ownerId,
        executionId: data.rerunOf,
        checkpointId: data.fromStep.checkpointId,
        ...(data.fromStep.variables ? { variables: data.fromStep.variables } : {}),
        tracker: this.tracker,
        pending,
      });
    }
    return execute(data.request, {
      userId: data.ownerId,
      tracker: this.tracker,
      pending,
      ...(data.rerunOf ? { rerunOf: data.rerunOf } : {}),
    });
  }

  /**
   * The run did not end through the engine (it could not start, or its tracker could not write): decide by
   * what its row says now.
   */
  private async settleAfterError(job: Job, data: RunJob, error: unknown): Promise<void> {
    const state = await getQueuedExecutionState({ executionId: data.executionId });
    if (!state || FINISHED.has(state.status)) {
      // Done already (an earlier attempt finished it; or cancelled while queued; or its owner is gone).
      this.stats.skipped += 1;
      await this.boss!.complete(RUN_QUEUE, job.id, { status: state?.status ?? "gone" });
      return;
    }
    if (state.status === "pending") {
      const deterministic = isAppError(error) && error.status < 500;
      if (deterministic || job.retryCount >= job.retryLimit) {
        // It cannot start (its workflow became invalid, was deleted…), or it is out of attempts: it ends failed.
        const message = isAppError(error) ? error.message : "The run could not be started.";
        await this.failPending(data, isAppError(error) ? error.code : "internal:queue", message);
        this.stats.rejected += 1;
        await this.boss!.complete(RUN_QUEUE, job.id, { status: "failed", error: message });
        return;
      }
      this.stats.retried += 1;
      await this.boss!.fail(RUN_QUEUE, job.id, { message: describe(error) });
      return;
    }
    // Running.
    if (state.instanceId === this.instanceId) {
      // Started here, then its tracker could not finish it (database trouble): back to the queue.
      await this.requeue([data.executionId], { instanceId: this.instanceId }, describe(error));
      this.stats.retried += 1;
      await this.boss!.fail(RUN_QUEUE, job.id, { message: describe(error) });
      return;
    }
    if (state.heartbeatAgeMs === null || state.heartbeatAgeMs > this.staleAfterMs) {
      // Its worker died holding it (pg-boss redelivered the job): back to the queue, retried by policy.
      await this.requeue([data.executionId], { staleAfterMs: this.staleAfterMs }, DEAD_WORKER_MESSAGE);
      this.stats.retried += 1;
      await this.boss!.fail(RUN_QUEUE, job.id, { message: DEAD_WORKER_MESSAGE });
      return;
    }
    // Alive on another worker (this job was redelivered while it runs): wait for it to end or go silent.
    while (!this.stopping) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(250, Math.floor(this.staleAfterMs / 2))));
      const now = await getQueuedExecutionState({ executionId: data.executionId });
      if (now?.status !== "running" || now.heartbeatAgeMs === null || now.heartbeatAgeMs > this.staleAfterMs) {
        return this.settleAfterError(job, data, error);
      }
    }
    await this.boss!.fail(RUN_QUEUE, job.id, {
      message: "The worker shut down while another worker ran this execution.",
    });
  }

  /** Ends a pending execution that cannot run as failed (its terminal event, counters, a chat's error answer). */
  private async failPending(
    data: Pick<RunJob, "executionId" | "ownerId">,
    code: string,
    message: string,
  ): Promise<void> {
    const bus = this.tracker.bus;
    const published = new Map<string, ExecutionEvent>();
    const rows = await finalizeExecutions({
      from: "pending",
      to: "failed",
      executionId: data.executionId,
      ownerId: data.ownerId,
      errorMessage: message,
      describe: (row, seq) => orphanWrites({ row, seq, status: "failed", error: { code, message }, bus, published }),
    });
    deliverLocally(bus, rows, published);
  }

  /** Puts running executions back to pending (feed told), for their jobs' retries. */
  private async requeue(
    executionIds: string[],
    which: { instanceId?: string; staleAfterMs?: number },
    message: string,
  ): Promise<string[]> {
    const bus = this.tracker.bus;
    const at = new Date();
    const rows = await requeueExecutions({
      executionIds,
      ...which,
      excludeIds: which.instanceId ? [] : this.tracker.registry.ids(),
      errorMessage: message,
      notificationsFor: (row) => [bus.feedNotification(row.ownerId, toRunStatusEvent(row, at))],
    });
    for (const row of rows) bus.publishFeedLocal(row.ownerId, toRunStatusEvent(row, at));
    return rows.map((r) => r.id);
  }

  /** Jobs taken but not started here: failed back to pg-boss (their retry starts them elsewhere). */
  private async handBack(jobs: Job[], message: string): Promise<void> {
    if (jobs.length === 0) return;
    await failJobs(
      this.boss!,
      jobs.map((j) => j.id),
      message,
    ).catch((error: unknown) => console.error("[worker] could not hand jobs back", error));
  }

  /**
   * Finds runs of dead workers (running, silent for `staleAfterMs`, their job still active) and puts them
   * back in the queue for their retry. Runs on every worker; the row's transition makes it happen once.
   */
  recoverNow(): Promise<void> {
    this.recovering ??= this.recover()
      .catch((error: unknown) => console.error("[worker] recovery failed", error))
      .finally(() => {
        this.recovering = undefined;
      });
    return this.recovering;
  }

  private async recover(): Promise<void> {
    if (!this.boss || this.stopping) return;
    await this.recoverUnstarted();
    const mine = new Set([
      ...this.tracker.registry.ids(),
      ...[...this.inFlight.values()].map((e) => e.data.executionId),
    ]);
    const stale = (await listStaleRunningExecutions({ staleAfterMs: this.staleAfterMs, excludeIds: [...mine] })).filter(
      (id) => !mine.has(id),
    );
    if (stale.length === 0) return;
    const jobIds = new Map(stale.map((id) => [jobIdOf(id), id]));
    // Only queued runs (they have a job) whose job can still be retried; inline runs are the sweeper's.
    const { rows } = await this.boss
      .getDb()
      .executeSql(
        `select id, retry_count, retry_limit from ${jobTable()} where name = $1 and id = any($2::uuid[]) and state = 'active'`,
        [RUN_QUEUE, [...jobIds.keys()]],
      );
    const retryable = (rows as Array<{ id: string; retry_count: number; retry_limit: number }>).filter(
      (r) => r.retry_count < r.retry_limit,
    );
    if (retryable.length === 0) return;
    const requeued = new Set(
      await this.requeue(
        retryable.map((r) => jobIds.get(r.id)!),
        { staleAfterMs: this.staleAfterMs },
        DEAD_WORKER_MESSAGE,
      ),
    );
    const failed = retryable.filter((r) => requeued.has(jobIds.get(r.id)!)).map((r) => r.id);
    if (failed.length === 0) return;
    await failJobs(this.boss, failed, DEAD_WORKER_MESSAGE);
    this.stats.recovered += failed.length;
    this.log(`put ${failed.length} run(s) of a dead worker back in the queue`);
  }

  /**
   * Jobs a dead worker had taken but not started: their rows are still `pending` while the jobs stay
   * `active` (a live worker takes its row over within moments of fetching the job). Failed back to pg-boss
   * for their retry; out of attempts, the run ends failed.
   */
  private async recoverUnstarted(): Promise<void> {
    const { rows } = await this.boss!.getDb().executeSql(
      `select id, data->>'executionId' as execution_id, data->>'ownerId' as owner_id, retry_count, retry_limit from ${jobTable()}
       where name = $1 and state = 'active' and started_on < now() - $2::int * interval '1 millisecond'`,
      [RUN_QUEUE, this.staleAfterMs],
    );
    const jobs = (
      rows as Array<{ id: string; execution_id: string; owner_id: string; retry_count: number; retry_limit: number }>
    ).filter((r) => !this.inFlight.has(r.id) && typeof r.execution_id === "string");
    if (jobs.length === 0) return;
    const statuses = await executionStatusesOf({ executionIds: jobs.map((j) => j.execution_id) });
    // A dead worker that finished its run but died before completing the job (or a row that is gone): the
    // job only needs completing — nothing runs again.
    const over = jobs.filter((j) => {
      const status = statuses.get(j.execution_id);
      return status === undefined || (FINISHED_STATUSES as readonly string[]).includes(status);
    });
    for (const job of over)
      await this.boss!.complete(RUN_QUEUE, job.id, { status: statuses.get(job.execution_id) ?? "gone" });
    if (over.length) this.log(`completed ${over.length} job(s) a dead worker had finished the run of`);
    const orphaned = jobs.filter((j) => statuses.get(j.execution_id) === "pending");
    if (orphaned.length === 0) return;
    for (const job of orphaned.filter((j) => j.retry_count >= j.retry_limit)) {
      await this.failPending(
        { executionId: job.execution_id, ownerId: job.owner_id },
        "run:interrupted",
        "The worker that took this run stopped before starting it, and it has no retries left.",
      );
    }
    await failJobs(
      this.boss!,
      orphaned.map((j) => j.id),
      DEAD_WORKER_MESSAGE,
    );
    this.stats.recovered += orphaned.length;
    this.log(`gave ${orphaned.length} run(s) a dead worker had taken but not started back to the queue`);
  }

  /**
   * Graceful stop: no new job; running ones may finish until `deadlineMs`; the rest go back to the queue
   * (their rows pending, their jobs failed for a retry that continues them). Then its listener closes,
   * and the tracker it made writes what it buffered and stops listening (pg-boss is the process's: see
   * stopQueueBoss). Resolves with how many runs finished and how many were handed back.
   */
  async stop({
    deadlineMs = env().LATTICE_SHUTDOWN_DEADLINE_MS,
  }: {
    deadlineMs?: number;
  } = {}): Promise<{ finished: number; handedBack: number }> {
    if (this.stopping) return { finished: 0, handedBack: 0 };
    this.stopping = true;
    this.idle.wake?.();
    clearInterval(this.recoveryTimer);
    await this.loop;
    const running = [...this.inFlight.values()];
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(running.map((e) => e.done)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs))),
    ]);
    clearTimeout(timer);
    const left = [...this.inFlight.values()];
    if (left.length) {
      const requeued = new Set(
        await this.requeue(
          left.map((e) => e.data.executionId),
          { instanceId: this.instanceId },
          SHUTDOWN_MESSAGE,
        ),
      );
      // Runs whose attempts are spent end interrupted rather than wait for a retry that will not come.
      const spent = left.filter((e) => e.job.retryCount >= e.job.retryLimit);
      for (const entry of spent) await this.interrupt(entry.data);
      await this.handBack(
        left.map((e) => e.job),
        SHUTDOWN_MESSAGE,
      );
      this.log(`handed ${left.length} unfinished run(s) back to the queue (${requeued.size} continue elsewhere)`);
    }
    await this.unlisten?.().catch(() => {});
    if (this.ownsTracker) {
      await this.tracker.writer.drain().catch(() => {});
      await this.tracker.bus.close();
    }
    return { finished: running.length - left.length, handedBack: left.length };
  }

  /** A run out of attempts at shutdown ends `interrupted` (pending ones `failed`), counted once. */
  private async interrupt(data: RunJob): Promise<void> {
    const bus = this.tracker.bus;
    const published = new Map<string, ExecutionEvent>();
    const error = {
      code: "run:interrupted",
      message: "The worker running this execution shut down and it has no retries left.",
    };
    for (const from of ["pending", "running"] as const) {
      const rows = await finalizeExecutions({
        from,
        to: from === "pending" ? "failed" : "interrupted",
        executionId: data.executionId,
        ownerId: data.ownerId,
        errorMessage: error.message,
        describe: (row, seq) => orphanWrites({ row, seq, status: "failed", error, bus, published }),
      });
      deliverLocally(bus, rows, published);
    }
  }
}

/**
 * Fails jobs in one statement: each goes to `retry` (pg-boss's policy: delay, backoff) or, out of
 * attempts, to `failed`. (pg-boss takes an id list with output data; its typings only declare one id.)
 */
function failJobs(boss: PgBoss, ids: string[], message: string): Promise<unknown> {
  const fail = boss.fail as unknown as (name: string, ids: string[], data: object) => Promise<unknown>;
  return fail(RUN_QUEUE, ids, { message });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
