/**
 * Webhooks: a workflow's public URL (POST /api/hooks/:token). A signed call runs the workflow with the body
 * mapped into its input, tagged `webhook` + the hook's id; a missing, wrong, stale or replayed signature is a
 * 401, an oversized body 413, a body not sent as JSON 415, malformed JSON 400 — and none of them runs
 * anything. Rotation takes one call; a hook that waits answers with the run's outcome; the rate is per hook.
 */
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST as createWorkflow } from "@/app/api/workflows/route";
import { POST as hookRoute } from "@/app/api/hooks/[token]/route";
import { GET as listHooksRoute, POST as createHookRoute } from "@/app/api/workflows/[id]/webhooks/route";
import { PATCH as patchHookRoute } from "@/app/api/workflows/[id]/webhooks/[webhookId]/route";
import { POST as rotateRoute } from "@/app/api/workflows/[id]/webhooks/[webhookId]/rotate/route";
import { HOOK_MAX_BODY_BYTES, webhookResponseSchema, type Webhook } from "@/lib/contracts/triggers";
import { hookSignatureHeader } from "@/lib/services/hook-calls";
import { call, echoDefinition, newActor, type Actor } from "../api/rest-fixtures";
import { query, waitFor } from "../tracking/helpers";

async function newWorkflow(actor: Actor): Promise<string> {
  const response = await call(createWorkflow, "/api/workflows", {
    method: "POST",
    body: echoDefinition("Hooked"),
    auth: actor,
  });
  expect(response.status, response.text).toBe(201);
  return response.json.workflow.id as string;
}

async function newHook(actor: Actor, workflowId: string, body: Record<string, unknown> = {}) {
  const response = await call(createHookRoute, `/api/workflows/${workflowId}/webhooks`, {
    method: "POST",
    body,
    auth: actor,
    params: { id: workflowId },
  });
  expect(response.status, response.text).toBe(201);
  return webhookResponseSchema.parse(response.json);
}

const tokenOf = (hook: Webhook) => hook.path.split("/").pop()!;

function callHook(hook: Webhook, body: string, headers: Record<string, string> = {}) {
  return call(hookRoute, hook.path, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...headers },
    params: { token: tokenOf(hook) },
  });
}

async function runsOf(hookId: string) {
  return query<{ id: string; status: string; trigger_type: string; input_data: unknown }>(
    sql`select id, status, trigger_type, input_data from workflow_executions where trigger_id = ${hookId} order by id`,
  );
}

async function finished(executionId: string) {
  await waitFor(async () => {
    const [row] = await query<{ status: string }>(
      sql`select status from workflow_executions where id = ${executionId}`,
    );
    return row && !["pending", "running"].includes(row.status);
  });
}

