"use client";

/**
 * "Who answers": the conversation header's picker of the built-in templates, the user's own templates and
 * their saved workflows. A template that reads a knowledge base asks which one first (the choice is the
 * template with that base: nothing is saved). The choice applies to the next message. A chat opened for a
 * template without its knowledge base (/chat?template=<id>) asks for one on arrival.
 */
import { clsx } from "clsx";
import { ArrowLeft, BookOpen, Check, ChevronDown, LayoutTemplate, Loader2, Workflow } from "lucide-react";
import Link from "next/link";
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import type { KnowledgeBaseDto } from "@/lib/contracts/knowledge";
import type { TemplateSummary } from "@/lib/contracts/templates";
import type { WorkflowSummary } from "@/lib/contracts/workflows";
import { countOf } from "@/components/knowledge/format";
import { focusRing, focusRingTight } from "@/components/ui/focus-ring";
import { needsKnowledgeBase, sameChoice, type AnswerChoice } from "./answer-choice";
import { useTemplateDetail } from "./queries";

function Item({
  selected,
  icon,
  name,
  description,
  onSelect,
  testId,
  trailing,
}: {
  selected: boolean;
  icon: React.ReactNode;
  name: string;
  description?: string;
  onSelect: () => void;
  testId: string;
  trailing?: React.ReactNode;
}) {
  return (
    <button
      type="button"
      role="menuitemradio"
      aria-checked={selected}
      data-testid={testId}
      onClick={onSelect}
      className={clsx(
        "flex w-full items-start gap-2.5 rounded-lg px-2.5 py-2 text-left hover:bg-zinc-100 focus-visible:bg-zinc-100",
        focusRingTight,
      )}
    >
      <span className="mt-0.5 text-zinc-400">{icon}</span>
      <span className="min-w-0 flex-1">
        <span className="block truncate text-[13px] font-medium text-zinc-900">{name}</span>
        {description ? (
          <span className="mt-0.5 line-clamp-2 block text-[12px] leading-snug text-zinc-500">{description}</span>
        ) : null}
      </span>
      {trailing ?? (selected ? <Check aria-hidden className="mt-0.5 size-4 shrink-0 text-indigo-600" /> : null)}
    </button>
  );
}

function SectionTitle({ children }: { children: React.ReactNode }) {
  return (
    <div className="px-2.5 pt-2.5 pb-1 text-[11px] font-medium tracking-wide text-zinc-400 uppercase">{children}</div>
  );
}

