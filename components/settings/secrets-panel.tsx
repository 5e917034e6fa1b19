"use client";

/**
 * Settings → Secrets: values an HTTP node uses as {{secrets.NAME}} in its URL and headers without pasting
 * them into the workflow. Kept encrypted; after saving, only a masked hint is ever shown.
 */
import { LockKeyhole, Plus } from "lucide-react";
import { type FormEvent, useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Input, Label } from "@/components/ui/input";
import { useSingleFlight } from "@/components/ui/single-flight";
import { SECRET_NAME_PATTERN } from "@/lib/contracts/credentials";
import { useCreateSecret, useDeleteSecret, useSecrets } from "./queries";

export function SecretsPanel() {
  const secrets = useSecrets();
  const create = useCreateSecret();
  const remove = useDeleteSecret();
  const creating = useSingleFlight();
  const deleting = useSingleFlight();
  const ids = { name: useId(), value: useId() };
  const [name, setName] = useState("");
  const [value, setValue] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);
  const error = localError ?? (create.isError && create.error instanceof Error ? create.error.message : null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!SECRET_NAME_PATTERN.test(name.trim()))
      return setLocalError("A name starts with a letter or _ and holds only letters, digits and _.");
    if (!value) return setLocalError("Enter the secret's value.");
    setLocalError(null);
    creating.run(async () => {
      await create.mutateAsync({ name: name.trim(), value });
      setName("");
      setValue("");
    });
  }

  return (
    <Card id="secrets" aria-labelledby="secrets-title" data-testid="secrets">
      <CardHeader
        title={<span id="secrets-title">Secrets</span>}
        description={
          <>
            Tokens your workflows send without writing them into the workflow: use{" "}
            <code className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-xs text-zinc-700">
              {"{{secrets.NAME}}"}
            </code>{" "}
            in an HTTP node's URL or headers, or in a tools node's HTTP tool sites. Runs show them as [secret NAME];
            models never see them.
          </>
        }
      />
      <form
        onSubmit={submit}
        noValidate
        className="grid gap-3 border-b border-zinc-200 px-5 py-4 sm:grid-cols-[14rem_1fr_auto] sm:items-end"
      >
        <div className="flex flex-col gap-1.5">
          <Label htmlFor={ids.name}>Name</Label>
          <Input
            id={ids.name}
            data-testid="secret-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. GITHUB_TOKEN"
            autoComplete="off"
          />
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor={ids.value}>Value</Label>
          <Input
            id={ids.value}
            data-testid="secret-value"
            type="password"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            autoComplete="off"
          />
        </div>
        <Button type="submit" data-testid="secret-add" disabled={create.isPending || creating.pending}>
          <Plus aria-hidden />
          {create.isPending ? "Adding…" : "Add secret"}
        </Button>
        {error ? (
          <p role="alert" className="text-[13px] text-red-600 sm:col-span-3">
            {error}
          </p>
        ) : null}
      </form>
      {secrets.data && secrets.data.length > 0 ? (
        <ul className="flex flex-col divide-y divide-zinc-100">
          {secrets.data.map((secret) => (
            <li key={secret.id} data-testid="secret-row" className="flex items-center gap-3 px-5 py-3">
              <code className="font-mono text-[13px] text-zinc-900">{`{{secrets.${secret.name}}}`}</code>
              <span className="font-mono text-[13px] text-zinc-500">{secret.hint}</span>
              <Button
                variant="danger-ghost"
                size="sm"
                className="ml-auto"
                disabled={remove.isPending || deleting.pending}
                onClick={() => deleting.run(() => remove.mutateAsync(secret.id))}
                aria-label={`Delete ${secret.name}`}
              >
                Delete
              </Button>
            </li>
          ))}
        </ul>
      ) : secrets.data ? (
        <EmptyState
          compact
          icon={LockKeyhole}
          title="No secrets yet"
          description="Add one above to use it in HTTP nodes."
        />
      ) : null}
    </Card>
  );
}
