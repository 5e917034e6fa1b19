/**
 * Crons are workflow schedules (lib/triggers): POST /runs/crons makes a cron schedule of the assistant's
 * workflow with the run's input, in a time zone; search, count, update (schedule, time zone, input,
 * enabled) and delete act on the caller's schedules, whichever way they were made. A scheduled run is a
 * Lattice run of its own (trigger `schedule`), not a run on a thread: thread crons are refused.
 */
import "server-only";
import type { z } from "zod";
import { findOwnedSchedule, listOwnedSchedules } from "@/lib/db/queries/langgraph";
import type { WorkflowSchedule } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { createSchedule, deleteWorkflowSchedule, toSchedule, updateWorkflowSchedule } from "@/lib/services/triggers";
import { resolveAssistant } from "./assistants";
import { notFound } from "./http";
import { readInput } from "./runs";
import type { cronCreateSchema, cronPatchSchema, cronSearchSchema } from "./schemas";

function toCron(row: WorkflowSchedule) {
  const schedule = toSchedule(row);
  return {
    cron_id: row.id,
    assistant_id: row.definitionId,
    thread_id: null,
    on_run_completed: "keep",
    end_time: null,
    schedule: row.kind === "cron" ? row.cron : `every ${row.intervalMinutes} minutes`,
    timezone: row.timezone,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    payload: { input: schedule.input },
    user_id: row.ownerId,
    next_run_date: schedule.nextRunAt,
    metadata: { lattice_schedule_name: row.name },
    enabled: row.enabled,
  };
}

/** A LangGraph run input as a schedule's input: the human message and the variables. */
function scheduleInput(input: unknown) {
  const { message, variables } = readInput(input);
  return {
    ...(message !== undefined ? { message } : {}),
    ...(Object.keys(variables).length ? { variables } : {}),
  };
}

export async function createCron(ownerId: string, body: z.infer<typeof cronCreateSchema>) {
  const target = await resolveAssistant(ownerId, body.assistant_id);
  if (target.kind !== "workflow")
    throw new AppError(
      "validation:body",
      "Invalid body: assistant_id: only a saved workflow can be scheduled (create an assistant from the template first)",
    );
  const schedule = await createSchedule({
    ownerId,
    workflowId: target.id,
    body: {
      kind: "cron",
      cron: body.schedule,
      ...(body.timezone ? { timezone: body.timezone } : {}),
      input: scheduleInput(body.input),
      ...(body.enabled !== undefined && body.enabled !== null ? { enabled: body.enabled } : {}),
    },
  });
  return toCron((await findOwnedSchedule({ id: schedule.id, ownerId }))!);
}

async function requireCron(ownerId: string, cronId: string): Promise<WorkflowSchedule> {
  const row = await findOwnedSchedule({ id: cronId, ownerId });
  if (!row) throw notFound(`Cron '${cronId}'`);
  return row;
}

export async function updateCron(ownerId: string, cronId: string, body: z.infer<typeof cronPatchSchema>) {
  const row = await requireCron(ownerId, cronId);
  await updateWorkflowSchedule({
    ownerId,
    workflowId: row.definitionId,
    scheduleId: row.id,
    body: {
      ...(body.schedule ? { kind: "cron" as const, cron: body.schedule } : {}),
      ...(body.timezone ? { timezone: body.timezone } : {}),
      ...(body.input !== undefined ? { input: scheduleInput(body.input) } : {}),
      ...(body.enabled !== undefined && body.enabled !== null ? { enabled: body.enabled } : {}),
    },
  });
  return toCron(await requireCron(ownerId, cronId));
}

export async function deleteCron(ownerId: string, cronId: string): Promise<void> {
  const row = await requireCron(ownerId, cronId);
  await deleteWorkflowSchedule({ ownerId, workflowId: row.definitionId, scheduleId: row.id });
}

async function matching(ownerId: string, query: z.infer<typeof cronSearchSchema>) {
  if (query.thread_id) return [];
  const definitionId = query.assistant_id ? (await resolveAssistant(ownerId, query.assistant_id)).id : undefined;
  const rows = await listOwnedSchedules({ ownerId, ...(definitionId ? { definitionId } : {}) });
  return rows.filter((row) => query.enabled === undefined || query.enabled === null || row.enabled === query.enabled);
}

export async function searchCrons(ownerId: string, query: z.infer<typeof cronSearchSchema>) {
  const offset = query.offset ?? 0;
  return (await matching(ownerId, query)).slice(offset, offset + (query.limit ?? 10)).map(toCron);
}

export async function countCrons(ownerId: string, query: z.infer<typeof cronSearchSchema>) {
  return (await matching(ownerId, query)).length;
}
