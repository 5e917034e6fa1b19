"use client";

/**
 * Start a workflow from a template: pick one (built-in or your own), fill in its parameters (a knowledge
 * base for the RAG template…), and a new saved workflow opens in the editor. The templates gallery opens it
 * with its card's template already chosen (`initialTemplateId`); another can still be picked.
 */
import { clsx } from "clsx";
import { LayoutTemplate, Loader2 } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { CharacterCount } from "@/components/ui/character-count";
import { Dialog } from "@/components/ui/dialog";
import { instantiateTemplate } from "@/lib/api-client/templates";
import { WORKFLOW_LIMITS } from "@/lib/contracts/workflows";
import { isAppError } from "@/lib/errors";
import { useKnowledgeBases, useTemplate, useTemplates } from "./queries";
import { countOf } from "@/components/knowledge/format";

export function TemplateDialog({
  open,
  onClose,
  initialTemplateId,
}: {
  open: boolean;
  onClose: () => void;
  /** Chosen when the dialog opens (again after every close). */
  initialTemplateId?: string;
}) {
  const router = useRouter();
  const [chosen, setChosen] = useState<string | null>(initialTemplateId ?? null);
  const [params, setParams] = useState<Record<string, string>>({});
  const [name, setName] = useState("");
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const nameId = useId();
  const list = useRef<HTMLDivElement>(null);

  const templates = useTemplates({ enabled: open });
  const template = useTemplate(chosen, { enabled: open });
  const paramNames = Object.keys(template.data?.defaultParams ?? {});
  const needsKnowledgeBase = paramNames.includes("knowledgeBaseId");
  const knowledgeBases = useKnowledgeBases({ enabled: open && needsKnowledgeBase });

  // A template chosen before the list loaded may be below the fold of the list: bring it into view.
  const loaded = templates.data !== undefined;
  useEffect(() => {
    if (open && loaded) list.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: "nearest" });
  }, [open, loaded]);

  const close = () => {
    setChosen(initialTemplateId ?? null);
    setParams({});
    setName("");
    setError(null);
    onClose();
  };

  const create = async () => {
    // `submitting` disables the button in the click's own render: one workflow per click.
    if (!chosen || submitting) return;
    setSubmitting(true);
    setError(null);
    try {
      const filled = Object.fromEntries(Object.entries(params).filter(([, value]) => value !== ""));
      const workflow = await instantiateTemplate({
        templateId: chosen,
        ...(name.trim() ? { name: name.trim() } : {}),
        ...(Object.keys(filled).length ? { params: filled } : {}),
      });
      router.push(`/workflows/${workflow.id}`);
    } catch (cause) {
      setError(isAppError(cause) ? cause.message : "The workflow could not be created.");
      setSubmitting(false);
    }
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title="New workflow from a template"
      description="A template is a ready-made graph. Your copy is yours to change."
      className="max-w-2xl"
      data-testid="template-dialog"
      footer={
        <>
          <Button variant="secondary" onClick={close}>
            Cancel
          </Button>
          <Button
            data-testid="template-create"
            onClick={() => void create()}
            disabled={!chosen || submitting || template.isPending}
          >
            {submitting ? <Loader2 aria-hidden className="animate-spin" /> : <LayoutTemplate aria-hidden />}
            Create workflow
          </Button>
        </>
      }
    >
      {templates.isPending ? (
        <p className="flex items-center gap-2 text-[13px] text-zinc-500">
          <Loader2 aria-hidden className="size-4 animate-spin" /> Loading templates…
        </p>
      ) : templates.isError ? (
        <p role="alert" className="text-[13px] text-red-700">
          Could not load the templates: {templates.error.message}
        </p>
      ) : (
        <div className="flex flex-col gap-4">
          <div
            ref={list}
            role="listbox"
            aria-label="Templates"
            className="grid max-h-72 grid-cols-1 gap-2 overflow-y-auto sm:grid-cols-2"
          >
            {templates.data.map((item) => (
              <div key={item.id}>
                <button
                  type="button"
                  role="option"
                  aria-selected={chosen === item.id}
                  data-testid={`template-option-${item.slug ?? item.id}`}
                  onClick={() => {
                    setChosen(item.id);
                    setParams({});
                  }}
                  className={clsx(
                    "flex h-full w-full flex-col rounded-lg border px-3 py-2.5 text-left focus-visible:outline-2 focus-visible:outline-indigo-500",
                    chosen === item.id
                      ? "border-indigo-400 bg-indigo-50 ring-1 ring-indigo-300"
                      : "border-zinc-200 hover:border-zinc-300 hover:bg-zinc-50",
                  )}
                >
                  <span className="flex items-center gap-2">
                    <span className="text-[13px] font-semibold text-zinc-900">{item.name}</span>
                    {item.isBuiltin ? (
                      <span className="rounded bg-zinc-100 px-1.5 text-[10.5px] text-zinc-600">built-in</span>
                    ) : null}
                  </span>
                  <span className="mt-0.5 line-clamp-2 text-[12px] text-zinc-500">{item.description}</span>
                  <span className="mt-1 text-[11px] text-zinc-400">
                    {item.category} · {countOf(item.nodeCount, "node")}
                  </span>
                </button>
              </div>
            ))}
          </div>
          {chosen ? (
            <div className="flex flex-col gap-3 border-t border-zinc-100 pt-3">
              <div>
                <div className="flex items-baseline justify-between gap-2">
                  <label htmlFor={nameId} className="text-[12.5px] font-medium text-zinc-800">
                    Name
                  </label>
                  <CharacterCount id={`${nameId}-count`} length={name.length} max={WORKFLOW_LIMITS.nameMaxLength} />
                </div>
                <input
                  id={nameId}
                  data-testid="template-name"
                  maxLength={WORKFLOW_LIMITS.nameMaxLength}
                  aria-describedby={`${nameId}-count`}
                  value={name}
                  placeholder={template.data?.name ?? ""}
                  onChange={(event) => setName(event.target.value)}
                  className="mt-1 h-8 w-full rounded-md border border-zinc-300 px-2.5 text-[13px] shadow-xs focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/20 focus:outline-none"
                />
              </div>
              {paramNames.map((param) => (
                <TemplateParam
                  key={param}
                  name={param}
                  value={params[param] ?? ""}
                  onChange={(value) => setParams((current) => ({ ...current, [param]: value }))}
                  knowledgeBases={knowledgeBases.data}
                />
              ))}
            </div>
          ) : null}
          {error ? (
            <p role="alert" className="text-[12.5px] text-red-700">
              {error}
            </p>
          ) : null}
        </div>
      )}
    </Dialog>
  );
}

