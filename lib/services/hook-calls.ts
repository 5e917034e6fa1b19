/**
 * A call to a webhook's public URL (POST /api/hooks/:token). No session: the token in the URL names the
 * hook, and the hook names its owner and workflow — nothing in the request can reach another workflow or
 * user. In order, each refusal before anything runs: unknown or disabled hook 404 (the same answer: nothing
 * learned about which tokens exist), a body that is not declared JSON 415, too large 413, a signed hook's
 * missing, malformed, stale, wrong or replayed signature 401, a body that is not JSON 400, over the hook's
 * rate 429, a mapping that fails 422. Then the run starts as the owner's, tagged `webhook` + the hook's id.
 *
 * Signature: `X-Lattice-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, as
 * Stripe and Slack sign theirs: the timestamp is inside the signed text (it cannot be changed without the
 * secret), must be within SIGNATURE_WINDOW_SECONDS of the server's clock, and a signature accepted once is
 * refused for the rest of that window (webhook_deliveries). Compared in constant time.
 */
import "server-only";
import crypto from "node:crypto";
import { isTerminalEvent } from "@/lib/contracts/events";
import { MAX_MESSAGE_LENGTH, type ExecutionInput } from "@/lib/contracts/execution-request";
import {
  HOOK_MAX_BODY_BYTES,
  type HookResponse,
  SIGNATURE_HEADER,
  SIGNATURE_WINDOW_SECONDS,
} from "@/lib/contracts/triggers";
import { unseal } from "@/lib/credentials/crypto";
import { getWebhookByToken, recordWebhookDelivery, spendWebhookCall } from "@/lib/db/queries/triggers";
import type { WorkflowWebhook } from "@/lib/db/schema";
import { AppError, isAppError } from "@/lib/errors";
import { evaluateExpression } from "@/lib/expressions";
import { parseJsonBytes, readBodyBytes } from "@/lib/http";
import { getEventBus } from "@/lib/tracking/event-bus";
import { startTriggeredRun } from "./trigger-runs";

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

function noSuchHook(): AppError {
  return new AppError("not_found:hook", "No such hook.");
}

function badSignature(message: string): AppError {
  return new AppError("unauthorized:signature", message);
}

/** The hook a token names, if it exists and is enabled (404 otherwise, without a query for a malformed one). */
async function requireHook(token: string): Promise<WorkflowWebhook> {
  if (!TOKEN.test(token)) throw noSuchHook();
  const hook = await getWebhookByToken({ token });
  if (!hook?.enabled) throw noSuchHook();
  return hook;
}

function assertJsonContentType(contentType: string | null): void {
  const type = contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === "application/json" || /^application\/[\w.+-]+\+json$/.test(type)) return;
  throw new AppError(
    "unsupported_media_type:hook",
    "A hook takes a JSON body: send it with Content-Type: application/json.",
  );
}

/** The HMAC of a signed call, as hex. */
export function signHookBody(secret: string, timestamp: number, body: Uint8Array | string): string {
  return crypto
    .createHmac("sha256", secret)
    .update(`${timestamp}.`)
    .update(typeof body === "string" ? body : Buffer.from(body))
    .digest("hex");
}

/** The `X-Lattice-Signature` value for a body (what a sender computes; the tests and docs use it). */
export function hookSignatureHeader(secret: string, body: Uint8Array | string, now = new Date()): string {
  const t = Math.floor(now.getTime() / 1000);
  return `t=${t},v1=${signHookBody(secret, t, body)}`;
}

/** Checks a signed call's header against its raw body; the accepted signature (to record) and its timestamp. */
function verifySignature(
  header: string | null,
  body: Uint8Array,
  secret: string,
  now: Date,
): { signature: string; timestamp: number } {
  if (!header) throw badSignature(`This hook requires a ${SIGNATURE_HEADER} header.`);
  const parts = new Map<string, string[]>();
  for (const part of header.split(",")) {
    const [key, value] = part.trim().split("=", 2);
    if (key && value) parts.set(key, [...(parts.get(key) ?? []), value]);
  }
  const t = parts.get("t")?.[0];
  const candidates = (parts.get("v1") ?? []).filter((v) => /^[0-9a-f]{64}$/i.test(v));
  if (!t || !/^\d{1,12}$/.test(t) || candidates.length === 0) {
    throw badSignature(`The ${SIGNATURE_HEADER} header must be t=<unix seconds>,v1=<hex HMAC-SHA256>.`);
  }
  const timestamp = Number(t);
  if (Math.abs(now.getTime() / 1000 - timestamp) > SIGNATURE_WINDOW_SECONDS) {
    throw badSignature(`The signature's timestamp is more than ${SIGNATURE_WINDOW_SECONDS} seconds from now.`);
  }
  const expected = Buffer.from(signHookBody(secret, timestamp, body), "hex");
  // Several v1 values are allowed (a sender in the middle of a secret rotation signs with both).
  const match = candidates.find((candidate) => crypto.timingSafeEqual(Buffer.from(candidate, "hex"), expected));
  if (!match) throw badSignature("The signature does not match the body.");
  return { signature: match.toLowerCase(), timestamp };
}

function hookSecret(hook: WorkflowWebhook): string | null {
  if (!hook.secretCiphertext || !hook.secretIv || !hook.secretAuthTag || !hook.secretKeyId) return null;
  return unseal({
    keyId: hook.secretKeyId,
    iv: hook.secretIv,
    authTag: hook.secretAuthTag,
    ciphertext: hook.secretCiphertext,
  });
}

function mappingFailed(field: string, message: string): AppError {
  return new AppError("validation:hook_mapping", `The hook's ${field} mapping failed: ${message}`, {
    issues: [{ path: field, message }],
  });
}

