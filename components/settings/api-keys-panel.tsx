"use client";

import { clsx } from "clsx";
import { Check, Copy, KeyRound, Plus, RotateCw, TriangleAlert } from "lucide-react";
import { useId, useRef, useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { CharacterCount } from "@/components/ui/character-count";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { Input, Label } from "@/components/ui/input";
import { RelativeTime } from "@/components/ui/relative-time";
import { useSingleFlight } from "@/components/ui/single-flight";
import { Skeleton } from "@/components/ui/skeleton";
import type { ApiKeyView } from "@/lib/api-client/api-keys";
import { API_KEY_NAME_MAX_LENGTH } from "@/lib/contracts/account";
import { useApiKeys, useCreateApiKey, useRevokeApiKey } from "./queries";

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : "Something went wrong.";
}

export function ApiKeysPanel() {
  const keys = useApiKeys();

  const [newSecret, setNewSecret] = useState<{ name: string; secret: string } | null>(null);
  const [toRevoke, setToRevoke] = useState<ApiKeyView | null>(null);

  const create = useCreateApiKey({ onCreated: ({ key, secret }) => setNewSecret({ name: key.name, secret }) });
  const revoke = useRevokeApiKey({ onRevoked: () => setToRevoke(null) });
  // One key per click: a double-click on Create must not make two (isPending comes a moment too late).
  const creating = useSingleFlight();

  return (
    <Card aria-labelledby="api-keys-title" data-testid="api-keys">
      <CardHeader
        title={<span id="api-keys-title">API keys</span>}
        description={
          <>
            Keys let scripts and other services call the Lattice API as you. Send one as{" "}
            <code className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-xs whitespace-nowrap text-zinc-700">
              Authorization: Bearer &lt;key&gt;
            </code>
            .
          </>
        }
      />

      <div className="border-b border-zinc-200 px-5 py-4">
        <CreateKeyForm
          pending={create.isPending || creating.pending}
          error={create.isError ? errorMessage(create.error) : null}
          onCreate={(name) => {
            setNewSecret(null);
            creating.run(() => create.mutateAsync(name));
          }}
        />
        {newSecret ? (
          <NewSecretPanel name={newSecret.name} secret={newSecret.secret} onDismiss={() => setNewSecret(null)} />
        ) : null}
      </div>

      {keys.isPending ? (
        <KeyListSkeleton />
      ) : keys.isError ? (
        <div role="alert" className="flex flex-col items-center gap-3 px-5 py-10 text-center">
          <p className="text-sm text-zinc-700">Your API keys could not be loaded: {errorMessage(keys.error)}</p>
          <Button variant="secondary" size="sm" onClick={() => void keys.refetch()} disabled={keys.isFetching}>
            <RotateCw aria-hidden />
            Try again
          </Button>
        </div>
      ) : keys.data.length === 0 ? (
        <EmptyState
          compact
          icon={KeyRound}
          title="No API keys yet"
          description="Name a key above (after the script or service that will use it) and create it."
        />
      ) : (
        <KeyTable
          keys={keys.data}
          onRevoke={(key) => {
            revoke.reset();
            setToRevoke(key);
          }}
        />
      )}

      <ConfirmDialog
        open={toRevoke !== null}
        onCancel={() => setToRevoke(null)}
        onConfirm={() => (toRevoke ? revoke.mutateAsync(toRevoke.id) : undefined)}
        title={`Revoke “${toRevoke?.name ?? ""}”?`}
        description="Anything that uses this key will stop working at once. This cannot be undone."
        confirmLabel="Revoke key"
        pendingLabel="Revoking…"
        pending={revoke.isPending}
        error={revoke.isError ? errorMessage(revoke.error) : null}
        testId="revoke"
      />
    </Card>
  );
}

function CreateKeyForm({
  pending,
  error,
  onCreate,
}: {
  pending: boolean;
  error: string | null;
  onCreate: (name: string) => void;
}) {
  const inputId = useId();
  const errorId = useId();
  const countId = useId();
  const [name, setName] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);
  const shownError = localError ?? error;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const trimmed = name.trim();
    if (!trimmed) {
      setLocalError("Give the key a name, so you can tell it apart later.");
      return;
    }
    setLocalError(null);
    onCreate(trimmed);
    setName("");
  }

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-1.5">
      <div className="flex items-baseline gap-3 sm:max-w-sm sm:justify-between">
        <Label htmlFor={inputId}>New key name</Label>
        <CharacterCount
          id={countId}
          data-testid="api-key-name-count"
          length={name.length}
          max={API_KEY_NAME_MAX_LENGTH}
        />
      </div>
      <div className="flex flex-col gap-2 sm:flex-row">
        <Input
          id={inputId}
          data-testid="api-key-name"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            if (localError) setLocalError(null);
          }}
          placeholder="e.g. CI pipeline"
          maxLength={API_KEY_NAME_MAX_LENGTH}
          autoComplete="off"
          aria-invalid={shownError ? true : undefined}
          aria-describedby={shownError ? `${errorId} ${countId}` : countId}
          className="sm:max-w-sm"
        />
        <Button type="submit" data-testid="api-key-create" disabled={pending}>
          <Plus aria-hidden />
          {pending ? "Creating…" : "Create key"}
        </Button>
      </div>
      {shownError ? (
        <p id={errorId} role="alert" className="text-[13px] text-red-600">
          {shownError}
        </p>
      ) : null}
    </form>
  );
}

