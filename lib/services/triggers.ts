/**
 * A workflow's triggers as the API sees them: schedules (cron in a time zone, or every N minutes) and
 * webhooks (an unguessable URL, an optional signing secret sealed at rest, a JSONata mapping of the call into
 * the run's input). Every read and write is owner-scoped through the workflow it belongs to. What fires them
 * is lib/triggers (the scheduler, the hook call).
 */
import "server-only";
import crypto from "node:crypto";
import type {
  CreateScheduleBody,
  CreateWebhookBody,
  Schedule,
  SchedulePreview,
  ScheduleTiming,
  UpdateScheduleBody,
  UpdateWebhookBody,
  Webhook,
  WebhookResponse,
} from "@/lib/contracts/triggers";
import { NEXT_RUNS_SHOWN } from "@/lib/contracts/triggers";
import { executionInputSchema } from "@/lib/contracts/execution-request";
import { seal } from "@/lib/credentials/crypto";
import {
  deleteSchedule,
  deleteWebhook,
  getNextScheduledRuns,
  getSchedule,
  getWebhook,
  insertSchedule,
  insertWebhook,
  listSchedules,
  listWebhooks,
  updateSchedule,
  updateWebhook,
} from "@/lib/db/queries/triggers";
import type { WorkflowSchedule, WorkflowWebhook } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { parseExpression } from "@/lib/expressions";
import { describeTiming, nextTick, nextTicks, parseTiming, type Timing } from "@/lib/triggers/schedule-times";
import { requireWorkflow } from "./workflows";

export function scheduleNotFound(): AppError {
  return new AppError("not_found:schedule", "No such schedule.");
}

export function webhookNotFound(): AppError {
  return new AppError("not_found:webhook", "No such webhook.");
}

function timingOf(row: WorkflowSchedule): Timing {
  return { kind: row.kind, cron: row.cron, timezone: row.timezone, intervalMinutes: row.intervalMinutes };
}

// ---------------------------------------------------------------------------------------------------------
// Schedules
// ---------------------------------------------------------------------------------------------------------

export function toSchedule(row: WorkflowSchedule, now = new Date()): Schedule {
  const next = row.enabled && row.nextRunAt ? row.nextRunAt : null;
  const nextRuns = next
    ? [next, ...nextTicks(timingOf(row), next, NEXT_RUNS_SHOWN - 1, row.kind === "interval" ? next : null)]
    : [];
  return {
    id: row.id,
    workflowId: row.definitionId,
    name: row.name,
    kind: row.kind,
    cron: row.cron,
    timezone: row.timezone,
    intervalMinutes: row.intervalMinutes,
    input: executionInputSchema.catch({}).parse(row.input),
    version: row.version,
    enabled: row.enabled,
    missedTicks: row.missedTicks,
    // A tick that is due but not yet claimed shows as now, not in the past.
    nextRunAt: next ? new Date(Math.max(next.getTime(), now.getTime() - 1)).toISOString() : null,
    nextRuns: nextRuns.map((at) => at.toISOString()),
    lastRunAt: row.lastRunAt?.toISOString() ?? null,
    lastExecutionId: row.lastExecutionId,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
  };
}

/** The next times of a timing not saved yet (the form's preview); 422 naming the field when it is wrong. */
export function previewSchedule(body: ScheduleTiming, now = new Date()): SchedulePreview {
  const timing = parseTiming(body);
  return {
    nextRuns: nextTicks(timing, now, NEXT_RUNS_SHOWN).map((at) => at.toISOString()),
    description: describeTiming(timing),
  };
}

function defaultScheduleName(timing: Timing): string {
  return describeTiming(timing).slice(0, 100);
}

/** A version the workflow has (or null: its latest at each run). */
function checkVersion(version: number | null | undefined, latest: number): void {
  if (version !== null && version !== undefined && version > latest) {
    throw new AppError("validation:version", `The workflow has no version ${version} (its latest is ${latest}).`, {
      issues: [{ path: "version", message: `must be at most ${latest}` }],
    });
  }
}

export async function listWorkflowSchedules({ ownerId, workflowId }: { ownerId: string; workflowId: string }) {
  await requireWorkflow({ ownerId, id: workflowId });
  const now = new Date();
  return (await listSchedules({ ownerId, definitionId: workflowId })).map((row) => toSchedule(row, now));
}

