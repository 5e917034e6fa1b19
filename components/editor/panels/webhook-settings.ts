/**
 * The Triggers panel's webhook form as data: what the form holds (all text, as typed), the request body it
 * makes, and the message for each field that is wrong — checked before anything is sent (the same contract
 * the API checks with, plus sentences a person can act on) and, for what only the server knows (a version
 * the workflow does not have), mapped back from the API's 422 issues. Client-safe, no React.
 */
import {
  createWebhookBodySchema,
  MAX_WAIT_SECONDS,
  type UpdateWebhookBody,
  updateWebhookBodySchema,
  type Webhook,
} from "@/lib/contracts/triggers";
import { parseExpression } from "@/lib/expressions";

export interface WebhookDraft {
  name: string;
  /** "" is the latest version at each call; else a version number. */
  version: string;
  messageExpression: string;
  variablesExpression: string;
  /** Header names, separated by commas or spaces. */
  headers: string;
  signed: boolean;
  responseMode: "async" | "wait";
  waitTimeoutSeconds: string;
  ratePerMinute: string;
}

export type WebhookField = keyof WebhookDraft;
export type WebhookErrors = Partial<Record<WebhookField | "form", string>>;

/** The server's defaults for a new hook. */
export const NEW_WEBHOOK: WebhookDraft = {
  name: "",
  version: "",
  messageExpression: "",
  variablesExpression: "",
  headers: "",
  signed: false,
  responseMode: "async",
  waitTimeoutSeconds: "30",
  ratePerMinute: "60",
};

export const MAX_RATE_PER_MINUTE = 600;
export const MAX_HEADERS = 20;

export function draftOf(hook: Webhook): WebhookDraft {
  return {
    name: hook.name,
    version: hook.version === null ? "" : String(hook.version),
    messageExpression: hook.messageExpression ?? "",
    variablesExpression: hook.variablesExpression ?? "",
    headers: hook.headers.join(", "),
    signed: hook.signed,
    responseMode: hook.responseMode,
    waitTimeoutSeconds: String(hook.waitTimeoutSeconds),
    ratePerMinute: String(hook.ratePerMinute),
  };
}

function wholeNumber(text: string, min: number, max: number, say: string): number | string {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (!trimmed || !Number.isInteger(value) || value < min || value > max) return say;
  return value;
}

function expression(text: string): string | null | { error: string } {
  if (!text.trim()) return null;
  const parsed = parseExpression(text);
  return parsed.ok ? text.trim() : { error: `Not valid JSONata: ${parsed.message} (at character ${parsed.position})` };
}

const FIELDS = new Set<string>(Object.keys(NEW_WEBHOOK));

/** Maps issues (from zod or the API's 422) to the form's fields; the rest go to `form`. */
export function errorsOf(issues: ReadonlyArray<{ path: string | ReadonlyArray<PropertyKey>; message: string }>) {
  const errors: WebhookErrors = {};
  for (const issue of issues) {
    const path = typeof issue.path === "string" ? issue.path.split(".") : issue.path.map(String);
    const field = path[0];
    const key = (field && FIELDS.has(field) ? field : "form") as WebhookField | "form";
    errors[key] ??= field && key === "form" ? `${field}: ${issue.message}` : issue.message;
  }
  return errors;
}

/**
 * The body to create (or, with `update`, to save) a hook from the form, or the message of each field that is
 * wrong. Every setting is sent, so the saved hook is what the form shows.
 */
export function webhookBody(
  draft: WebhookDraft,
  { update = false }: { update?: boolean } = {},
): { ok: true; body: UpdateWebhookBody & { signed?: boolean } } | { ok: false; errors: WebhookErrors } {
  const errors: WebhookErrors = {};
  const message = expression(draft.messageExpression);
  if (message && typeof message === "object") errors.messageExpression = message.error;
  const variables = expression(draft.variablesExpression);
  if (variables && typeof variables === "object") errors.variablesExpression = variables.error;
  const wait = wholeNumber(
    draft.waitTimeoutSeconds,
    1,
    MAX_WAIT_SECONDS,
    `Wait between 1 and ${MAX_WAIT_SECONDS} seconds (a whole number).`,
  );
  if (typeof wait === "string") errors.waitTimeoutSeconds = wait;
  const rate = wholeNumber(
    draft.ratePerMinute,
    1,
    MAX_RATE_PER_MINUTE,
    `Allow between 1 and ${MAX_RATE_PER_MINUTE} calls a minute (a whole number).`,
  );
  if (typeof rate === "string") errors.ratePerMinute = rate;
  const version = draft.version ? Number(draft.version) : null;
  const headers = [
    ...new Set(
      draft.headers
        .split(/[\s,]+/)
        .map((name) => name.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
  if (headers.length > MAX_HEADERS) errors.headers = `Pick at most ${MAX_HEADERS} headers (${headers.length} given).`;

  const body = {
    ...(draft.name.trim() || update ? { name: draft.name.trim() } : {}),
    version,
    messageExpression: typeof message === "string" ? message : null,
    variablesExpression: typeof variables === "string" ? variables : null,
    headers,
    responseMode: draft.responseMode,
    ...(typeof wait === "number" ? { waitTimeoutSeconds: wait } : {}),
    ...(typeof rate === "number" ? { ratePerMinute: rate } : {}),
    ...(update ? {} : { signed: draft.signed }),
  };
  // The API's own contract for the rest (the name, each header name), with its messages.
  const parsed = (update ? updateWebhookBodySchema : createWebhookBodySchema).safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [field, index] = issue.path;
      if (field === "headers" && typeof index === "number") {
        errors.headers ??= `"${headers[index]}" ${issue.message}.`;
      } else if (field === "name") {
        errors.name ??= `The name ${issue.message}.`;
      } else {
        Object.assign(errors, { ...errorsOf([{ path: issue.path, message: issue.message }]), ...errors });
      }
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, body };
}