function NewSecretPanel({ name, secret, onDismiss }: { name: string; secret: string; onDismiss: () => void }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const codeRef = useRef<HTMLElement>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("yes");
      setTimeout(() => setCopied(null), 2000);
    } catch {
      // Clipboard access can be refused (permissions, insecure origin): select the text for a manual copy.
      const code = codeRef.current;
      if (code) window.getSelection()?.selectAllChildren(code);
      setCopied("failed");
    }
  }

  return (
    <div data-testid="api-key-secret" role="status" className="mt-4 rounded-lg border border-amber-200 bg-amber-50 p-4">
      <div className="flex items-start gap-2.5">
        <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-amber-600" />
        <div className="min-w-0 flex-1">
          <p className="font-medium text-amber-900">Copy the key “{name}” now</p>
          <p className="mt-0.5 text-[13px] text-amber-800">
            It will not be shown again. Store it somewhere safe, like a password manager or your CI secrets.
          </p>
          <div className="mt-3 flex flex-col gap-2 sm:flex-row sm:items-center">
            <code
              ref={codeRef}
              className="min-w-0 flex-1 rounded-md border border-amber-200 bg-white px-3 py-1.5 font-mono text-[13px] break-all text-zinc-900"
            >
              {secret}
            </code>
            {/* Keeps the key a separate word in the panel's text, so reading it back never glues "Copy" to it. */}{" "}
            <div className="flex shrink-0 gap-2">
              <Button variant="secondary" size="sm" onClick={() => void copy()} data-testid="api-key-copy">
                {copied === "yes" ? <Check aria-hidden /> : <Copy aria-hidden />}
                {copied === "yes" ? "Copied" : "Copy"}
              </Button>
              <Button variant="ghost" size="sm" onClick={onDismiss}>
                Done
              </Button>
            </div>
          </div>
          {copied === "failed" ? (
            <p className="mt-2 text-[13px] text-amber-800">
              Copying was blocked by the browser; the key is selected — press Ctrl+C (⌘C).
            </p>
          ) : null}
        </div>
      </div>
    </div>
  );
}

const KEY_COLUMNS: DataColumn[] = [
  { label: "Name" },
  { label: "Key", width: "w-40" },
  { label: "Created", width: "w-32" },
  { label: "Last used", width: "w-32" },
  { label: "Status", width: "w-28" },
  { label: "Actions", width: "w-28", hidden: true },
];

function KeyTable({ keys, onRevoke }: { keys: ApiKeyView[]; onRevoke: (key: ApiKeyView) => void }) {
  // Fixed column widths and row height: revoking a key must not make the table jump.
  return (
    <DataTable columns={KEY_COLUMNS} minWidth="min-w-[42rem]">
      {keys.map((key) => {
        const revoked = key.revokedAt !== null;
        return (
          <tr key={key.id} data-testid="api-key-row" className="h-14">
            <td
              className={clsx("truncate px-5 font-medium", revoked ? "text-zinc-500" : "text-zinc-900")}
              title={key.name}
            >
              {key.name}
            </td>
            <td className="truncate px-3 font-mono text-[13px] text-zinc-500">{key.prefix}…</td>
            <td className="px-3 text-zinc-600">
              <RelativeTime date={key.createdAt} />
            </td>
            <td className="px-3 text-zinc-600">
              {key.lastUsedAt ? <RelativeTime date={key.lastUsedAt} /> : <span className="text-zinc-500">Never</span>}
            </td>
            <td className="px-3">
              {revoked ? (
                <Badge tone="neutral" title={`Revoked ${new Date(key.revokedAt ?? "").toLocaleString()}`}>
                  Revoked
                </Badge>
              ) : (
                <Badge tone="green">Active</Badge>
              )}
            </td>
            <td className="px-5 text-right">
              {revoked ? null : (
                <Button
                  variant="danger-ghost"
                  size="sm"
                  data-testid="api-key-revoke"
                  onClick={() => onRevoke(key)}
                  aria-label={`Revoke ${key.name}`}
                >
                  Revoke
                </Button>
              )}
            </td>
          </tr>
        );
      })}
    </DataTable>
  );
}

function KeyListSkeleton() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading API keys" className="flex flex-col gap-3 px-5 py-5">
      {[0, 1, 2].map((i) => (
        <div key={i} className="flex items-center gap-6">
          <Skeleton className="h-4 w-32" />
          <Skeleton className="h-4 w-24" />
          <Skeleton className="h-4 w-20" />
          <Skeleton className="ml-auto h-5 w-14" />
        </div>
      ))}
    </div>
  );
}
