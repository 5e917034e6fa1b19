/**
 * The Triggers panel's webhook form as data (components/editor/panels/webhook-settings.ts): the body it sends
 * for each setting, and a clear message at the field that is wrong before anything is sent — or, for what
 * only the server knows, at the field the API's 422 names.
 */
import { describe, expect, it } from "vitest";
import {
  draftOf,
  errorsOf,
  NEW_WEBHOOK,
  type WebhookDraft,
  webhookBody,
} from "@/components/editor/panels/webhook-settings";
import { createWebhookBodySchema, type Webhook } from "@/lib/contracts/triggers";

const draft = (patch: Partial<WebhookDraft>): WebhookDraft => ({ ...NEW_WEBHOOK, ...patch });

describe("the webhook form", () => {
  it("sends every setting: name, pinned version, mapping, headers, wait with its timeout, rate limit, signature", () => {
    const made = webhookBody(
      draft({
        name: " GitHub issues ",
        version: "3",
        messageExpression: "body.issue.title",
        variablesExpression: '{ "event": headers.`x-github-event` }',
        headers: "X-GitHub-Event, x-request-id  x-github-event",
        signed: true,
        responseMode: "wait",
        waitTimeoutSeconds: "45",
        ratePerMinute: "12",
      }),
    );
    expect(made).toEqual({
      ok: true,
      body: {
        name: "GitHub issues",
        version: 3,
        messageExpression: "body.issue.title",
        variablesExpression: '{ "event": headers.`x-github-event` }',
        headers: ["x-github-event", "x-request-id"],
        responseMode: "wait",
        waitTimeoutSeconds: 45,
        ratePerMinute: 12,
        signed: true,
      },
    });
    // What the API accepts, as is.
    expect(createWebhookBodySchema.safeParse(made.ok && made.body).success).toBe(true);
    // The defaults: latest version, no mapping, 202 at once, 60 calls a minute, unsigned; no name (one is made).
    expect(webhookBody(NEW_WEBHOOK)).toEqual({
      ok: true,
      body: {
        version: null,
        messageExpression: null,
        variablesExpression: null,
        headers: [],
        responseMode: "async",
        waitTimeoutSeconds: 30,
        ratePerMinute: 60,
        signed: false,
      },
    });
  });

  it("says what is wrong at each field, and sends nothing", () => {
    const made = webhookBody(
      draft({
        messageExpression: "body.(",
        variablesExpression: "{ 'a': }",
        headers: "x-ok, Authorization, bad header!",
        responseMode: "wait",
        waitTimeoutSeconds: "600",
        ratePerMinute: "1.5",
      }),
    );
    expect(made.ok).toBe(false);
    const errors = !made.ok ? made.errors : {};
    expect(errors.messageExpression).toMatch(/^Not valid JSONata: .+\(at character \d+\)$/);
    expect(errors.variablesExpression).toMatch(/^Not valid JSONata/);
    expect(errors.headers).toBe('"authorization" is not passed to runs (credentials stay out of a run\'s input).');
    expect(errors.waitTimeoutSeconds).toBe("Wait between 1 and 120 seconds (a whole number).");
    expect(errors.ratePerMinute).toBe("Allow between 1 and 600 calls a minute (a whole number).");
    const bad = webhookBody(draft({ headers: "bad!name" }));
    expect(!bad.ok && bad.errors.headers).toBe('"bad!name" must be a header name (letters, digits, dashes).');
    const many = webhookBody(draft({ headers: Array.from({ length: 21 }, (_, i) => `x-h${i}`).join(",") }));
    expect(!many.ok && many.errors.headers).toBe("Pick at most 20 headers (21 given).");
    // Saving an existing hook: the name may not be emptied.
    const unnamed = webhookBody(draft({ name: "  " }), { update: true });
    expect(!unnamed.ok && unnamed.errors.name).toBe("The name must not be empty.");
  });

  it("puts the API's 422 issues at their fields (a version the workflow does not have), the rest on the form", () => {
    expect(
      errorsOf([
        { path: "version", message: "must be at most 2" },
        { path: "headers.1", message: "is not allowed" },
        { path: "(body)", message: "is not JSON" },
      ]),
    ).toEqual({ version: "must be at most 2", headers: "is not allowed", form: "(body): is not JSON" });
  });

  it("opens an existing hook's settings as they are saved, and saves them unchanged", () => {
    const hook: Webhook = {
      id: "01JZ0000000000000000000000",
      workflowId: "01JZ0000000000000000000001",
      name: "Deploys",
      path: "/api/hooks/x",
      enabled: true,
      version: 2,
      signed: true,
      messageExpression: "body.text",
      variablesExpression: null,
      headers: ["x-request-id"],
      responseMode: "wait",
      waitTimeoutSeconds: 20,
      ratePerMinute: 5,
      lastCalledAt: null,
      createdAt: new Date(0).toISOString(),
    };
    expect(webhookBody(draftOf(hook), { update: true })).toEqual({
      ok: true,
      body: {
        name: "Deploys",
        version: 2,
        messageExpression: "body.text",
        variablesExpression: null,
        headers: ["x-request-id"],
        responseMode: "wait",
        waitTimeoutSeconds: 20,
        ratePerMinute: 5,
      },
    });
  });
});
