"use client";

/**
 * Settings → Model providers, the user's part: their credentials (OpenAI or any OpenAI-compatible server,
 * Anthropic, Ollama), each with Test connection, Rename and Delete, and a form to add one. A key is typed
 * once and never shown again (a masked hint only).
 */
import { CircleCheck, CircleX, KeyRound, Plus, RotateCw } from "lucide-react";
import { type FormEvent, useId, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Dialog } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { Input, Label } from "@/components/ui/input";
import { useSingleFlight } from "@/components/ui/single-flight";
import { Skeleton } from "@/components/ui/skeleton";
import type { CredentialDto } from "@/lib/api-client/credentials";
import { CREDENTIAL_NAME_MAX_LENGTH } from "@/lib/contracts/credentials";
import { CREDENTIAL_PROVIDER_IDS, type CredentialProviderId, MODEL_PROVIDER_CATALOG } from "@/lib/models/catalog";
import {
  useCreateCredential,
  useCredentials,
  useDeleteCredential,
  useRenameCredential,
  useTestCredential,
} from "./queries";

export const PROVIDER_NAMES: Record<CredentialProviderId, string> = {
  openai: "OpenAI or compatible",
  anthropic: "Anthropic",
  ollama: "Ollama",
};

const SELECT =
  "h-9 w-full rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-900 shadow-sm focus-visible:outline-2 focus-visible:outline-indigo-500";

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : "Something went wrong.";
}

export function CredentialsPanel() {
  const credentials = useCredentials();
  const [toDelete, setToDelete] = useState<CredentialDto | null>(null);
  const [toRename, setToRename] = useState<CredentialDto | null>(null);
  const remove = useDeleteCredential();

  return (
    <Card aria-labelledby="credentials-title" data-testid="credentials">
      <CardHeader
        title={<span id="credentials-title">Your model credentials</span>}
        description="Keys and servers of your own, kept encrypted. Pick one in a model node, or make it your default model. Keys are never shown again after you save them."
      />
      <div className="border-b border-zinc-200 px-5 py-4">
        <AddCredentialForm />
      </div>
      {credentials.isPending ? (
        <div role="status" aria-busy="true" aria-label="Loading credentials" className="flex flex-col gap-3 px-5 py-5">
          <Skeleton className="h-4 w-64" />
          <Skeleton className="h-4 w-48" />
        </div>
      ) : credentials.isError ? (
        <div role="alert" className="flex flex-col items-center gap-3 px-5 py-8 text-center">
          <p className="text-sm text-zinc-700">
            Your credentials could not be loaded: {errorMessage(credentials.error)}
          </p>
          <Button variant="secondary" size="sm" onClick={() => void credentials.refetch()}>
            <RotateCw aria-hidden />
            Try again
          </Button>
        </div>
      ) : credentials.data.length === 0 ? (
        <EmptyState
          compact
          icon={KeyRound}
          title="No credentials yet"
          description="Add an API key or a server above; the server-wide providers below stay available to everyone."
        />
      ) : (
        <ul className="flex flex-col divide-y divide-zinc-100">
          {credentials.data.map((credential) => (
            <CredentialRow
              key={credential.id}
              credential={credential}
              onRename={() => setToRename(credential)}
              onDelete={() => {
                remove.reset();
                setToDelete(credential);
              }}
            />
          ))}
        </ul>
      )}
      <RenameDialog credential={toRename} onClose={() => setToRename(null)} />
      <ConfirmDialog
        open={toDelete !== null}
        onCancel={() => setToDelete(null)}
        onConfirm={() => (toDelete ? remove.mutateAsync(toDelete.id).then(() => setToDelete(null)) : undefined)}
        title={`Delete “${toDelete?.name ?? ""}”?`}
        description="Model nodes that use it will fail until you pick another credential; a default model that uses it goes back to the server's."
        confirmLabel="Delete credential"
        pendingLabel="Deleting…"
        pending={remove.isPending}
        error={remove.isError ? errorMessage(remove.error) : null}
        testId="delete-credential"
      />
    </Card>
  );
}

function CredentialRow({
  credential,
  onRename,
  onDelete,
}: {
  credential: CredentialDto;
  onRename: () => void;
  onDelete: () => void;
}) {
  const test = useTestCredential();
  const testing = useSingleFlight();
  const result = test.data;
  return (
    <li data-testid="credential-row" data-name={credential.name} className="flex flex-col gap-2 px-5 py-3.5">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <span className="min-w-0 truncate font-medium text-zinc-900" title={credential.name}>
          {credential.name}
        </span>
        <Badge tone="indigo">{PROVIDER_NAMES[credential.provider]}</Badge>
        <span className="min-w-0 truncate text-[13px] text-zinc-500">
          {credential.baseUrl ?? "default server"}
          {credential.hint ? <span className="ml-2 font-mono">key {credential.hint}</span> : null}
        </span>
        <span className="ml-auto flex gap-1">
          <Button
            variant="secondary"
            size="sm"
            data-testid="credential-test"
            disabled={test.isPending || testing.pending}
            onClick={() => testing.run(() => test.mutateAsync(credential.id))}
          >
            {test.isPending ? "Testing…" : "Test connection"}
          </Button>
          <Button variant="ghost" size="sm" onClick={onRename} aria-label={`Rename ${credential.name}`}>
            Rename
          </Button>
          <Button variant="danger-ghost" size="sm" onClick={onDelete} aria-label={`Delete ${credential.name}`}>
            Delete
          </Button>
        </span>
      </div>
      {result ? (
        <p
          data-testid="credential-test-result"
          data-ok={result.ok}
          role="status"
          className={
            result.ok
              ? "flex items-start gap-1.5 text-[13px] text-emerald-700"
              : "flex items-start gap-1.5 text-[13px] break-words text-red-700"
          }
        >
          {result.ok ? (
            <CircleCheck aria-hidden className="mt-0.5 size-4 shrink-0" />
          ) : (
            <CircleX aria-hidden className="mt-0.5 size-4 shrink-0" />
          )}
          <span>
            {result.ok ? "" : `${result.model} failed: `}
            {result.message}
          </span>
        </p>
      ) : test.isError ? (
        <p role="alert" className="text-[13px] text-red-700">
          {errorMessage(test.error)}
        </p>
      ) : null}
    </li>
  );
}

