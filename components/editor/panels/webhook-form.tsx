"use client";

/**
 * A webhook's settings, to add one or change one: its name, the version it runs, the JSONata mapping of the
 * call to the run's message and variables, the request headers the mapping may read, whether the caller gets
 * 202 at once or waits for the result (and for how long), its rate limit and — for a new hook — whether calls
 * must be signed. Each field says what is wrong under it before anything is sent; the save button runs once
 * however often it is clicked.
 */
import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { ErrorNote } from "@/components/ui/error-note";
import { useSingleFlight } from "@/components/ui/single-flight";
import { createWebhook, updateWebhook, type Webhook, type WebhookResponse } from "@/lib/api-client/triggers";
import { errorText } from "@/lib/api-client/fetch-json";
import { MAX_WAIT_SECONDS } from "@/lib/contracts/triggers";
import { isAppError } from "@/lib/errors";
import { parseExpression } from "@/lib/expressions";
import { ExpressionInput, FieldMessage, Select, TextInput } from "../inspector/widgets";
import {
  draftOf,
  errorsOf,
  MAX_RATE_PER_MINUTE,
  NEW_WEBHOOK,
  type WebhookDraft,
  type WebhookErrors,
  type WebhookField,
  webhookBody,
} from "./webhook-settings";

const label = "text-[12px] font-medium text-zinc-700";

function Field({
  id,
  field,
  title,
  hint,
  error,
  children,
}: {
  id: string;
  field: WebhookField;
  title: string;
  hint?: React.ReactNode;
  error?: string;
  children: React.ReactNode;
}) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className={label}>
        {title}
      </label>
      {children}
      {error ? (
        <div data-testid={`webhook-error-${field}`}>
          <FieldMessage tone="error">{error}</FieldMessage>
        </div>
      ) : hint ? (
        <FieldMessage tone="hint">{hint}</FieldMessage>
      ) : null}
    </div>
  );
}

