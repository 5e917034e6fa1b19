"use client";

/**
 * Settings → Default model: what a node set to "the default model" (the built-in templates, the Universal
 * chat) answers with for this user — the server's default, or a model of their own choosing through a
 * configured provider or one of their credentials.
 */
import { type FormEvent, useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader } from "@/components/ui/card";
import { TestModelNotice } from "@/components/shell/test-model-notice";
import { Input, Label } from "@/components/ui/input";
import { useSingleFlight } from "@/components/ui/single-flight";
import type { ModelSettings } from "@/lib/api-client/credentials";
import { MODEL_PROVIDER_CATALOG, type ModelProviderId } from "@/lib/models/catalog";
import { useCredentials, useModelSettings, useSetDefaultModel } from "./queries";

const SELECT =
  "h-9 w-full rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-900 shadow-sm focus-visible:outline-2 focus-visible:outline-indigo-500";

/** "openai · gpt-4o-mini (Team OpenAI)" */
export function describeModel(model: { provider: string; model: string; credentialName?: string }): string {
  return `${model.provider} · ${model.model}${model.credentialName ? ` (${model.credentialName})` : ""}`;
}

export function DefaultModelCard() {
  const settings = useModelSettings();
  return (
    <Card aria-labelledby="default-model-title" data-testid="default-model">
      <CardHeader
        title={<span id="default-model-title">Default model</span>}
        description="What the built-in templates, the Universal chat and every node set to “Default model” answer with in your runs."
      />
      <CardContent>
        {settings.data ? (
          <DefaultModelForm settings={settings.data} />
        ) : settings.isError ? (
          <p role="alert" className="text-sm text-red-700">
            The model settings could not be loaded.
          </p>
        ) : (
          <p className="text-sm text-zinc-500">Loading…</p>
        )}
      </CardContent>
    </Card>
  );
}

function DefaultModelForm({ settings }: { settings: ModelSettings }) {
  const ids = { source: useId(), model: useId(), list: useId() };
  const credentials = useCredentials();
  const save = useSetDefaultModel();
  const saving = useSingleFlight();
  const current = settings.userDefault;
  const initialSource = current
    ? current.credentialId
      ? `credential:${current.credentialId}`
      : `provider:${current.provider}`
    : "server";
  const [source, setSource] = useState(initialSource);
  const [model, setModel] = useState(current?.model ?? "");

  const credential = source.startsWith("credential:")
    ? credentials.data?.find((c) => c.id === source.slice("credential:".length))
    : undefined;
  const provider = (credential?.provider ?? (source.startsWith("provider:") ? source.slice(9) : "")) as
    | ModelProviderId
    | "";
  const suggestions = provider ? MODEL_PROVIDER_CATALOG[provider].models : [];

  function changeSource(next: string) {
    setSource(next);
    const nextProvider = next.startsWith("credential:")
      ? credentials.data?.find((c) => c.id === next.slice(11))?.provider
      : next.startsWith("provider:")
        ? (next.slice(9) as ModelProviderId)
        : undefined;
    if (nextProvider && !MODEL_PROVIDER_CATALOG[nextProvider].models.includes(model))
      setModel(MODEL_PROVIDER_CATALOG[nextProvider].models[0] ?? "");
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const choice =
      source === "server" || !provider
        ? null
        : { provider, model: model.trim(), ...(credential ? { credentialId: credential.id } : {}) };
    saving.run(() => save.mutateAsync(choice));
  }

  const server = settings.serverDefault;
  return (
    <div className="flex flex-col gap-4">
      <p className="text-sm text-zinc-700" data-testid="effective-default-model">
        Now: <strong className="font-medium text-zinc-900">{describeModel(settings.effective)}</strong>
        <span className="text-zinc-500"> — {settings.userDefault ? "your choice" : "the server's default"}</span>
      </p>
      {settings.effective.builtin ? <TestModelNotice /> : null}
      <form onSubmit={submit} className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
        <div className="flex flex-col gap-1.5">
          <Label htmlFor={ids.source}>Answer with</Label>
          <select
            id={ids.source}
            data-testid="default-model-source"
            className={SELECT}
            value={source}
            onChange={(e) => changeSource(e.target.value)}
          >
            <option value="server">Server default ({describeModel(server)})</option>
            <optgroup label="Server providers">
              {settings.providers
                .filter((p) => p.configured)
                .map((p) => (
                  <option key={p.id} value={`provider:${p.id}`}>
                    {p.label.replace(/\s*\(.*\)$/, "")}
                  </option>
                ))}
            </optgroup>
            {credentials.data?.length ? (
              <optgroup label="Your credentials">
                {credentials.data.map((c) => (
                  <option key={c.id} value={`credential:${c.id}`}>
                    {c.name}
                  </option>
                ))}
              </optgroup>
            ) : null}
          </select>
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor={ids.model}>Model</Label>
          <Input
            id={ids.model}
            data-testid="default-model-name"
            list={ids.list}
            value={source === "server" ? server.model : model}
            disabled={source === "server"}
            onChange={(e) => setModel(e.target.value)}
          />
          <datalist id={ids.list}>
            {suggestions.map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
        </div>
        <Button type="submit" data-testid="default-model-save" disabled={save.isPending || saving.pending}>
          {save.isPending ? "Saving…" : "Save"}
        </Button>
      </form>
      {save.isError ? (
        <p role="alert" className="text-[13px] text-red-600">
          {save.error instanceof Error ? save.error.message : "Could not save."}
        </p>
      ) : null}
    </div>
  );
}