export function AnswerPicker({
  choice,
  choiceName,
  templates,
  workflows,
  knowledgeBases,
  pending,
  initialTemplate,
  onChoose,
  onChooseKnowledge,
}: {
  choice: AnswerChoice | null;
  /** What the trigger shows (the choice's name; null while it is unknown). */
  choiceName: string | null;
  templates: readonly TemplateSummary[];
  workflows: readonly WorkflowSummary[];
  knowledgeBases: readonly KnowledgeBaseDto[];
  /** A choice is being prepared (the template is bound to its knowledge base). */
  pending: boolean;
  /** Picked on arrival as if clicked, to ask for its knowledge base (read once, when the picker mounts). */
  initialTemplate?: TemplateSummary | undefined;
  onChoose: (choice: AnswerChoice) => void;
  onChooseKnowledge: (template: TemplateSummary, knowledgeBase: KnowledgeBaseDto) => void;
}) {
  const [open, setOpen] = useState(false);
  // The template being picked: its details decide whether a knowledge base must be chosen first.
  const [kbFor, setKbFor] = useState<TemplateSummary | null>(initialTemplate ?? null);
  const root = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const menuId = useId();

  // The template's parameters tell whether it needs a knowledge base; fetched when it is clicked.
  const detail = useTemplateDetail(kbFor?.id ?? null);

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    return () => document.removeEventListener("pointerdown", onPointer);
  }, [open]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: kbFor and detail.data are not read but change the menu's view (its items), and focus must move into the new view
  useEffect(() => {
    if (!open) return;
    // Focus the selected item (or the first) when the menu opens or changes view.
    const id = window.requestAnimationFrame(() => {
      const items = root.current?.querySelectorAll<HTMLElement>('[role="menuitemradio"]');
      const selected = root.current?.querySelector<HTMLElement>('[role="menuitemradio"][aria-checked="true"]');
      (selected ?? items?.[0])?.focus();
    });
    return () => window.cancelAnimationFrame(id);
  }, [open, kbFor, detail.data]);

  // A template without a knowledge-base parameter is chosen as soon as its parameters are known.
  useEffect(() => {
    if (!kbFor || !detail.data || detail.data.id !== kbFor.id) return;
    if (!needsKnowledgeBase(detail.data.defaultParams)) {
      onChoose({ kind: "template", id: kbFor.id });
      setKbFor(null);
      setOpen(false);
    }
  }, [kbFor, detail.data, onChoose]);

  const close = () => {
    setOpen(false);
    setKbFor(null);
    trigger.current?.focus();
  };

  // On the trigger and on the menu (the only two children of the root), so keys work from either.
  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      if (kbFor) setKbFor(null);
      else close();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    event.preventDefault();
    const items = Array.from(root.current?.querySelectorAll<HTMLElement>('[role="menuitemradio"]') ?? []);
    const index = items.indexOf(document.activeElement as HTMLElement);
    const next = event.key === "ArrowDown" ? (index + 1) % items.length : (index - 1 + items.length) % items.length;
    items[next]?.focus();
  };

  const builtins = templates.filter((t) => t.isBuiltin);
  const own = templates.filter((t) => !t.isBuiltin);
  const pickTemplate = (template: TemplateSummary) => {
    // Most templates need nothing more; their details decide (a cached fetch).
    setKbFor(template);
  };

  const kbView = kbFor && detail.data && detail.data.id === kbFor.id && needsKnowledgeBase(detail.data.defaultParams);
  // Picked while the menu is closed (on arrival): it opens only to ask for the knowledge base.
  const pickingClosed = kbFor !== null && !open;
  useEffect(() => {
    if (kbView && !open) setOpen(true);
  }, [kbView, open]);

  return (
    <div ref={root} className="relative min-w-0">
      <button
        ref={trigger}
        type="button"
        onKeyDown={onKeyDown}
        data-testid="answerer-picker"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => (open ? close() : setOpen(true))}
        className={clsx(
          "flex h-8 max-w-full min-w-0 items-center gap-1.5 rounded-lg px-2 text-[13px] font-medium text-zinc-700 hover:bg-zinc-100",
          focusRing,
        )}
      >
        {pending || (pickingClosed && detail.isFetching) ? (
          <Loader2 aria-hidden className="size-3.5 shrink-0 animate-spin text-zinc-400" />
        ) : choice?.kind === "workflow" ? (
          <Workflow aria-hidden className="size-3.5 shrink-0 text-zinc-400" />
        ) : (
          <LayoutTemplate aria-hidden className="size-3.5 shrink-0 text-zinc-400" />
        )}
        <span data-testid="answerer-name" className="truncate">
          {choiceName ?? "Choose who answers"}
        </span>
        <ChevronDown aria-hidden className="size-3.5 shrink-0 text-zinc-400" />
      </button>
      {open ? (
        <div
          id={menuId}
          role="menu"
          aria-label="Who answers"
          data-testid="answerer-menu"
          onKeyDown={onKeyDown}
          className="absolute top-full left-0 z-30 mt-1.5 max-h-[min(28rem,70vh)] w-80 max-w-[calc(100vw-2rem)] overflow-y-auto rounded-xl border border-zinc-200 bg-white p-1.5 shadow-lg"
        >
          {kbFor && !kbView ? (
            <div className="flex items-center gap-2 px-3 py-3 text-[13px] text-zinc-500">
              <Loader2 aria-hidden className="size-4 animate-spin" /> Loading {kbFor.name}…
            </div>
          ) : kbView ? (
            <div data-testid="knowledge-base-choices">
              <button
                type="button"
                onClick={() => setKbFor(null)}
                className={clsx(
                  "mb-1 flex items-center gap-1.5 rounded-md px-2 py-1 text-[12px] font-medium text-zinc-500 hover:bg-zinc-100",
                  focusRingTight,
                )}
              >
                <ArrowLeft aria-hidden className="size-3.5" /> {kbFor.name}
              </button>
              <SectionTitle>Answer from which knowledge base?</SectionTitle>
              {knowledgeBases.length === 0 ? (
                <p className="px-2.5 py-2 text-[12.5px] text-zinc-500">
                  You have no knowledge bases yet.{" "}
                  <Link
                    href="/knowledge"
                    data-testid="knowledge-link"
                    className="font-medium text-indigo-700 hover:underline"
                  >
                    Create one in Knowledge
                  </Link>
                  , then add documents to it.
                </p>
              ) : (
                knowledgeBases.map((kb) => (
                  <Item
                    key={kb.id}
                    testId="knowledge-base-option"
                    selected={sameChoice(choice, { kind: "template", id: kbFor.id, knowledgeBaseId: kb.id })}
                    icon={<BookOpen aria-hidden className="size-4" />}
                    name={kb.name}
                    description={`${countOf(kb.documentCount, "document")}${kb.description ? ` · ${kb.description}` : ""}`}
                    onSelect={() => {
                      onChooseKnowledge(kbFor, kb);
                      close();
                    }}
                  />
                ))
              )}
            </div>
          ) : (
            <>
              <SectionTitle>Built-in templates</SectionTitle>
              {builtins.map((t) => (
                <Item
                  key={t.id}
                  testId="answerer-option"
                  selected={choice?.kind === "template" && choice.id === t.id}
                  icon={<LayoutTemplate aria-hidden className="size-4" />}
                  name={t.name}
                  description={t.description}
                  onSelect={() => pickTemplate(t)}
                />
              ))}
              {own.length > 0 ? <SectionTitle>Your templates</SectionTitle> : null}
              {own.map((t) => (
                <Item
                  key={t.id}
                  testId="answerer-option"
                  selected={choice?.kind === "template" && choice.id === t.id}
                  icon={<LayoutTemplate aria-hidden className="size-4" />}
                  name={t.name}
                  description={t.description}
                  onSelect={() => pickTemplate(t)}
                />
              ))}
              <SectionTitle>Your workflows</SectionTitle>
              {workflows.length === 0 ? (
                <p className="px-2.5 pb-2 text-[12.5px] text-zinc-500">
                  None yet.{" "}
                  <Link href="/workflows" className="font-medium text-indigo-600 hover:underline">
                    Build one
                  </Link>{" "}
                  to chat with it here.
                </p>
              ) : (
                workflows.map((w) => (
                  <Item
                    key={w.id}
                    testId="answerer-option"
                    selected={sameChoice(choice, { kind: "workflow", id: w.id })}
                    icon={<Workflow aria-hidden className="size-4" />}
                    name={w.name}
                    description={w.isValid ? w.description : "Draft with errors — fix it in the editor before chatting"}
                    onSelect={() => {
                      onChoose({ kind: "workflow", id: w.id });
                      close();
                    }}
                  />
                ))
              )}
            </>
          )}
        </div>
      ) : null}
    </div>
  );
}