async function evaluate(field: string, source: string, scope: unknown): Promise<unknown> {
  try {
    return await evaluateExpression(source, scope);
  } catch (error) {
    throw mappingFailed(field, error instanceof Error ? error.message : "it could not be evaluated");
  }
}

/**
 * The run's input from the call: the message (the mapping's result, as text; by default body.message when it
 * is text, else the body as JSON) and the variables (the mapping's object; by default { body, headers }).
 * `headers` holds only the request headers the hook lists.
 */
export async function mapHookInput(
  hook: Pick<WorkflowWebhook, "messageExpression" | "variablesExpression" | "headers">,
  body: unknown,
  requestHeaders: Headers,
): Promise<ExecutionInput> {
  const chosen = Array.isArray(hook.headers) ? (hook.headers as string[]) : [];
  const headers = Object.fromEntries(
    chosen.flatMap((name) => {
      const value = requestHeaders.get(name);
      return value === null ? [] : [[name, value]];
    }),
  );
  const scope = { body, headers };
  const rawMessage = hook.messageExpression
    ? await evaluate("message", hook.messageExpression, scope)
    : body && typeof body === "object" && typeof (body as { message?: unknown }).message === "string"
      ? (body as { message: string }).message
      : JSON.stringify(body);
  const message =
    rawMessage === undefined || rawMessage === null
      ? undefined
      : typeof rawMessage === "string"
        ? rawMessage
        : JSON.stringify(rawMessage);
  if (message !== undefined && message.length > MAX_MESSAGE_LENGTH) {
    throw mappingFailed("message", `the message is longer than ${MAX_MESSAGE_LENGTH} characters`);
  }
  const variables = hook.variablesExpression ? await evaluate("variables", hook.variablesExpression, scope) : scope;
  if (variables !== undefined && (variables === null || typeof variables !== "object" || Array.isArray(variables))) {
    throw mappingFailed("variables", "the variables mapping must give an object");
  }
  return {
    ...(message !== undefined ? { message } : {}),
    ...(variables ? { variables: variables as Record<string, unknown> } : {}),
  };
}

/**
 * The start's own refusals, worded for a caller who is not the workflow's owner: no validation details of
 * the owner's graph, no limits' figures.
 */
function callerSafe(error: unknown): unknown {
  if (!isAppError(error)) return error;
  if (error.status === 429) {
    return new AppError("rate_limit:hook", "Too many runs right now; try again later.", {
      ...(error.options.retryAfterSeconds ? { retryAfterSeconds: error.options.retryAfterSeconds } : {}),
    });
  }
  if (error.status === 503) return error;
  return new AppError(
    "conflict:hook_workflow",
    "The workflow this hook runs cannot run now; its owner can see why in the editor.",
  );
}

/** Follows a started run on the event bus until it ends or `timeoutSeconds` pass. */
async function waitForRun(ownerId: string, executionId: string, timeoutSeconds: number): Promise<HookResponse | null> {
  const signal = AbortSignal.timeout(timeoutSeconds * 1000);
  for await (const event of getEventBus().subscribe({ executionId, ownerId, signal })) {
    if (!isTerminalEvent(event)) continue;
    const result = event.data;
    return {
      executionId,
      status: result.status,
      output: { message: result.output.message, variables: result.output.variables },
      ...(result.error ? { error: { code: result.error.code, message: result.error.message } } : {}),
    };
  }
  return null;
}

export interface HookCallOutcome {
  /** The run ended while the call waited (a hook that waits): its outcome; else the run to follow. */
  ended: boolean;
  body: HookResponse;
}

/** One call of a hook's URL, all the way to the run's start (or its end, for a hook that waits). */
export async function callHook({
  token,
  request,
  now = new Date(),
}: {
  token: string;
  request: Request;
  now?: Date;
}): Promise<HookCallOutcome> {
  const hook = await requireHook(token);
  assertJsonContentType(request.headers.get("content-type"));
  const bytes = await readBodyBytes(request, HOOK_MAX_BODY_BYTES);
  const secret = hookSecret(hook);
  const signed = secret ? verifySignature(request.headers.get(SIGNATURE_HEADER), bytes, secret, now) : null;
  const body = parseJsonBytes(bytes);
  if (!(await spendWebhookCall({ id: hook.id }))) {
    throw new AppError("rate_limit:hook", `This hook takes at most ${hook.ratePerMinute} calls a minute.`, {
      retryAfterSeconds: Math.max(1, Math.ceil(60 / hook.ratePerMinute)),
    });
  }
  if (signed) {
    const expiresAt = new Date((signed.timestamp + SIGNATURE_WINDOW_SECONDS) * 1000);
    if (!(await recordWebhookDelivery({ hookId: hook.id, signature: signed.signature, expiresAt }))) {
      throw badSignature("This signature was used already (a replay); sign each call afresh.");
    }
  }
  const input = await mapHookInput(hook, body, request.headers);
  const run = await startTriggeredRun({
    ownerId: hook.ownerId,
    request: {
      type: "DEFINITION",
      definitionId: hook.definitionId,
      ...(hook.version ? { version: hook.version } : {}),
      input,
      trigger: { type: "webhook", id: hook.id },
    },
  }).catch((error: unknown) => {
    throw callerSafe(error);
  });
  if (!run) throw new Error("a hook's run needs no claim");
  if (hook.responseMode === "wait") {
    const ended = await waitForRun(hook.ownerId, run.executionId, hook.waitTimeoutSeconds);
    if (ended) return { ended: true, body: ended };
  }
  return { ended: false, body: { executionId: run.executionId, status: run.status } };
}
