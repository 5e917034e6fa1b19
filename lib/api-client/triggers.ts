/**
 * Browser-side calls of a workflow's triggers (/api/workflows/:id/schedules/**, /webhooks/**,
 * /api/schedules/preview). The editor's Triggers panel uses them through components/editor/queries.ts.
 * Client-safe.
 */
import { z } from "zod";
import {
  type CreateScheduleBody,
  type CreateWebhookBody,
  type Schedule,
  type SchedulePreview,
  type ScheduleTiming,
  scheduleListResponseSchema,
  schedulePreviewResponseSchema,
  scheduleResponseSchema,
  type UpdateScheduleBody,
  type UpdateWebhookBody,
  type Webhook,
  webhookListResponseSchema,
  type WebhookResponse,
  webhookResponseSchema,
} from "@/lib/contracts/triggers";
import { fetchJson } from "./fetch-json";

export type { Schedule, SchedulePreview, Webhook, WebhookResponse };

const schedulesUrl = (workflowId: string) => `/api/workflows/${workflowId}/schedules`;
const webhooksUrl = (workflowId: string) => `/api/workflows/${workflowId}/webhooks`;

export async function fetchSchedules(workflowId: string, { signal }: { signal?: AbortSignal } = {}) {
  return (await fetchJson(schedulesUrl(workflowId), { schema: scheduleListResponseSchema, signal })).schedules;
}

export async function createSchedule(workflowId: string, body: CreateScheduleBody): Promise<Schedule> {
  return (await fetchJson(schedulesUrl(workflowId), { method: "POST", body, schema: scheduleResponseSchema })).schedule;
}

export async function updateSchedule(workflowId: string, id: string, body: UpdateScheduleBody): Promise<Schedule> {
  return (
    await fetchJson(`${schedulesUrl(workflowId)}/${id}`, { method: "PATCH", body, schema: scheduleResponseSchema })
  ).schedule;
}

export async function deleteSchedule(workflowId: string, id: string): Promise<void> {
  await fetchJson(`${schedulesUrl(workflowId)}/${id}`, { method: "DELETE", schema: null });
}

export function previewSchedule(
  body: ScheduleTiming,
  { signal }: { signal?: AbortSignal } = {},
): Promise<SchedulePreview> {
  return fetchJson("/api/schedules/preview", { method: "POST", body, schema: schedulePreviewResponseSchema, signal });
}

export async function fetchWebhooks(workflowId: string, { signal }: { signal?: AbortSignal } = {}) {
  return (await fetchJson(webhooksUrl(workflowId), { schema: webhookListResponseSchema, signal })).webhooks;
}

export function createWebhook(workflowId: string, body: CreateWebhookBody): Promise<WebhookResponse> {
  return fetchJson(webhooksUrl(workflowId), { method: "POST", body, schema: webhookResponseSchema });
}

export function rotateWebhook(workflowId: string, id: string, rotate: "url" | "secret"): Promise<WebhookResponse> {
  return fetchJson(`${webhooksUrl(workflowId)}/${id}/rotate`, {
    method: "POST",
    body: { rotate },
    schema: webhookResponseSchema,
  });
}

export async function updateWebhook(workflowId: string, id: string, body: UpdateWebhookBody): Promise<Webhook> {
  return (
    await fetchJson(`${webhooksUrl(workflowId)}/${id}`, {
      method: "PATCH",
      body,
      schema: z.object({ webhook: webhookResponseSchema.shape.webhook }),
    })
  ).webhook;
}

export async function setWebhookEnabled(workflowId: string, id: string, enabled: boolean): Promise<Webhook> {
  return (
    await fetchJson(`${webhooksUrl(workflowId)}/${id}`, {
      method: "PATCH",
      body: { enabled },
      schema: z.object({ webhook: webhookResponseSchema.shape.webhook }),
    })
  ).webhook;
}

export async function deleteWebhook(workflowId: string, id: string): Promise<void> {
  await fetchJson(`${webhooksUrl(workflowId)}/${id}`, { method: "DELETE", schema: null });
}
