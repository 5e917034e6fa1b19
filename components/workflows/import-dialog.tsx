"use client";

/**
 * Import a workflow from a JSON file or pasted text. The file is read and validated in the browser first
 * (the same validator the server runs), so problems show before anything is created; then the import API
 * stores it — as a draft when it has errors — and the editor opens on it. When a model node's credential
 * found no match among the importer's (same name and provider), the dialog says which nodes now use the
 * default model before it opens the editor.
 */
import { clsx } from "clsx";
import { CircleAlert, FileUp, Loader2, TriangleAlert, Upload } from "lucide-react";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { importWorkflow } from "@/lib/api-client/workflows";
import type { RepointedNode } from "@/lib/contracts/workflows";
import { isAppError } from "@/lib/errors";
import { validateWorkflow, type ValidationContext } from "@/lib/validation";
import { MAX_IMPORT_BYTES, readImport, type ImportReading } from "./import-file";
import { countOf } from "@/components/knowledge/format";

export function ImportDialog({
  open,
  onClose,
  userId,
  validationContext,
}: {
  open: boolean;
  onClose: () => void;
  userId: string;
  validationContext: ValidationContext;
}) {
  const router = useRouter();
  const fileId = useId();
  const [text, setText] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [reading, setReading] = useState<ImportReading | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const [imported, setImported] = useState<{ id: string; repointed: RepointedNode[] } | null>(null);

  const read = (value: string) => {
    setText(value);
    setServerError(null);
    setReading(
      value.trim()
        ? readImport(value, (definition) => validateWorkflow(definition, { id: userId }, validationContext))
        : null,
    );
  };

  const close = () => {
    // Closed after an import that stayed to show its notice: the list should show the new workflow.
    if (imported) router.refresh();
    setText("");
    setFileName(null);
    setReading(null);
    setServerError(null);
    setImported(null);
    onClose();
  };

  const submit = async () => {
    // `submitting` disables the button in the click's own render: one import per click.
    if (!reading?.ok || submitting) return;
    setSubmitting(true);
    setServerError(null);
    try {
      const saved = await importWorkflow(reading.file);
      if (saved.repointedNodes?.length) {
        // Said before the editor opens: these nodes no longer use the model the file chose.
        setImported({ id: saved.workflow.id, repointed: saved.repointedNodes });
        return;
      }
      router.push(`/workflows/${saved.workflow.id}`);
    } catch (error) {
      setServerError(
        isAppError(error)
          ? [error.message, ...(error.issues ?? []).slice(0, 5).map((issue) => `${issue.path}: ${issue.message}`)].join(
              " ",
            )
          : "The import failed.",
      );
      setSubmitting(false);
    }
  };

  const errors = reading?.ok ? reading.validation.errors : [];
  const warnings = reading?.ok ? reading.validation.warnings : [];

  return (
    <Dialog
      open={open}
      onClose={close}
      title="Import a workflow"
      description="A Lattice export file (.json), or a workflow definition pasted below. It is checked before it is imported."
      className="max-w-xl"
      data-testid="import-dialog"
      footer={
        imported ? (
          <Button data-testid="import-open" onClick={() => router.push(`/workflows/${imported.id}`)}>
            Open the workflow
          </Button>
        ) : (
          <>
            <Button variant="secondary" onClick={close}>
              Cancel
            </Button>
            <Button data-testid="import-submit" onClick={() => void submit()} disabled={!reading?.ok || submitting}>
              {submitting ? <Loader2 aria-hidden className="animate-spin" /> : <Upload aria-hidden />}
              {errors.length > 0 ? "Import as draft" : "Import"}
            </Button>
          </>
        )
      }
    >
      {imported ? (
        <RepointedNotice repointed={imported.repointed} />
      ) : (
        <div className="flex flex-col gap-3">
          <label
            htmlFor={fileId}
            className="flex cursor-pointer items-center gap-3 rounded-lg border border-dashed border-zinc-300 px-4 py-3 text-[13px] text-zinc-600 hover:border-indigo-400 hover:bg-indigo-50/40 focus-within:outline-2 focus-within:outline-indigo-500"
          >
            <FileUp aria-hidden className="size-5 text-indigo-500" />
            <span className="flex-1">
              {fileName ? <strong className="text-zinc-900">{fileName}</strong> : "Choose a .json file…"}
            </span>
            <input
              id={fileId}
              data-testid="import-file"
              type="file"
              accept=".json,application/json"
              className="sr-only"
              onChange={async (event) => {
                const file = event.target.files?.[0];
                if (!file) return;
                setFileName(file.name);
                if (file.size > MAX_IMPORT_BYTES) {
                  setReading({ ok: false, problems: ["The file is larger than 5 MB."] });
                  return;
                }
                read(await file.text());
              }}
            />
          </label>
          <textarea
            data-testid="import-text"
            aria-label="Or paste the JSON"
            placeholder="…or paste the JSON here"
            value={text}
            spellCheck={false}
            onChange={(event) => {
              setFileName(null);
              read(event.target.value);
            }}
            className="h-32 w-full resize-y rounded-md border border-zinc-300 px-3 py-2 font-mono text-[12px] text-zinc-900 shadow-xs focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/20 focus:outline-none"
          />
          {reading && !reading.ok ? (
            <div
              role="alert"
              data-testid="import-problems"
              className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-[12.5px] text-red-800"
            >
              {reading.problems.map((problem, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: one reading's problems, replaced whole and never reordered
                <p key={i} className={clsx(i === 0 && "font-medium")}>
                  {problem}
                </p>
              ))}
            </div>
          ) : null}
          {reading?.ok ? (
            <div
              data-testid="import-check"
              className="rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 text-[12.5px]"
            >
              <p className="font-medium text-zinc-900">
                “{reading.file.workflow.name}” — {countOf(reading.file.workflow.nodes.length, "node")},{" "}
                {countOf(reading.file.workflow.edges.length, "connection")}
              </p>
              {errors.length === 0 && warnings.length === 0 ? (
                <p className="mt-1 text-emerald-700">No problems found.</p>
              ) : null}
              <ul className="mt-1 flex max-h-40 flex-col gap-1 overflow-y-auto">
                {errors.map((issue, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: one validation's issues (no unique id), replaced whole and never reordered
                  <li key={`e${i}`} data-testid="import-error" className="flex gap-1.5 text-red-800">
                    <CircleAlert aria-hidden className="mt-0.5 size-3.5 shrink-0" /> {issue.message}
                  </li>
                ))}
                {warnings.map((issue, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: one validation's issues (no unique id), replaced whole and never reordered
                  <li key={`w${i}`} className="flex gap-1.5 text-amber-800">
                    <TriangleAlert aria-hidden className="mt-0.5 size-3.5 shrink-0" /> {issue.message}
                  </li>
                ))}
              </ul>
              {errors.length > 0 ? (
                <p className="mt-1.5 text-zinc-600">
                  It can be imported as a draft and fixed in the editor; it cannot run until then.
                </p>
              ) : null}
            </div>
          ) : null}
          {serverError ? (
            <p role="alert" className="text-[12.5px] text-red-700">
              {serverError}
            </p>
          ) : null}
        </div>
      )}
    </Dialog>
  );
}

/** The model nodes an import moved to the default model, each with the credential and model it named. */
function RepointedNotice({ repointed }: { repointed: RepointedNode[] }) {
  return (
    <div
      role="status"
      data-testid="import-repointed"
      className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-[12.5px] text-amber-900"
    >
      <p className="font-medium">
        Imported. {countOf(repointed.length, "model node")} now {repointed.length === 1 ? "uses" : "use"} your default
        model:
      </p>
      <ul className="mt-1 flex list-disc flex-col gap-0.5 pl-5">
        {repointed.map((node) => (
          <li key={node.nodeId} data-testid="import-repointed-node">
            <strong>“{node.label ?? node.nodeId}”</strong>{" "}
            {node.credentialName
              ? `used the credential “${node.credentialName}” (${node.provider} · ${node.model}), which you do not have.`
              : `used a credential of another account (${node.provider} · ${node.model}).`}
          </li>
        ))}
      </ul>
      <p className="mt-1.5 text-amber-800">
        To use that model, add a credential with the same name in Settings → Model providers, or pick one in each node.
      </p>
    </div>
  );
}
