/**
 * Schedules: created through the API with their next five times; the scheduler (given a clock, no minute
 * waits) fires each tick exactly once however many instances scan at once — inline on both databases, and
 * through the job queue with two workers on PostgreSQL — as runs of the workflow tagged `schedule` + the
 * schedule's id with the schedule's input; a paused schedule does not fire; a missed tick is skipped or run
 * once; a deleted workflow's schedules are gone.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as createWorkflow } from "@/app/api/workflows/route";
import { DELETE as deleteWorkflow } from "@/app/api/workflows/[id]/route";
import { GET as listSchedulesRoute, POST as createScheduleRoute } from "@/app/api/workflows/[id]/schedules/route";
import { PATCH as patchScheduleRoute } from "@/app/api/workflows/[id]/schedules/[scheduleId]/route";
import { POST as previewRoute } from "@/app/api/schedules/preview/route";
import { scheduleResponseSchema, type Schedule } from "@/lib/contracts/triggers";
import { resetEnvCache } from "@/lib/env";
import { jobTable, stopQueueBoss } from "@/lib/queue/boss";
import { QueueWorker } from "@/lib/queue/worker";
import { getEventBus } from "@/lib/tracking/event-bus";
import { runDueSchedules } from "@/lib/triggers/scheduler";
import { call, echoDefinition, newActor, type Actor } from "../api/rest-fixtures";
import { query, waitFor } from "../tracking/helpers";

const onPostgres = Boolean(process.env.DATABASE_URL);

async function newWorkflow(actor: Actor): Promise<string> {
  const response = await call(createWorkflow, "/api/workflows", {
    method: "POST",
    body: echoDefinition("Nightly"),
    auth: actor,
  });
  expect(response.status, response.text).toBe(201);
  return response.json.workflow.id as string;
}

async function newSchedule(actor: Actor, workflowId: string, body: Record<string, unknown>): Promise<Schedule> {
  const response = await call(createScheduleRoute, `/api/workflows/${workflowId}/schedules`, {
    method: "POST",
    body,
    auth: actor,
    params: { id: workflowId },
  });
  expect(response.status, response.text).toBe(201);
  return scheduleResponseSchema.parse(response.json).schedule;
}

interface RunRow {
  id: string;
  status: string;
  trigger_type: string;
  trigger_id: string | null;
  input_data: { message?: string; variables?: Record<string, unknown> };
}

async function runsOf(scheduleId: string): Promise<RunRow[]> {
  return query<RunRow>(
    sql`select id, status, trigger_type, trigger_id, input_data from workflow_executions where trigger_id = ${scheduleId} order by id`,
  );
}

async function scheduleRow(id: string) {
  const [row] = await query<{ next_run_at: Date | string | null; last_error: string | null }>(
    sql`select next_run_at, last_error from workflow_schedules where id = ${id}`,
  );
  return row;
}

/** Two instances scanning at the same moment. */
function scanTwice(now: Date) {
  return Promise.all([runDueSchedules({ now }), runDueSchedules({ now })]);
}

const minutes = (n: number) => n * 60_000;

