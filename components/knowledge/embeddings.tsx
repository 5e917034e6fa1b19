"use client";

/**
 * "Search by meaning": a knowledge base's embeddings model (a provider the server has configured, or one of
 * the user's credentials for OpenAI-compatible servers or Ollama, and the model's name), how many of its passages that model has embedded (a progress bar), the explicit
 * "Embed passages" action after the model changed (or to retry failures), and the documents whose embedding
 * failed. Without a model, search matches words only, as before.
 */
import { CircleAlert, Sparkles } from "lucide-react";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { ErrorNote } from "@/components/ui/error-note";
import { Input } from "@/components/ui/input";
import { useSingleFlight } from "@/components/ui/single-flight";
import {
  EMBEDDING_PROVIDER_LABELS,
  type EmbeddingProviderId,
  KNOWLEDGE_LIMITS,
  type KnowledgeEmbeddingStatusDto,
} from "@/lib/contracts/knowledge";
import { errorText, Field, fieldIssue, invalidProps } from "./fields";
import { countOf } from "./format";
import { useCredentials } from "@/components/settings/queries";
import { knowledgeKeys, useEmbeddingStatus, useReembed, useSetEmbeddingModel } from "./queries";

const MODEL_PLACEHOLDERS: Record<EmbeddingProviderId, string> = {
  openai: "e.g. text-embedding-3-small",
  ollama: "e.g. nomic-embed-text",
};

export function Embeddings({ knowledgeBaseId }: { knowledgeBaseId: string }) {
  const status = useEmbeddingStatus(knowledgeBaseId);
  const queryClient = useQueryClient();
  // When a re-embedding ends, the documents' embedding errors may have changed: read the base again.
  const wasRunning = useRef(false);
  const running = status.data?.running ?? false;
  useEffect(() => {
    if (wasRunning.current && !running) {
      void queryClient.invalidateQueries({ queryKey: knowledgeKeys.detail(knowledgeBaseId) });
    }
    wasRunning.current = running;
  }, [running, queryClient, knowledgeBaseId]);

  return (
    <Card aria-labelledby="embeddings-title" data-testid="embeddings">
      <CardHeader
        title={
          <span id="embeddings-title" className="flex items-center gap-1.5">
            <Sparkles aria-hidden className="size-3.5 text-indigo-500" />
            Search by meaning
          </span>
        }
        description="With an embeddings model, search ranks passages by meaning and words together. Without one, it matches words."
      />
      {status.isPending ? (
        <p className="px-5 py-4 text-[13px] text-zinc-500">Loading…</p>
      ) : status.isError ? (
        <div className="px-5 py-4">
          <ErrorNote message={errorText(status.error)} />
        </div>
      ) : (
        <>
          <ModelForm knowledgeBaseId={knowledgeBaseId} status={status.data} />
          {status.data.embeddingModel ? <Progress knowledgeBaseId={knowledgeBaseId} status={status.data} /> : null}
        </>
      )}
    </Card>
  );
}

