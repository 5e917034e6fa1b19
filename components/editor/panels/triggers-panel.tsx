"use client";

/**
 * What starts this workflow by itself: schedules (cron in a time zone, or every N minutes, with a preview
 * of the next five times as the timing is typed) and webhooks (a URL to POST JSON to, optionally signed;
 * its URL or secret rotated in one click, a new secret shown once). Runs they start are tagged in the
 * monitor ("Schedule", "Webhook") and can be filtered there.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  CalendarClock,
  Copy,
  Loader2,
  Pause,
  Play,
  RefreshCw,
  Settings2,
  Trash2,
  Webhook as WebhookIcon,
} from "lucide-react";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { ErrorNote } from "@/components/ui/error-note";
import { RelativeTime } from "@/components/ui/relative-time";
import { useSingleFlight } from "@/components/ui/single-flight";
import { errorText } from "@/lib/api-client/fetch-json";
import {
  createSchedule,
  deleteSchedule,
  deleteWebhook,
  fetchSchedules,
  fetchWebhooks,
  previewSchedule,
  rotateWebhook,
  type Schedule,
  type SchedulePreview,
  updateSchedule,
  type Webhook,
  type WebhookResponse,
} from "@/lib/api-client/triggers";
import { useEditor } from "../editor-context";
import { Select, TextInput } from "../inspector/widgets";
import { WebhookForm } from "./webhook-form";

const keys = {
  schedules: (id: string) => ["workflows", id, "schedules"] as const,
  webhooks: (id: string) => ["workflows", id, "webhooks"] as const,
};

const sectionTitle = "flex items-center gap-1.5 text-[12px] font-semibold tracking-wide text-zinc-500 uppercase";
const card = "rounded-lg border border-zinc-200 bg-white p-3";

function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, {
    weekday: "short",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

export function TriggersPanel() {
  const workflowId = useEditor((state) => state.workflowId);
  if (!workflowId) {
    return (
      <section data-testid="triggers-panel" aria-label="Triggers" className="p-4">
        <div className="flex flex-col items-center rounded-lg border border-dashed border-zinc-300 px-4 py-8 text-center">
          <CalendarClock aria-hidden className="size-5 text-zinc-400" />
          <p className="mt-2 text-[13px] font-medium text-zinc-800">No triggers yet</p>
          <p className="mt-1 text-[12px] text-zinc-500">Save the workflow to run it on a schedule or from a webhook.</p>
        </div>
      </section>
    );
  }
  return (
    <section data-testid="triggers-panel" aria-label="Triggers" className="flex flex-col gap-5 p-4">
      <Schedules workflowId={workflowId} />
      <Webhooks workflowId={workflowId} />
    </section>
  );
}

// ---------------------------------------------------------------------------------------------------------
// Schedules
// ---------------------------------------------------------------------------------------------------------

function Schedules({ workflowId }: { workflowId: string }) {
  const queryClient = useQueryClient();
  const schedules = useQuery({
    queryKey: keys.schedules(workflowId),
    queryFn: ({ signal }) => fetchSchedules(workflowId, { signal }),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.schedules(workflowId) });
  const toggle = useMutation({
    mutationFn: (s: Schedule) => updateSchedule(workflowId, s.id, { enabled: !s.enabled }),
    onSuccess: refresh,
  });
  const remove = useMutation({ mutationFn: (s: Schedule) => deleteSchedule(workflowId, s.id), onSuccess: refresh });
  const list = schedules.data ?? [];
  return (
    <div className="flex flex-col gap-2">
      <h3 className={sectionTitle}>
        <CalendarClock aria-hidden className="size-3.5" /> Schedules
      </h3>
      {schedules.isPending ? <p className="text-[12.5px] text-zinc-500">Loading schedules…</p> : null}
      {schedules.error ? <ErrorNote message={errorText(schedules.error)} /> : null}
      {!schedules.isPending && list.length === 0 ? (
        <p className="text-[12.5px] text-zinc-500">No schedules. Add one to run this workflow by itself.</p>
      ) : null}
      {list.map((schedule) => (
        <div key={schedule.id} className={card} data-testid="schedule-item">
          <div className="flex items-start justify-between gap-2">
            <div className="min-w-0">
              <p className="truncate text-[13px] font-medium text-zinc-800">{schedule.name}</p>
              <p className="text-[11.5px] text-zinc-500">
                {schedule.kind === "cron"
                  ? `${schedule.cron} · ${schedule.timezone}`
                  : `Every ${schedule.intervalMinutes} min`}
                {schedule.version ? ` · v${schedule.version}` : " · latest version"}
              </p>
            </div>
            <div className="flex shrink-0 gap-1">
              <Button
                variant="ghost"
                size="sm"
                data-testid="schedule-toggle"
                title={schedule.enabled ? "Pause" : "Resume"}
                aria-label={schedule.enabled ? `Pause ${schedule.name}` : `Resume ${schedule.name}`}
                disabled={toggle.isPending}
                onClick={() => toggle.mutate(schedule)}
              >
                {schedule.enabled ? <Pause aria-hidden /> : <Play aria-hidden />}
              </Button>
              <Button
                variant="danger-ghost"
                size="sm"
                title="Delete"
                aria-label={`Delete ${schedule.name}`}
                disabled={remove.isPending}
                onClick={() => remove.mutate(schedule)}
              >
                <Trash2 aria-hidden />
              </Button>
            </div>
          </div>
          {schedule.enabled ? (
            <ol className="mt-2 flex flex-col gap-0.5 text-[12px] text-zinc-600" data-testid="schedule-next-runs">
              {schedule.nextRuns.map((at, i) => (
                <li key={at} className={i === 0 ? "font-medium text-zinc-800" : undefined}>
                  {i === 0 ? "Next: " : ""}
                  {formatTime(at)}
                </li>
              ))}
            </ol>
          ) : (
            <p className="mt-2 text-[12px] text-amber-700">Paused</p>
          )}
          {schedule.lastRunAt ? (
            <p className="mt-1 text-[11.5px] text-zinc-500">
              Last run <RelativeTime date={schedule.lastRunAt} />
            </p>
          ) : null}
          {schedule.lastError ? <p className="mt-1 text-[11.5px] text-red-600">{schedule.lastError}</p> : null}
        </div>
      ))}
      <NewSchedule workflowId={workflowId} onCreated={refresh} />
    </div>
  );
}

function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

function NewSchedule({ workflowId, onCreated }: { workflowId: string; onCreated: () => void }) {
  const [kind, setKind] = useState<"interval" | "cron">("interval");
  const [minutes, setMinutes] = useState("60");
  const [cron, setCron] = useState("0 9 * * 1-5");
  const [timezone, setTimezone] = useState("UTC");
  const [message, setMessage] = useState("");
  const [missedTicks, setMissedTicks] = useState<"skip" | "run_once">("skip");
  const [preview, setPreview] = useState<SchedulePreview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const flight = useSingleFlight();

  useEffect(() => setTimezone(browserTimeZone()), []);

  const timing =
    kind === "interval"
      ? { kind, intervalMinutes: Number(minutes), timezone }
      : { kind, cron: cron.trim(), timezone: timezone.trim() || "UTC" };
  const timingKey = JSON.stringify(timing);

  // The next five times as the timing is typed (debounced; the server reads the cron and the time zone).
  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      previewSchedule(JSON.parse(timingKey), { signal: controller.signal })
        .then((result) => {
          setPreview(result);
          setPreviewError(null);
        })
        .catch((e: unknown) => {
          if (controller.signal.aborted) return;
          setPreview(null);
          setPreviewError(errorText(e));
        });
    }, 300);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [timingKey]);

  const add = () =>
    flight.run(async () => {
      setError(null);
      try {
        await createSchedule(workflowId, {
          ...timing,
          missedTicks,
          ...(message.trim() ? { input: { message: message.trim() } } : {}),
        });
        setMessage("");
        onCreated();
      } catch (e) {
        setError(errorText(e));
      }
    });

  return (
    <div className={`${card} flex flex-col gap-2 bg-zinc-50`} data-testid="schedule-form">
      <p className="text-[12.5px] font-medium text-zinc-700">Add a schedule</p>
      <div className="flex gap-2">
        <Select
          aria-label="Repeat"
          data-testid="schedule-kind"
          value={kind}
          onChange={(e) => setKind(e.target.value as "interval" | "cron")}
        >
          <option value="interval">Every N minutes</option>
          <option value="cron">Cron expression</option>
        </Select>
        {kind === "interval" ? (
          <TextInput
            aria-label="Minutes"
            data-testid="schedule-minutes"
            type="number"
            min={1}
            value={minutes}
            onChange={(e) => setMinutes(e.target.value)}
            className="w-24"
          />
        ) : (
          <TextInput
            aria-label="Cron expression"
            data-testid="schedule-cron"
            value={cron}
            onChange={(e) => setCron(e.target.value)}
            className="font-mono"
          />
        )}
      </div>
      {kind === "cron" ? (
        <TextInput
          aria-label="Time zone"
          data-testid="schedule-timezone"
          value={timezone}
          onChange={(e) => setTimezone(e.target.value)}
          placeholder="Europe/Paris"
        />
      ) : null}
      <TextInput
        aria-label="Message"
        data-testid="schedule-message"
        value={message}
        onChange={(e) => setMessage(e.target.value)}
        placeholder="Message the run starts with (optional)"
      />
      <Select
        aria-label="Missed runs"
        value={missedTicks}
        onChange={(e) => setMissedTicks(e.target.value as "skip" | "run_once")}
      >
        <option value="skip">Missed while down: skip</option>
        <option value="run_once">Missed while down: run once</option>
      </Select>
      <div className="rounded-md border border-zinc-200 bg-white px-2.5 py-2" data-testid="schedule-preview">
        {previewError ? (
          <p className="text-[12px] text-red-600">{previewError}</p>
        ) : preview ? (
          <>
            <p className="text-[11.5px] text-zinc-500">Next five runs</p>
            <ol className="mt-0.5 text-[12px] text-zinc-700">
              {preview.nextRuns.map((at) => (
                <li key={at}>{formatTime(at)}</li>
              ))}
            </ol>
          </>
        ) : (
          <p className="flex items-center gap-1.5 text-[12px] text-zinc-500">
            <Loader2 aria-hidden className="size-3.5 animate-spin" /> Working out the next runs…
          </p>
        )}
      </div>
      <ErrorNote message={error} />
      <Button size="sm" data-testid="schedule-add" disabled={flight.pending || !!previewError} onClick={add}>
        Add schedule
      </Button>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------------
// Webhooks
// ---------------------------------------------------------------------------------------------------------

function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Button
      variant="ghost"
      size="sm"
      aria-label={label}
      title={label}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        });
      }}
    >
      <Copy aria-hidden />
      {copied ? <span className="text-[11px]">Copied</span> : null}
    </Button>
  );
}

function Webhooks({ workflowId }: { workflowId: string }) {
  const queryClient = useQueryClient();
  const webhooks = useQuery({
    queryKey: keys.webhooks(workflowId),
    queryFn: ({ signal }) => fetchWebhooks(workflowId, { signal }),
  });
  const [secret, setSecret] = useState<{ hookId: string; value: string } | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const latestVersion = useEditor((state) => state.savedVersion);
  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.webhooks(workflowId) });
  const rotate = useMutation({
    mutationFn: ({ hook, what }: { hook: Webhook; what: "url" | "secret" }) => rotateWebhook(workflowId, hook.id, what),
    onSuccess: (result) => {
      if (result.secret) setSecret({ hookId: result.webhook.id, value: result.secret });
      void refresh();
    },
  });
  const remove = useMutation({ mutationFn: (hook: Webhook) => deleteWebhook(workflowId, hook.id), onSuccess: refresh });
  const origin = typeof window === "undefined" ? "" : window.location.origin;
  const saved = async (result: WebhookResponse) => {
    if (result.secret) setSecret({ hookId: result.webhook.id, value: result.secret });
    setEditing(null);
    await refresh();
  };

  const list = webhooks.data ?? [];
  return (
    <div className="flex flex-col gap-2">
      <h3 className={sectionTitle}>
        <WebhookIcon aria-hidden className="size-3.5" /> Webhooks
      </h3>
      {webhooks.isPending ? <p className="text-[12.5px] text-zinc-500">Loading webhooks…</p> : null}
      {webhooks.error ? <ErrorNote message={errorText(webhooks.error)} /> : null}
      {!webhooks.isPending && list.length === 0 ? (
        <p className="text-[12.5px] text-zinc-500">
          No webhooks. Add one to run this workflow when another service POSTs JSON to its URL.
        </p>
      ) : null}
      {list.map((hook) => {
        const url = `${origin}${hook.path}`;
        return (
          <div key={hook.id} className={card} data-testid="webhook-item">
            <div className="flex items-center justify-between gap-2">
              <p className="text-[13px] font-medium text-zinc-800">
                {hook.name}
                <span className="ml-1.5 rounded bg-zinc-100 px-1 text-[11px] font-normal text-zinc-500">
                  {hook.signed ? "signed" : "unsigned"} ·{" "}
                  {hook.responseMode === "wait" ? `waits ≤ ${hook.waitTimeoutSeconds} s` : "202"}
                </span>
              </p>
              <div className="flex shrink-0 items-center">
                <Button
                  variant="ghost"
                  size="sm"
                  aria-label={`Settings of ${hook.name}`}
                  aria-expanded={editing === hook.id}
                  title="Settings"
                  data-testid="webhook-settings"
                  onClick={() => setEditing((current) => (current === hook.id ? null : hook.id))}
                >
                  <Settings2 aria-hidden />
                </Button>
                <Button
                  variant="danger-ghost"
                  size="sm"
                  aria-label={`Delete ${hook.name}`}
                  title="Delete"
                  disabled={remove.isPending}
                  onClick={() => remove.mutate(hook)}
                >
                  <Trash2 aria-hidden />
                </Button>
              </div>
            </div>
            <p className="text-[11.5px] text-zinc-500" data-testid="webhook-summary">
              {webhookSummary(hook)}
            </p>
            <div className="mt-1.5 flex items-center gap-1">
              <code
                className="min-w-0 flex-1 truncate rounded bg-zinc-100 px-1.5 py-1 text-[11.5px] text-zinc-700"
                data-testid="webhook-url"
                title={url}
              >
                {url}
              </code>
              <CopyButton text={url} label="Copy the URL" />
            </div>
            {secret?.hookId === hook.id ? (
              <div className="mt-2 rounded-md border border-amber-300 bg-amber-50 p-2" data-testid="webhook-secret">
                <p className="text-[11.5px] text-amber-900">Signing secret — shown once, copy it now:</p>
                <div className="mt-1 flex items-center gap-1">
                  <code className="min-w-0 flex-1 truncate text-[11.5px]">{secret.value}</code>
                  <CopyButton text={secret.value} label="Copy the secret" />
                </div>
              </div>
            ) : null}
            <div className="mt-2 flex flex-wrap gap-1">
              <Button
                variant="secondary"
                size="sm"
                data-testid="webhook-rotate-url"
                disabled={rotate.isPending}
                onClick={() => rotate.mutate({ hook, what: "url" })}
              >
                <RefreshCw aria-hidden /> New URL
              </Button>
              <Button
                variant="secondary"
                size="sm"
                disabled={rotate.isPending}
                onClick={() => rotate.mutate({ hook, what: "secret" })}
              >
                <RefreshCw aria-hidden /> {hook.signed ? "New secret" : "Require a signature"}
              </Button>
            </div>
            {editing === hook.id ? (
              <div className="mt-3 border-t border-zinc-100 pt-3">
                <WebhookForm
                  workflowId={workflowId}
                  hook={hook}
                  latestVersion={latestVersion}
                  onSaved={saved}
                  onCancel={() => setEditing(null)}
                />
              </div>
            ) : null}
            {hook.lastCalledAt ? (
              <p className="mt-1 text-[11.5px] text-zinc-500">
                Last called <RelativeTime date={hook.lastCalledAt} />
              </p>
            ) : null}
          </div>
        );
      })}
      {rotate.error ? <ErrorNote message={errorText(rotate.error)} /> : null}
      <div className={`${card} flex flex-col gap-2 bg-zinc-50`}>
        <p className="text-[12.5px] font-medium text-zinc-700">Add a webhook</p>
        <WebhookForm workflowId={workflowId} latestVersion={latestVersion} onSaved={saved} />
      </div>
    </div>
  );
}

/** A hook's settings in a line: the version it runs, its mapping, the headers it reads, its rate limit. */
function webhookSummary(hook: Webhook): string {
  const parts = [hook.version ? `version ${hook.version}` : "latest version"];
  if (hook.messageExpression || hook.variablesExpression) {
    parts.push(
      `maps ${[hook.messageExpression && "message", hook.variablesExpression && "variables"].filter(Boolean).join(" and ")}`,
    );
  }
  if (hook.headers.length) parts.push(`reads ${hook.headers.join(", ")}`);
  parts.push(`${hook.ratePerMinute} calls/min`);
  return parts.join(" · ");
}