function TemplateParam({
  name,
  value,
  onChange,
  knowledgeBases,
}: {
  name: string;
  value: string;
  onChange: (value: string) => void;
  knowledgeBases: Array<{ id: string; name: string; documentCount: number }> | undefined;
}) {
  const id = useId();
  const className =
    "mt-1 h-8 w-full rounded-md border border-zinc-300 bg-white px-2.5 text-[13px] shadow-xs focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/20 focus:outline-none";
  if (name === "knowledgeBaseId") {
    return (
      <div>
        <label htmlFor={id} className="text-[12.5px] font-medium text-zinc-800">
          Knowledge base
        </label>
        <select
          id={id}
          data-testid="template-param-knowledgeBaseId"
          value={value}
          onChange={(event) => onChange(event.target.value)}
          className={className}
        >
          <option value="">
            {knowledgeBases?.length ? "Choose later in the editor" : "No knowledge bases yet — choose later"}
          </option>
          {(knowledgeBases ?? []).map((kb) => (
            <option key={kb.id} value={kb.id}>
              {kb.name} ({countOf(kb.documentCount, "document")})
            </option>
          ))}
        </select>
        {knowledgeBases?.length === 0 ? (
          <p className="mt-1 text-[12px] text-zinc-500">
            <Link
              href="/knowledge"
              data-testid="knowledge-link"
              className="font-medium text-indigo-700 hover:underline"
            >
              Create one in Knowledge
            </Link>
            , then add documents to it.
          </p>
        ) : null}
      </div>
    );
  }
  return (
    <div>
      <label htmlFor={id} className="text-[12.5px] font-medium text-zinc-800">
        {name}
      </label>
      <input
        id={id}
        data-testid={`template-param-${name}`}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        className={className}
      />
    </div>
  );
}