export async function createSchedule({
  ownerId,
  workflowId,
  body,
  now = new Date(),
}: {
  ownerId: string;
  workflowId: string;
  body: CreateScheduleBody;
  now?: Date;
}): Promise<Schedule> {
  const workflow = await requireWorkflow({ ownerId, id: workflowId });
  const timing = parseTiming(body);
  checkVersion(body.version, workflow.version);
  const enabled = body.enabled ?? true;
  const row = await insertSchedule({
    ownerId,
    definitionId: workflow.id,
    name: body.name ?? defaultScheduleName(timing),
    ...timing,
    input: body.input ?? {},
    version: body.version ?? null,
    enabled,
    missedTicks: body.missedTicks ?? "skip",
    nextRunAt: enabled ? nextTick(timing, now) : null,
  });
  return toSchedule(row, now);
}

export async function updateWorkflowSchedule({
  ownerId,
  workflowId,
  scheduleId,
  body,
  now = new Date(),
}: {
  ownerId: string;
  workflowId: string;
  scheduleId: string;
  body: UpdateScheduleBody;
  now?: Date;
}): Promise<Schedule> {
  const workflow = await requireWorkflow({ ownerId, id: workflowId });
  const key = { id: scheduleId, ownerId, definitionId: workflow.id };
  const current = await getSchedule(key);
  if (!current) throw scheduleNotFound();
  const merged = { ...timingOf(current), ...stripNulls(body) };
  const timing = parseTiming({
    kind: merged.kind,
    ...(merged.kind === "cron"
      ? { cron: merged.cron ?? undefined }
      : { intervalMinutes: merged.intervalMinutes ?? undefined }),
    timezone: merged.timezone,
  });
  if (body.version !== undefined) checkVersion(body.version, workflow.version);
  const enabled = body.enabled ?? current.enabled;
  const timingChanged = JSON.stringify(timing) !== JSON.stringify(timingOf(current));
  // Paused: no next tick. Resumed or re-timed: the next tick from now (a pause leaves no missed ticks behind).
  const nextRunAt = !enabled
    ? null
    : timingChanged || !current.enabled || !current.nextRunAt
      ? nextTick(timing, now)
      : current.nextRunAt;
  const row = await updateSchedule(key, {
    ...timing,
    ...(body.name !== undefined ? { name: body.name } : {}),
    ...(body.input !== undefined ? { input: body.input } : {}),
    ...(body.version !== undefined ? { version: body.version } : {}),
    ...(body.missedTicks !== undefined ? { missedTicks: body.missedTicks } : {}),
    enabled,
    nextRunAt,
  });
  if (!row) throw scheduleNotFound();
  return toSchedule(row, now);
}

function stripNulls<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export async function deleteWorkflowSchedule({
  ownerId,
  workflowId,
  scheduleId,
}: {
  ownerId: string;
  workflowId: string;
  scheduleId: string;
}): Promise<void> {
  if (!(await deleteSchedule({ id: scheduleId, ownerId, definitionId: workflowId }))) throw scheduleNotFound();
}

/** The earliest next scheduled run of each named workflow (the workflow list's "Next run"). */
export async function nextScheduledRuns({
  ownerId,
  workflowIds,
}: {
  ownerId: string;
  workflowIds: string[];
}): Promise<Record<string, string>> {
  const runs = await getNextScheduledRuns({ ownerId, definitionIds: workflowIds });
  return Object.fromEntries([...runs].map(([id, at]) => [id, at.toISOString()]));
}

// ---------------------------------------------------------------------------------------------------------
// Webhooks
// ---------------------------------------------------------------------------------------------------------

/** 32 random bytes: the URL's unguessable part (256 bits; base64url, 43 characters). */
function newHookToken(): string {
  return crypto.randomBytes(32).toString("base64url");
}

/** A signing secret, shown once: `whsec_` and 32 random bytes in hex. */
function newSigningSecret(): { secret: string; sealed: ReturnType<typeof sealedColumns> } {
  const secret = `whsec_${crypto.randomBytes(32).toString("hex")}`;
  return { secret, sealed: sealedColumns(secret) };
}

function sealedColumns(secret: string) {
  const sealed = seal(secret);
  return {
    secretKeyId: sealed.keyId,
    secretIv: sealed.iv,
    secretAuthTag: sealed.authTag,
    secretCiphertext: sealed.ciphertext,
  };
}

export function hookPath(token: string): string {
  return `/api/hooks/${token}`;
}