function AddCredentialForm() {
  const ids = { name: useId(), provider: useId(), key: useId(), url: useId(), error: useId() };
  const [name, setName] = useState("");
  const [provider, setProvider] = useState<CredentialProviderId>("openai");
  const [apiKey, setApiKey] = useState("");
  const [baseUrl, setBaseUrl] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);
  const create = useCreateCredential();
  const creating = useSingleFlight();
  const pending = create.isPending || creating.pending;
  const shownError = localError ?? (create.isError ? errorMessage(create.error) : null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    if (!name.trim()) return setLocalError("Give the credential a name, so you can pick it in a model node.");
    setLocalError(null);
    creating.run(async () => {
      await create.mutateAsync({
        name: name.trim(),
        provider,
        apiKey: apiKey.trim() || undefined,
        ...(baseUrl.trim() ? { baseUrl: baseUrl.trim() } : {}),
      });
      setName("");
      setApiKey("");
      setBaseUrl("");
    });
  }

  const urlHint =
    provider === "ollama"
      ? "e.g. http://ollama.internal:11434"
      : provider === "openai"
        ? "Optional: an OpenAI-compatible server, e.g. http://vllm.internal:8000/v1"
        : "Optional: a proxy in front of Anthropic";

  return (
    <form onSubmit={submit} noValidate className="grid gap-3 sm:grid-cols-[1fr_12rem]" data-testid="credential-form">
      <div className="flex flex-col gap-1.5">
        <Label htmlFor={ids.name}>Name</Label>
        <Input
          id={ids.name}
          data-testid="credential-name"
          value={name}
          maxLength={CREDENTIAL_NAME_MAX_LENGTH}
          onChange={(e) => setName(e.target.value)}
          placeholder="e.g. Team OpenAI"
          autoComplete="off"
        />
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor={ids.provider}>Provider</Label>
        <select
          id={ids.provider}
          data-testid="credential-provider"
          className={SELECT}
          value={provider}
          onChange={(e) => setProvider(e.target.value as CredentialProviderId)}
        >
          {CREDENTIAL_PROVIDER_IDS.map((id) => (
            <option key={id} value={id}>
              {PROVIDER_NAMES[id]}
            </option>
          ))}
        </select>
      </div>
      {provider !== "ollama" ? (
        <div className="flex flex-col gap-1.5 sm:col-span-2">
          <Label htmlFor={ids.key}>API key</Label>
          <Input
            id={ids.key}
            data-testid="credential-key"
            type="password"
            value={apiKey}
            onChange={(e) => setApiKey(e.target.value)}
            placeholder={provider === "anthropic" ? "sk-ant-…" : "sk-… (leave empty for a server that needs none)"}
            autoComplete="off"
          />
        </div>
      ) : null}
      <div className={provider === "ollama" ? "flex flex-col gap-1.5" : "flex flex-col gap-1.5 sm:col-span-2"}>
        <Label htmlFor={ids.url}>{provider === "ollama" ? "Server URL" : "Base URL"}</Label>
        <Input
          id={ids.url}
          data-testid="credential-url"
          value={baseUrl}
          onChange={(e) => setBaseUrl(e.target.value)}
          placeholder={urlHint}
          autoComplete="off"
        />
      </div>
      <div className="flex items-center gap-3 sm:col-span-2">
        <Button type="submit" data-testid="credential-add" disabled={pending}>
          <Plus aria-hidden />
          {pending ? "Adding…" : "Add credential"}
        </Button>
        <span className="text-[12.5px] text-zinc-500">
          Suggested models: {MODEL_PROVIDER_CATALOG[provider].models.slice(0, 3).join(", ")}
        </span>
      </div>
      {shownError ? (
        <p id={ids.error} role="alert" className="text-[13px] text-red-600 sm:col-span-2">
          {shownError}
        </p>
      ) : null}
    </form>
  );
}

function RenameDialog({ credential, onClose }: { credential: CredentialDto | null; onClose: () => void }) {
  const inputId = useId();
  const [name, setName] = useState("");
  const rename = useRenameCredential();
  const renaming = useSingleFlight();
  const [shownFor, setShownFor] = useState<string | null>(null);
  if (credential && shownFor !== credential.id) {
    setShownFor(credential.id);
    setName(credential.name);
    rename.reset();
  }
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!credential || !name.trim()) return;
    renaming.run(async () => {
      await rename.mutateAsync({ id: credential.id, name: name.trim() });
      setShownFor(null);
      onClose();
    });
  }
  return (
    <Dialog
      open={credential !== null}
      onClose={() => {
        setShownFor(null);
        onClose();
      }}
      title="Rename credential"
      data-testid="rename-credential"
    >
      <form onSubmit={submit} className="flex flex-col gap-3">
        <Label htmlFor={inputId}>Name</Label>
        <Input
          id={inputId}
          value={name}
          maxLength={CREDENTIAL_NAME_MAX_LENGTH}
          onChange={(e) => setName(e.target.value)}
          autoComplete="off"
        />
        {rename.isError ? (
          <p role="alert" className="text-[13px] text-red-600">
            {errorMessage(rename.error)}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={rename.isPending || renaming.pending || !name.trim()}>
            {rename.isPending ? "Saving…" : "Save"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