async function allFinished(ids: string[]) {
  await waitFor(async () => {
    const rows = await query<{ status: string }>(
      sql`select status from workflow_executions where id in (${sql.join(
        ids.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    );
    return rows.length === ids.length && rows.every((r) => !["pending", "running"].includes(r.status));
  });
}

describe("schedules through the API", () => {
  it("shows the next five times, in the schedule's time zone, and previews a timing before it is saved", async () => {
    const actor = await newActor();
    const workflowId = await newWorkflow(actor);
    const every = await newSchedule(actor, workflowId, { kind: "interval", intervalMinutes: 15 });
    expect(every.name).toBe("Every 15 minutes");
    expect(every.nextRuns).toHaveLength(5);
    const gaps = every.nextRuns.slice(1).map((at, i) => Date.parse(at) - Date.parse(every.nextRuns[i]!));
    expect(gaps).toEqual([minutes(15), minutes(15), minutes(15), minutes(15)]);

    const weekdays = await newSchedule(actor, workflowId, {
      kind: "cron",
      cron: "30 9 * * 1-5",
      timezone: "Asia/Kolkata",
      input: { message: "good morning" },
    });
    expect(weekdays.nextRuns).toHaveLength(5);
    for (const at of weekdays.nextRuns) {
      const local = new Intl.DateTimeFormat("en-GB", {
        timeZone: "Asia/Kolkata",
        weekday: "short",
        hour: "2-digit",
        minute: "2-digit",
        hour12: false,
      }).format(new Date(at));
      expect(local).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 09:30$/);
    }
    const listed = await call(listSchedulesRoute, `/api/workflows/${workflowId}/schedules`, {
      auth: actor,
      params: { id: workflowId },
    });
    expect(listed.json.schedules.map((s: Schedule) => s.id)).toEqual([every.id, weekdays.id]);

    const preview = await call(previewRoute, "/api/schedules/preview", {
      method: "POST",
      body: { kind: "cron", cron: "0 0 1 1 *", timezone: "UTC" },
      auth: actor,
    });
    expect(preview.status, preview.text).toBe(200);
    expect(preview.json.nextRuns).toHaveLength(5);
    expect(preview.json.nextRuns.every((at: string) => at.endsWith("-01-01T00:00:00.000Z"))).toBe(true);

    for (const [body, path] of [
      [{ kind: "cron", cron: "61 * * * *" }, "cron"],
      [{ kind: "cron", cron: "* * * *" }, "cron"],
      [{ kind: "cron", cron: "* * * * *", timezone: "Mars/Olympus" }, "timezone"],
      [{ kind: "interval" }, "intervalMinutes"],
    ] as const) {
      const bad = await call(previewRoute, "/api/schedules/preview", { method: "POST", body, auth: actor });
      expect(bad.status, bad.text).toBe(422);
      expect(bad.json.error.issues[0].path).toBe(path);
    }
  });

  it("is the owner's: another user's workflow and schedules answer 404", async () => {
    const owner = await newActor();
    const other = await newActor();
    const workflowId = await newWorkflow(owner);
    const schedule = await newSchedule(owner, workflowId, { kind: "interval", intervalMinutes: 5 });
    const create = await call(createScheduleRoute, `/api/workflows/${workflowId}/schedules`, {
      method: "POST",
      body: { kind: "interval", intervalMinutes: 5 },
      auth: other,
      params: { id: workflowId },
    });
    expect(create.status).toBe(404);
    const patch = await call(patchScheduleRoute, "/api/workflows/x/schedules/y", {
      method: "PATCH",
      body: { enabled: false },
      auth: other,
      params: { id: workflowId, scheduleId: schedule.id },
    });
    expect(patch.status).toBe(404);
  });
});

describe("the scheduler (inline runs)", () => {
  it("fires an every-minute schedule exactly once per tick with two instances scanning; a paused one does not fire", async () => {
    const actor = await newActor();
    const workflowId = await newWorkflow(actor);
    const schedule = await newSchedule(actor, workflowId, {
      kind: "interval",
      intervalMinutes: 1,
      input: { message: "tick", variables: { source: "cron" } },
    });
    const paused = await newSchedule(actor, workflowId, { kind: "interval", intervalMinutes: 1, enabled: false });
    expect(paused.nextRuns).toEqual([]);

    const first = Date.parse(schedule.nextRunAt!);
    const started: string[] = [];
    for (let tick = 0; tick < 3; tick++) {
      const now = new Date(first + minutes(tick) + 1_000);
      const scans = await scanTwice(now);
      started.push(...scans.flatMap((scan) => scan.started));
      // A second look at the same moment finds nothing due.
      expect((await runDueSchedules({ now })).started).toEqual([]);
    }
    const runs = await runsOf(schedule.id);
    expect(runs.map((run) => run.id).sort()).toEqual([...new Set(started)].sort());
    expect(runs).toHaveLength(3);
    await allFinished(started);
    for (const run of await runsOf(schedule.id)) {
      expect(run).toMatchObject({ status: "completed", trigger_type: "schedule", trigger_id: schedule.id });
      expect(run.input_data).toEqual({ message: "tick", variables: { source: "cron" } });
    }
    expect(await runsOf(paused.id)).toEqual([]);
    const next = await scheduleRow(schedule.id);
    expect(new Date(next!.next_run_at!).getTime()).toBe(first + minutes(3));
  });

  it("skips a missed tick or runs it once, per the schedule's setting; pausing and resuming leaves none behind", async () => {
    const actor = await newActor();
    const workflowId = await newWorkflow(actor);
    const skip = await newSchedule(actor, workflowId, { kind: "interval", intervalMinutes: 1, missedTicks: "skip" });
    const once = await newSchedule(actor, workflowId, {
      kind: "interval",
      intervalMinutes: 1,
      missedTicks: "run_once",
    });
    // Everything was down for ten minutes.
    const later = new Date(Date.parse(skip.nextRunAt!) + minutes(10) + 1_000);
    const scan = await runDueSchedules({ now: later });
    await allFinished(scan.started);
    expect(await runsOf(skip.id)).toHaveLength(0);
    expect(await runsOf(once.id)).toHaveLength(1);
    // Both move to their first tick after now: the missed ones are not run one by one.
    for (const id of [skip.id, once.id]) {
      const row = await scheduleRow(id);
      expect(new Date(row!.next_run_at!).getTime()).toBeGreaterThan(later.getTime());
      expect(new Date(row!.next_run_at!).getTime()).toBeLessThanOrEqual(later.getTime() + minutes(1));
    }
    const patch = await call(patchScheduleRoute, "/api/workflows/x/schedules/y", {
      method: "PATCH",
      body: { enabled: false },
      auth: actor,
      params: { id: workflowId, scheduleId: once.id },
    });
    expect(patch.status, patch.text).toBe(200);
    expect(patch.json.schedule).toMatchObject({ enabled: false, nextRunAt: null, nextRuns: [] });
    const resumed = await call(patchScheduleRoute, "/api/workflows/x/schedules/y", {
      method: "PATCH",
      body: { enabled: true },
      auth: actor,
      params: { id: workflowId, scheduleId: once.id },
    });
    expect(Date.parse(resumed.json.schedule.nextRunAt)).toBeGreaterThan(Date.now());
  });

  it("records why a tick started no run (the workflow cannot run), and the tick is spent", async () => {
    const actor = await newActor();
    const workflowId = await newWorkflow(actor);
    const schedule = await newSchedule(actor, workflowId, { kind: "interval", intervalMinutes: 1 });
    // Its graph broken behind the editor's back: the run is refused by validation.
    await query(sql`update workflow_definitions set nodes = '[]'::jsonb, edges = '[]'::jsonb where id = ${workflowId}`);
    const now = new Date(Date.parse(schedule.nextRunAt!) + 1_000);
    const scans = await scanTwice(now);
    expect(scans.reduce((n, scan) => n + scan.failed, 0)).toBeGreaterThanOrEqual(1);
    expect(await runsOf(schedule.id)).toEqual([]);
    expect((await scheduleRow(schedule.id))?.last_error).toMatch(/valid/i);
    expect((await runDueSchedules({ now })).failed).toBe(0);
  });

  it("deleting the workflow deletes its schedules", async () => {
    const actor = await newActor();
    const workflowId = await newWorkflow(actor);
    const schedule = await newSchedule(actor, workflowId, { kind: "interval", intervalMinutes: 1 });
    const deleted = await call(deleteWorkflow, `/api/workflows/${workflowId}`, {
      method: "DELETE",
      auth: actor,
      params: { id: workflowId },
    });
    expect(deleted.status, deleted.text).toBe(204);
    expect(await scheduleRow(schedule.id)).toBeUndefined();
    const scan = await runDueSchedules({ now: new Date(Date.parse(schedule.nextRunAt!) + 1_000) });
    expect(scan.started).toEqual([]);
  });
});

describe.skipIf(!onPostgres)("the scheduler in queue mode (PostgreSQL, two workers)", () => {
  const saved = process.env.LATTICE_RUN_MODE;
  const workers: QueueWorker[] = [];

  beforeAll(async () => {
    process.env.LATTICE_RUN_MODE = "queue";
    resetEnvCache();
    await getEventBus().start();
    for (let i = 0; i < 2; i++) {
      const worker = new QueueWorker({ concurrency: 2, pollIntervalMs: 100, log: () => {} });
      await worker.start();
      workers.push(worker);
    }
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop({ deadlineMs: 5_000 })));
    await stopQueueBoss();
    if (saved === undefined) delete process.env.LATTICE_RUN_MODE;
    else process.env.LATTICE_RUN_MODE = saved;
    resetEnvCache();
  });

  it("queues one run per tick (claim, row and job in one transaction), which one of the workers runs", async () => {
    const actor = await newActor();
    const workflowId = await newWorkflow(actor);
    const schedule = await newSchedule(actor, workflowId, {
      kind: "interval",
      intervalMinutes: 1,
      input: { message: "q" },
    });
    const first = Date.parse(schedule.nextRunAt!);
    for (let tick = 0; tick < 3; tick++) await scanTwice(new Date(first + minutes(tick) + 1_000));
    const runs = await runsOf(schedule.id);
    expect(runs).toHaveLength(3);
    await allFinished(runs.map((run) => run.id));
    for (const run of await runsOf(schedule.id)) {
      expect(run).toMatchObject({ status: "completed", trigger_type: "schedule", trigger_id: schedule.id });
    }
    const [jobs] = await query<{ count: number | string }>(
      sql`select count(*) as count from ${sql.raw(jobTable())} where data->'request'->'trigger'->>'id' = ${schedule.id}`,
    );
    expect(Number(jobs?.count)).toBe(3);
  });
});