export function WebhookForm({
  workflowId,
  hook,
  latestVersion,
  onSaved,
  onCancel,
}: {
  workflowId: string;
  /** The hook to change; a new one when absent. */
  hook?: Webhook;
  /** The workflow's latest saved version (the versions a hook may be pinned to). */
  latestVersion: number | null;
  onSaved: (saved: WebhookResponse) => Promise<unknown>;
  onCancel?: () => void;
}) {
  const base = useId();
  const id = (field: WebhookField) => `${base}-${field}`;
  const [draft, setDraft] = useState<WebhookDraft>(() => (hook ? draftOf(hook) : NEW_WEBHOOK));
  const [errors, setErrors] = useState<WebhookErrors>({});
  const flight = useSingleFlight();
  const set = <K extends WebhookField>(field: K, value: WebhookDraft[K]) => {
    setDraft((current) => ({ ...current, [field]: value }));
    // An edited field's message goes; it is checked again on save.
    setErrors((current) =>
      current[field] || current.form ? { ...current, [field]: undefined, form: undefined } : current,
    );
  };

  const save = () =>
    flight.run(async () => {
      const made = webhookBody(draft, { update: !!hook });
      if (!made.ok) {
        setErrors(made.errors);
        return;
      }
      setErrors({});
      try {
        const saved = hook
          ? { webhook: await updateWebhook(workflowId, hook.id, made.body) }
          : await createWebhook(workflowId, made.body);
        if (!hook) setDraft(NEW_WEBHOOK);
        await onSaved(saved);
      } catch (error) {
        const mapped = isAppError(error) && error.issues?.length ? errorsOf(error.issues) : {};
        setErrors({ ...mapped, form: mapped.form ?? errorText(error) });
      }
    });

  // A mapping that does not parse already says so under its box, as it is typed: not twice.
  const mappingError = (field: "messageExpression" | "variablesExpression") =>
    draft[field].trim() && !parseExpression(draft[field]).ok ? undefined : errors[field];
  const versions = latestVersion ? Array.from({ length: latestVersion }, (_, i) => latestVersion - i) : [];
  const pinned = draft.version && !versions.includes(Number(draft.version)) ? [Number(draft.version)] : [];
  return (
    <form
      className="flex flex-col gap-2.5"
      data-testid={hook ? "webhook-settings-form" : "webhook-form"}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <Field id={id("name")} field="name" title="Name" error={errors.name}>
        <TextInput
          id={id("name")}
          data-testid="webhook-name"
          value={draft.name}
          placeholder={hook ? "" : "Named for you when left empty"}
          aria-invalid={errors.name ? true : undefined}
          onChange={(e) => set("name", e.target.value)}
        />
      </Field>
      <Field id={id("version")} field="version" title="Runs" error={errors.version}>
        <Select
          id={id("version")}
          data-testid="webhook-version"
          value={draft.version}
          aria-invalid={errors.version ? true : undefined}
          onChange={(e) => set("version", e.target.value)}
        >
          <option value="">The latest version at each call</option>
          {[...pinned, ...versions].map((version) => (
            <option key={version} value={String(version)}>
              Version {version} only
            </option>
          ))}
        </Select>
      </Field>
      <Field
        id={id("messageExpression")}
        field="messageExpression"
        title="Message (JSONata over { body, headers })"
        error={mappingError("messageExpression")}
        hint={draft.messageExpression.trim() ? undefined : "Empty: the body's message, or the whole body as JSON."}
      >
        <ExpressionInput
          id={id("messageExpression")}
          data-testid="webhook-message-expression"
          value={draft.messageExpression}
          placeholder="body.text"
          onValue={(value) => set("messageExpression", value)}
        />
      </Field>
      <Field
        id={id("variablesExpression")}
        field="variablesExpression"
        title="Variables (JSONata, an object)"
        error={mappingError("variablesExpression")}
        hint={draft.variablesExpression.trim() ? undefined : "Empty: { body, headers }."}
      >
        <ExpressionInput
          id={id("variablesExpression")}
          data-testid="webhook-variables-expression"
          value={draft.variablesExpression}
          placeholder='{ "issue": body.issue.title }'
          onValue={(value) => set("variablesExpression", value)}
        />
      </Field>
      <Field
        id={id("headers")}
        field="headers"
        title="Headers the mapping may read"
        error={errors.headers}
        hint="Names separated by commas, read as headers.<name>. Credentials are never passed."
      >
        <TextInput
          id={id("headers")}
          data-testid="webhook-headers"
          value={draft.headers}
          placeholder="x-github-event, x-request-id"
          aria-invalid={errors.headers ? true : undefined}
          onChange={(e) => set("headers", e.target.value)}
        />
      </Field>
      <div className={draft.responseMode === "wait" ? "grid grid-cols-[minmax(0,1fr)_auto] items-end gap-2" : ""}>
        <Field id={id("responseMode")} field="responseMode" title="The caller gets">
          <Select
            id={id("responseMode")}
            data-testid="webhook-response-mode"
            value={draft.responseMode}
            onChange={(e) => set("responseMode", e.target.value as WebhookDraft["responseMode"])}
          >
            <option value="async">202 at once, with the run's id</option>
            <option value="wait">The run's result</option>
          </Select>
        </Field>
        {draft.responseMode === "wait" ? (
          <div className="flex flex-col gap-1">
            <label htmlFor={id("waitTimeoutSeconds")} className={label}>
              Up to (s)
            </label>
            <TextInput
              id={id("waitTimeoutSeconds")}
              data-testid="webhook-wait-timeout"
              type="number"
              inputMode="numeric"
              min={1}
              max={MAX_WAIT_SECONDS}
              className="w-20"
              value={draft.waitTimeoutSeconds}
              aria-invalid={errors.waitTimeoutSeconds ? true : undefined}
              onChange={(e) => set("waitTimeoutSeconds", e.target.value)}
            />
          </div>
        ) : null}
      </div>
      {draft.responseMode === "wait" ? (
        errors.waitTimeoutSeconds ? (
          <div data-testid="webhook-error-waitTimeoutSeconds">
            <FieldMessage tone="error">{errors.waitTimeoutSeconds}</FieldMessage>
          </div>
        ) : (
          <FieldMessage tone="hint">A run still going then is answered 202 with its id.</FieldMessage>
        )
      ) : null}
      <Field
        id={id("ratePerMinute")}
        field="ratePerMinute"
        title="Calls allowed per minute"
        error={errors.ratePerMinute}
      >
        <TextInput
          id={id("ratePerMinute")}
          data-testid="webhook-rate"
          type="number"
          inputMode="numeric"
          min={1}
          max={MAX_RATE_PER_MINUTE}
          className="w-24"
          value={draft.ratePerMinute}
          aria-invalid={errors.ratePerMinute ? true : undefined}
          onChange={(e) => set("ratePerMinute", e.target.value)}
        />
      </Field>
      {hook ? null : (
        <label className="flex items-center gap-2 text-[12.5px] text-zinc-700">
          <input
            type="checkbox"
            data-testid="webhook-signed"
            checked={draft.signed}
            onChange={(e) => set("signed", e.target.checked)}
          />
          Require an X-Lattice-Signature (HMAC-SHA256)
        </label>
      )}
      <ErrorNote message={errors.form ?? null} />
      <div className="flex gap-2">
        <Button type="submit" size="sm" data-testid={hook ? "webhook-save" : "webhook-add"} disabled={flight.pending}>
          {hook ? "Save settings" : "Add webhook"}
        </Button>
        {onCancel ? (
          <Button variant="ghost" size="sm" onClick={onCancel}>
            Cancel
          </Button>
        ) : null}
      </div>
    </form>
  );
}