export function toWebhook(row: WorkflowWebhook): Webhook {
  return {
    id: row.id,
    workflowId: row.definitionId,
    name: row.name,
    path: hookPath(row.token),
    enabled: row.enabled,
    version: row.version,
    signed: row.secretCiphertext !== null,
    messageExpression: row.messageExpression,
    variablesExpression: row.variablesExpression,
    headers: Array.isArray(row.headers) ? (row.headers as string[]) : [],
    responseMode: row.responseMode,
    waitTimeoutSeconds: row.waitTimeoutSeconds,
    ratePerMinute: row.ratePerMinute,
    lastCalledAt: row.lastCalledAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** A mapping expression that does not parse is a 422 at its field, when saved rather than when called. */
function checkExpression(field: "messageExpression" | "variablesExpression", source: string | null | undefined) {
  if (!source) return;
  const parsed = parseExpression(source);
  if (!parsed.ok) {
    throw new AppError("validation:webhook", `The ${field} is not a valid JSONata expression: ${parsed.message}`, {
      issues: [{ path: field, message: parsed.message }],
    });
  }
}

function webhookSettings(body: UpdateWebhookBody) {
  checkExpression("messageExpression", body.messageExpression);
  checkExpression("variablesExpression", body.variablesExpression);
  return {
    ...(body.name !== undefined ? { name: body.name } : {}),
    ...(body.version !== undefined ? { version: body.version } : {}),
    ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
    ...(body.messageExpression !== undefined ? { messageExpression: body.messageExpression || null } : {}),
    ...(body.variablesExpression !== undefined ? { variablesExpression: body.variablesExpression || null } : {}),
    ...(body.headers !== undefined ? { headers: [...new Set(body.headers)] } : {}),
    ...(body.responseMode !== undefined ? { responseMode: body.responseMode } : {}),
    ...(body.waitTimeoutSeconds !== undefined ? { waitTimeoutSeconds: body.waitTimeoutSeconds } : {}),
    ...(body.ratePerMinute !== undefined ? { ratePerMinute: body.ratePerMinute, rateTokens: null } : {}),
  };
}

export async function listWorkflowWebhooks({ ownerId, workflowId }: { ownerId: string; workflowId: string }) {
  await requireWorkflow({ ownerId, id: workflowId });
  return (await listWebhooks({ ownerId, definitionId: workflowId })).map(toWebhook);
}

export async function createWebhook({
  ownerId,
  workflowId,
  body,
}: {
  ownerId: string;
  workflowId: string;
  body: CreateWebhookBody;
}): Promise<WebhookResponse> {
  const workflow = await requireWorkflow({ ownerId, id: workflowId });
  checkVersion(body.version, workflow.version);
  const { signed, ...settings } = body;
  const signing = signed ? newSigningSecret() : undefined;
  const row = await insertWebhook({
    ownerId,
    definitionId: workflow.id,
    name: body.name ?? "Webhook",
    token: newHookToken(),
    ...webhookSettings(settings),
    ...(signing ? signing.sealed : {}),
  });
  return { webhook: toWebhook(row), ...(signing ? { secret: signing.secret } : {}) };
}

export async function updateWorkflowWebhook({
  ownerId,
  workflowId,
  webhookId,
  body,
}: {
  ownerId: string;
  workflowId: string;
  webhookId: string;
  body: UpdateWebhookBody;
}): Promise<Webhook> {
  const workflow = await requireWorkflow({ ownerId, id: workflowId });
  if (body.version !== undefined) checkVersion(body.version, workflow.version);
  const row = await updateWebhook({ id: webhookId, ownerId, definitionId: workflow.id }, webhookSettings(body));
  if (!row) throw webhookNotFound();
  return toWebhook(row);
}

/** One click: a new URL (the old one stops answering at once) or a new signing secret (shown once). */
export async function rotateWebhook({
  ownerId,
  workflowId,
  webhookId,
  rotate,
}: {
  ownerId: string;
  workflowId: string;
  webhookId: string;
  rotate: "url" | "secret";
}): Promise<WebhookResponse> {
  const key = { id: webhookId, ownerId, definitionId: workflowId };
  if (!(await getWebhook(key))) throw webhookNotFound();
  if (rotate === "url") {
    const row = await updateWebhook(key, { token: newHookToken() });
    if (!row) throw webhookNotFound();
    return { webhook: toWebhook(row) };
  }
  const signing = newSigningSecret();
  const row = await updateWebhook(key, signing.sealed);
  if (!row) throw webhookNotFound();
  return { webhook: toWebhook(row), secret: signing.secret };
}

export async function deleteWorkflowWebhook({
  ownerId,
  workflowId,
  webhookId,
}: {
  ownerId: string;
  workflowId: string;
  webhookId: string;
}): Promise<void> {
  if (!(await deleteWebhook({ id: webhookId, ownerId, definitionId: workflowId }))) throw webhookNotFound();
}