function ModelForm({ knowledgeBaseId, status }: { knowledgeBaseId: string; status: KnowledgeEmbeddingStatusDto }) {
  const providerId = useId();
  const modelId = useId();
  const configured = status.providers.filter((p) => p.configured);
  const credentials = (useCredentials().data ?? []).filter(
    (c): c is typeof c & { provider: EmbeddingProviderId } => c.provider === "openai" || c.provider === "ollama",
  );
  const current = status.embeddingModel;
  // A choice is a server provider's id, or "credential:<id>" for one of the user's credentials.
  const choiceOf = (model: { provider: EmbeddingProviderId; credentialId?: string } | null | undefined) =>
    model?.credentialId ? `credential:${model.credentialId}` : (model?.provider ?? "");
  const [choice, setChoice] = useState<string>(
    choiceOf(current) ||
      configured[0]?.id ||
      (credentials[0] ? choiceOf({ provider: credentials[0].provider, credentialId: credentials[0].id }) : ""),
  );
  // The credentials arrive after the first render: with nothing chosen yet, the first one is.
  useEffect(() => {
    if (!choice && credentials[0]) setChoice(`credential:${credentials[0].id}`);
  }, [choice, credentials]);
  const credential = choice.startsWith("credential:")
    ? credentials.find((c) => `credential:${c.id}` === choice)
    : undefined;
  const provider: EmbeddingProviderId | "" =
    credential?.provider ?? (choice.startsWith("credential:") ? "" : (choice as EmbeddingProviderId | ""));
  const [model, setModel] = useState(current?.model ?? "");
  const [missing, setMissing] = useState<string | null>(null);
  const save = useSetEmbeddingModel(knowledgeBaseId);
  const saving = useSingleFlight();

  if (configured.length === 0 && credentials.length === 0 && !current) {
    return (
      <p data-testid="embeddings-unavailable" className="px-5 py-4 text-[13px] text-zinc-600">
        No embeddings provider is configured on this server: set <code className="text-[12px]">OPENAI_BASE_URL</code>{" "}
        (any OpenAI-compatible server) or <code className="text-[12px]">OLLAMA_BASE_URL</code>, or add an OpenAI or
        Ollama credential in{" "}
        <a href="/settings" className="font-medium text-indigo-700 hover:underline">
          Settings → Model providers
        </a>
        . Until then, search matches words.
      </p>
    );
  }

  const modelError = missing ?? fieldIssue(save.error, "embeddingModel.model");
  const providerError =
    fieldIssue(save.error, "embeddingModel.provider") ?? fieldIssue(save.error, "embeddingModel.credentialId");
  const formError = save.error && !modelError && !providerError ? errorText(save.error) : null;
  const unchanged = current !== null && choiceOf(current) === choice && current.model === model.trim();
  const busy = save.isPending || saving.pending;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy || !provider) return;
    if (!model.trim()) {
      setMissing("Name the embeddings model.");
      return;
    }
    setMissing(null);
    saving.run(() =>
      save.mutateAsync({ provider, model: model.trim(), ...(credential ? { credentialId: credential.id } : {}) }),
    );
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Embeddings model" className="flex flex-col gap-3 px-5 py-4">
      <Field id={providerId} label="Provider" error={providerError}>
        <select
          id={providerId}
          data-testid="embeddings-provider"
          value={choice}
          onChange={(event) => {
            setChoice(event.target.value);
            if (save.isError) save.reset();
          }}
          className="h-9 w-full rounded-md border border-zinc-300 bg-white px-2.5 text-sm text-zinc-900 shadow-sm"
          {...invalidProps(providerId, providerError)}
        >
          <optgroup label="This server">
            {status.providers.map((p) => (
              <option key={p.id} value={p.id} disabled={!p.configured}>
                {p.label}
                {p.configured ? "" : " (not configured)"}
              </option>
            ))}
          </optgroup>
          {credentials.length ? (
            <optgroup label="Your credentials">
              {credentials.map((c) => (
                <option key={c.id} value={`credential:${c.id}`}>
                  {c.name} ({EMBEDDING_PROVIDER_LABELS[c.provider]})
                </option>
              ))}
            </optgroup>
          ) : null}
        </select>
      </Field>
      <Field id={modelId} label="Model" error={modelError}>
        <Input
          id={modelId}
          data-testid="embeddings-model"
          value={model}
          onChange={(event) => {
            setModel(event.target.value);
            setMissing(null);
            if (save.isError) save.reset();
          }}
          placeholder={provider ? MODEL_PLACEHOLDERS[provider] : undefined}
          maxLength={KNOWLEDGE_LIMITS.embeddingModelMaxLength}
          autoComplete="off"
          {...invalidProps(modelId, modelError)}
        />
      </Field>
      <ErrorNote message={formError} />
      <div className="flex items-center justify-end gap-2">
        {current ? (
          <Button
            type="button"
            variant="ghost"
            data-testid="embeddings-clear"
            disabled={busy}
            onClick={() =>
              saving.run(async () => {
                await save.mutateAsync(null);
                setModel("");
              })
            }
          >
            Words only
          </Button>
        ) : null}
        <Button type="submit" data-testid="embeddings-save" disabled={busy || unchanged}>
          {busy ? "Saving…" : current ? "Change model" : "Use this model"}
        </Button>
      </div>
    </form>
  );
}

function Progress({ knowledgeBaseId, status }: { knowledgeBaseId: string; status: KnowledgeEmbeddingStatusDto }) {
  const reembed = useReembed(knowledgeBaseId);
  const starting = useSingleFlight();
  const { totalChunks, embeddedChunks, running, failedDocuments } = status;
  const waiting = totalChunks - embeddedChunks;
  const share = totalChunks === 0 ? 1 : embeddedChunks / totalChunks;
  const model = status.embeddingModel!;
  const credentialName = useCredentials().data?.find((c) => c.id === model.credentialId)?.name;
  return (
    <div className="flex flex-col gap-3 border-t border-zinc-200 px-5 py-4" data-testid="embeddings-progress">
      <p className="text-[13px] text-zinc-700">
        <span className="font-medium text-zinc-900">{EMBEDDING_PROVIDER_LABELS[model.provider]}</span> ·{" "}
        <span className="font-mono text-[12px]">{model.model}</span>
        {credentialName ? <span className="text-zinc-500"> · your credential “{credentialName}”</span> : null}
      </p>
      <div>
        <div className="mb-1 flex justify-between text-xs text-zinc-500">
          <span data-testid="embeddings-count">
            {embeddedChunks.toLocaleString("en")} of {countOf(totalChunks, "passage")} embedded
          </span>
          <span className="tabular-nums">{Math.floor(share * 100)}%</span>
        </div>
        <div
          role="progressbar"
          aria-label="Passages embedded"
          aria-valuemin={0}
          aria-valuemax={totalChunks}
          aria-valuenow={embeddedChunks}
          className="h-1.5 overflow-hidden rounded-full bg-zinc-100"
        >
          <div
            className={`h-full rounded-full bg-indigo-500 transition-[width] duration-500 ${running ? "animate-pulse" : ""}`}
            style={{ width: `${share * 100}%` }}
          />
        </div>
      </div>
      {failedDocuments.length > 0 ? (
        <ul data-testid="embeddings-failed" className="flex flex-col gap-1.5">
          {failedDocuments.map((d) => (
            <li key={d.documentId} className="flex gap-1.5 text-[12.5px] text-amber-800">
              <CircleAlert aria-hidden className="mt-0.5 size-3.5 shrink-0" />
              <span className="min-w-0 break-words">
                <strong className="font-medium">{d.title}</strong>: {d.error} Found by its words meanwhile.
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      <ErrorNote message={reembed.isError ? errorText(reembed.error) : null} />
      {waiting > 0 || running ? (
        <Button
          variant="secondary"
          data-testid="embeddings-run"
          disabled={running || reembed.isPending || starting.pending}
          onClick={() => starting.run(() => reembed.mutateAsync())}
          className="self-end"
        >
          {running ? "Embedding…" : `Embed ${countOf(waiting, "passage")}`}
        </Button>
      ) : null}
    </div>
  );
}
