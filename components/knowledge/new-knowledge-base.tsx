"use client";

/**
 * "New knowledge base": a dialog asking for a name (required) and a description; the API's 422 issues
 * show at their fields. Created, it opens at once, ready for its first documents.
 */
import { Plus } from "lucide-react";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { ErrorNote } from "@/components/ui/error-note";
import { Input, TextArea } from "@/components/ui/input";
import { useSingleFlight } from "@/components/ui/single-flight";
import { KNOWLEDGE_LIMITS } from "@/lib/contracts/knowledge";
import { errorText, Field, fieldIssue, invalidProps } from "./fields";
import { useCreateKnowledgeBase } from "./queries";

export function NewKnowledgeBase({ variant = "primary" }: { variant?: "primary" | "secondary" }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant={variant} data-testid="knowledge-new" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        <Plus aria-hidden />
        New knowledge base
      </Button>
      <NewKnowledgeBaseDialog open={open} onClose={() => setOpen(false)} />
    </>
  );
}

function NewKnowledgeBaseDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const router = useRouter();
  const nameId = useId();
  const descriptionId = useId();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);

  const create = useCreateKnowledgeBase({
    onCreated: (knowledgeBase) => router.push(`/knowledge/${knowledgeBase.id}`),
  });

  const error = create.error;
  const nameError = localError ?? fieldIssue(error, "name");
  const descriptionError = fieldIssue(error, "description");
  // Anything not about a field (a network failure, a 500) shows above the buttons.
  const formError = error && !nameError && !descriptionError ? errorText(error) : null;

  // Still busy once created: the new base's page is on its way (and a second click must not create another).
  // `creating` is set in the click itself; isPending arrives a moment later, after a double-click's second click.
  const creating = useSingleFlight();
  const busy = creating.pending || create.isPending || create.isSuccess;

  const close = () => {
    if (busy) return;
    onClose();
    setName("");
    setDescription("");
    setLocalError(null);
    create.reset();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    if (!name.trim()) {
      setLocalError("Give the knowledge base a name.");
      return;
    }
    creating.run(() => create.mutateAsync({ name: name.trim(), description: description.trim() }));
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title="New knowledge base"
      description="A named collection of documents that workflows search for passages to answer from."
      data-testid="knowledge-new-dialog"
    >
      <form onSubmit={submit} noValidate className="flex flex-col gap-4">
        <Field id={nameId} label="Name" error={nameError}>
          <Input
            id={nameId}
            data-testid="knowledge-name"
            value={name}
            onChange={(event) => {
              setName(event.target.value);
              setLocalError(null);
              if (create.isError) create.reset();
            }}
            placeholder="e.g. Product handbook"
            maxLength={KNOWLEDGE_LIMITS.nameMaxLength}
            autoComplete="off"
            required
            {...invalidProps(nameId, nameError)}
          />
        </Field>
        <Field
          id={descriptionId}
          label={
            <>
              Description <span className="font-normal text-zinc-500">(optional)</span>
            </>
          }
          error={descriptionError}
        >
          <TextArea
            id={descriptionId}
            data-testid="knowledge-description"
            value={description}
            onChange={(event) => {
              setDescription(event.target.value);
              if (create.isError) create.reset();
            }}
            rows={3}
            placeholder="What it holds, so you can tell it apart later"
            maxLength={KNOWLEDGE_LIMITS.descriptionMaxLength}
            {...invalidProps(descriptionId, descriptionError)}
          />
        </Field>
        <ErrorNote message={formError} />
        <div className="mt-2 flex justify-end gap-2">
          <Button variant="secondary" onClick={close} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" data-testid="knowledge-create" disabled={busy}>
            {busy ? "Creating…" : "Create"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