describe("webhooks", () => {
  it("runs the workflow for a signed call with the mapped body; refuses missing, wrong, stale and replayed signatures", async () => {
    const actor = await newActor();
    const workflowId = await newWorkflow(actor);
    const { webhook, secret } = await newHook(actor, workflowId, {
      signed: true,
      messageExpression: "body.text",
      variablesExpression: '{ "user": body.user.name, "event": headers."x-event" }',
      headers: ["X-Event"],
    });
    expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect(webhook).toMatchObject({ signed: true, headers: ["x-event"], responseMode: "async" });
    expect(tokenOf(webhook)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The secret is shown once: never in a listing.
    const listed = await call(listHooksRoute, "/x", { auth: actor, params: { id: workflowId } });
    expect(listed.text).not.toContain(secret!);

    const body = JSON.stringify({ text: "order shipped", user: { name: "Ada" } });
    const signature = hookSignatureHeader(secret!, body);
    const ok = await callHook(webhook, body, {
      "x-lattice-signature": signature,
      "x-event": "shipment",
      cookie: "x=1",
    });
    expect(ok.status, ok.text).toBe(202);
    expect(ok.json.status).toBe("running");
    await finished(ok.json.executionId);
    const [run] = await runsOf(webhook.id);
    expect(run).toMatchObject({ id: ok.json.executionId, status: "completed", trigger_type: "webhook" });
    expect(run!.input_data).toEqual({ message: "order shipped", variables: { user: "Ada", event: "shipment" } });

    const stale = hookSignatureHeader(secret!, body, new Date(Date.now() - 10 * 60_000));
    const refusals: Array<[string, Record<string, string>, string]> = [
      ["missing", {}, "requires"],
      ["malformed", { "x-lattice-signature": "v1=abc" }, "must be"],
      ["wrong secret", { "x-lattice-signature": hookSignatureHeader(`${secret}x`, body) }, "does not match"],
      ["another body", { "x-lattice-signature": hookSignatureHeader(secret!, `${body} `) }, "does not match"],
      ["stale", { "x-lattice-signature": stale }, "seconds from now"],
      ["replayed", { "x-lattice-signature": signature }, "used already"],
    ];
    for (const [what, headers, message] of refusals) {
      const refused = await callHook(webhook, body, headers);
      expect(refused.status, `${what}: ${refused.text}`).toBe(401);
      expect(refused.json.error.message).toContain(message);
    }
    expect(await runsOf(webhook.id)).toHaveLength(1);
  });

  it("refuses oversized, non-JSON and malformed bodies, unknown tokens and failing mappings — nothing runs", async () => {
    const actor = await newActor();
    const workflowId = await newWorkflow(actor);
    const { webhook } = await newHook(actor, workflowId, { variablesExpression: "body.items" });
    const big = JSON.stringify({ pad: "x".repeat(HOOK_MAX_BODY_BYTES) });
    expect((await callHook(webhook, big)).status).toBe(413);
    expect((await callHook(webhook, "hello", { "content-type": "text/plain" })).status).toBe(415);
    expect(
      (await call(hookRoute, webhook.path, { method: "POST", body: "{}", params: { token: tokenOf(webhook) } })).status,
    ).toBe(415);
    const malformed = await callHook(webhook, "{not json");
    expect(malformed.status).toBe(400);
    const mapping = await callHook(webhook, JSON.stringify({ items: [1, 2] }));
    expect(mapping.status, mapping.text).toBe(422);
    expect(mapping.json.error.issues[0].path).toBe("variables");
    for (const token of ["nope", "A".repeat(43)]) {
      const unknown = await call(hookRoute, `/api/hooks/${token}`, {
        method: "POST",
        body: "{}",
        headers: { "content-type": "application/json" },
        params: { token },
      });
      expect(unknown.status).toBe(404);
      expect(unknown.json.error.code).toBe("not_found:hook");
    }
    expect(await runsOf(webhook.id)).toEqual([]);
  });

  it("waits for the result when configured, applies the default mapping, and limits the rate per hook", async () => {
    const actor = await newActor();
    const workflowId = await newWorkflow(actor);
    const { webhook } = await newHook(actor, workflowId, {
      responseMode: "wait",
      waitTimeoutSeconds: 20,
      ratePerMinute: 2,
    });
    const answered = await callHook(webhook, JSON.stringify({ message: "ping", n: 1 }), { "x-event": "ignored" });
    expect(answered.status, answered.text).toBe(200);
    expect(answered.json).toMatchObject({ status: "completed", output: { message: expect.stringContaining("ping") } });
    const [run] = await runsOf(webhook.id);
    expect(run!.input_data).toEqual({ message: "ping", variables: { body: { message: "ping", n: 1 }, headers: {} } });
    expect((await callHook(webhook, JSON.stringify({ message: "pong" }))).status).toBe(200);
    const limited = await callHook(webhook, JSON.stringify({ message: "too many" }));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await runsOf(webhook.id)).toHaveLength(2);
  });

  it("rotates the URL or the secret in one call; another user cannot see or change the hook; a disabled hook is a 404", async () => {
    const actor = await newActor();
    const other = await newActor();
    const workflowId = await newWorkflow(actor);
    const { webhook, secret } = await newHook(actor, workflowId, { signed: true });
    const rotateUrl = await call(rotateRoute, "/x", {
      method: "POST",
      body: { rotate: "url" },
      auth: actor,
      params: { id: workflowId, webhookId: webhook.id },
    });
    expect(rotateUrl.status, rotateUrl.text).toBe(200);
    const moved = rotateUrl.json.webhook as Webhook;
    expect(moved.path).not.toBe(webhook.path);
    expect(rotateUrl.json.secret).toBeUndefined();
    const body = "{}";
    expect((await callHook(webhook, body, { "x-lattice-signature": hookSignatureHeader(secret!, body) })).status).toBe(
      404,
    );

    const rotateSecret = await call(rotateRoute, "/x", {
      method: "POST",
      body: { rotate: "secret" },
      auth: actor,
      params: { id: workflowId, webhookId: webhook.id },
    });
    const newSecret = rotateSecret.json.secret as string;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(secret);
    expect((await callHook(moved, body, { "x-lattice-signature": hookSignatureHeader(secret!, body) })).status).toBe(
      401,
    );
    expect((await callHook(moved, body, { "x-lattice-signature": hookSignatureHeader(newSecret, body) })).status).toBe(
      202,
    );

    for (const attempt of [
      () => call(listHooksRoute, "/x", { auth: other, params: { id: workflowId } }),
      () =>
        call(rotateRoute, "/x", {
          method: "POST",
          body: { rotate: "url" },
          auth: other,
          params: { id: workflowId, webhookId: webhook.id },
        }),
      () =>
        call(patchHookRoute, "/x", {
          method: "PATCH",
          body: { enabled: false },
          auth: other,
          params: { id: workflowId, webhookId: webhook.id },
        }),
    ]) {
      expect((await attempt()).status).toBe(404);
    }
    const disabled = await call(patchHookRoute, "/x", {
      method: "PATCH",
      body: { enabled: false },
      auth: actor,
      params: { id: workflowId, webhookId: webhook.id },
    });
    expect(disabled.status, disabled.text).toBe(200);
    const late = hookSignatureHeader(newSecret, '{"a":1}');
    expect((await callHook(moved, '{"a":1}', { "x-lattice-signature": late })).status).toBe(404);
  });
});
