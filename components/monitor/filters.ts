/**
 * The executions list's filters as the URL carries them (`/executions?status=failed&type=TEMPLATE&range=7d`),
 * so a filtered view can be reloaded, shared and navigated back to. Parsed leniently: an unknown value is
 * dropped, never an error page. Client-safe: the server page and the client list read the same URL.
 */
import { isId } from "@/lib/contracts/common";
import { EXECUTION_RECORD_STATUSES, WORKFLOW_TYPES, type ExecutionRecordStatus } from "@/lib/contracts/executions";
import { TRIGGER_TYPES, type TriggerType } from "@/lib/contracts/execution-request";
import { DASHBOARD_RANGES, DEFAULT_RANGE, isRangeKey, type DashboardRangeKey } from "@/lib/contracts/dashboard";

export type WorkflowTypeName = (typeof WORKFLOW_TYPES)[number];

export interface ExecutionFilters {
  status: ExecutionRecordStatus[];
  type: WorkflowTypeName | null;
  /** What started the runs (schedule, webhook…). */
  trigger: TriggerType | null;
  workflowId: string | null;
  templateId: string | null;
  /** "provider:model" */
  model: string | null;
  range: DashboardRangeKey;
}

export const NO_FILTERS: ExecutionFilters = {
  status: [],
  type: null,
  trigger: null,
  workflowId: null,
  templateId: null,
  model: null,
  range: DEFAULT_RANGE,
};

type SearchParamsLike = URLSearchParams | Record<string, string | string[] | undefined>;

function all(params: SearchParamsLike, key: string): string[] {
  if (params instanceof URLSearchParams) return params.getAll(key);
  const value = params[key];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

const MODEL = /^[^:\s]+:\S{1,190}$/;

export function parseFilters(params: SearchParamsLike): ExecutionFilters {
  const statuses = all(params, "status")
    .flatMap((v) => v.split(","))
    .filter((v): v is ExecutionRecordStatus => (EXECUTION_RECORD_STATUSES as readonly string[]).includes(v));
  const type = all(params, "type")[0];
  const trigger = all(params, "trigger")[0];
  const workflowId = all(params, "workflow")[0];
  const templateId = all(params, "template")[0];
  const model = all(params, "model")[0];
  const range = all(params, "range")[0];
  return {
    status: [...new Set(statuses)].sort(),
    type: type && (WORKFLOW_TYPES as readonly string[]).includes(type) ? (type as WorkflowTypeName) : null,
    trigger: trigger && (TRIGGER_TYPES as readonly string[]).includes(trigger) ? (trigger as TriggerType) : null,
    workflowId: isId(workflowId) ? workflowId : null,
    templateId: isId(templateId) ? templateId : null,
    model: model && MODEL.test(model) ? model : null,
    range: isRangeKey(range) ? range : DEFAULT_RANGE,
  };
}

/** The page's query string for these filters (defaults left out, so the plain URL is the default view). */
export function filtersToSearch(filters: ExecutionFilters): string {
  const params = new URLSearchParams();
  for (const status of filters.status) params.append("status", status);
  if (filters.type) params.set("type", filters.type);
  if (filters.trigger) params.set("trigger", filters.trigger);
  if (filters.workflowId) params.set("workflow", filters.workflowId);
  if (filters.templateId) params.set("template", filters.templateId);
  if (filters.model) params.set("model", filters.model);
  if (filters.range !== DEFAULT_RANGE) params.set("range", filters.range);
  const text = params.toString();
  return text ? `?${text}` : "";
}

export function hasListFilters(filters: ExecutionFilters): boolean {
  return (
    filters.status.length > 0 ||
    !!filters.type ||
    !!filters.trigger ||
    !!filters.workflowId ||
    !!filters.templateId ||
    !!filters.model
  );
}

/** GET /api/executions for one page of these filters; the time range ends now. */
export function executionsApiUrl(
  filters: ExecutionFilters,
  cursor: string | null,
  { limit = 25, now = Date.now() } = {},
): string {
  const params = new URLSearchParams();
  for (const status of filters.status) params.append("status", status);
  if (filters.type) params.set("type", filters.type);
  if (filters.trigger) params.set("trigger", filters.trigger);
  if (filters.workflowId) params.set("workflowId", filters.workflowId);
  if (filters.templateId) params.set("templateId", filters.templateId);
  if (filters.model) params.set("model", filters.model);
  params.set("from", new Date(now - DASHBOARD_RANGES[filters.range].ms).toISOString());
  params.set("limit", String(limit));
  if (cursor) params.set("cursor", cursor);
  return `/api/executions?${params.toString()}`;
}

/**
 * Whether a run with these fields belongs in the filtered list — for runs the live feed announces. The
 * model filter cannot be checked from a feed event (a run's models are known when it ends): `null`.
 */
export function matchesFilters(
  run: {
    status: string;
    workflowType: string;
    trigger?: string;
    definitionId: string | null;
    templateId: string | null;
    createdAt: string | null;
  },
  filters: ExecutionFilters,
  now = Date.now(),
): boolean | null {
  if (filters.status.length && !(filters.status as string[]).includes(run.status)) return false;
  if (filters.type && run.workflowType !== filters.type) return false;
  if (filters.trigger && run.trigger !== filters.trigger) return false;
  if (filters.workflowId && run.definitionId !== filters.workflowId) return false;
  if (filters.templateId && run.templateId !== filters.templateId) return false;
  if (run.createdAt && new Date(run.createdAt).getTime() < now - DASHBOARD_RANGES[filters.range].ms) return false;
  if (filters.model) return null;
  return true;
}
