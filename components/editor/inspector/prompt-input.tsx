"use client";

/**
 * Prompt text with {{variables}}: typing "{{" opens a list of what this node can read — the run's input and
 * what the nodes upstream of it write — filtered as the user types; arrows and Enter (or Tab) insert one.
 * The template is parsed live, so a broken placeholder is pointed out before the validator runs.
 */
import { clsx } from "clsx";
import { Braces } from "lucide-react";
import { useId, useMemo, useRef, useState, type ComponentPropsWithRef, type KeyboardEvent } from "react";
import { parseTemplate } from "@/lib/expressions";
import { useEditorApi } from "../editor-context";
import { completePlaceholder, openPlaceholder, upstreamVariables, type ScopeVariable } from "../model/variables";
import { FieldMessage, TextArea } from "./widgets";

interface Menu {
  start: number;
  query: string;
}

function rank(variables: ScopeVariable[], query: string): ScopeVariable[] {
  const q = query.toLowerCase();
  if (!q) return variables;
  const starts = variables.filter((v) => v.name.toLowerCase().startsWith(q));
  const contains = variables.filter((v) => !v.name.toLowerCase().startsWith(q) && v.name.toLowerCase().includes(q));
  return [...starts, ...contains];
}

export function PromptInput({
  nodeId,
  value,
  onValue,
  multiline = true,
  ...props
}: Omit<ComponentPropsWithRef<"textarea">, "value" | "onChange"> & {
  nodeId: string;
  value: string;
  onValue: (value: string) => void;
  multiline?: boolean;
}) {
  const store = useEditorApi();
  const ref = useRef<HTMLTextAreaElement>(null);
  const listId = useId();
  const [menu, setMenu] = useState<Menu | null>(null);
  const [active, setActive] = useState(0);
  const [variables, setVariables] = useState<ScopeVariable[]>([]);
  const options = useMemo(() => (menu ? rank(variables, menu.query).slice(0, 12) : []), [menu, variables]);
  const parsed = value.includes("{{") ? parseTemplate(value) : null;

  const refreshMenu = (text: string, caret: number) => {
    const open = openPlaceholder(text, caret);
    if (open && !menu) {
      // Read the graph only when the list opens, so the inspector does not follow every canvas change.
      const { nodes, edges } = store.getState();
      setVariables(upstreamVariables(nodeId, nodes, edges));
    }
    setMenu(open);
    setActive(0);
  };

  const pick = (name: string) => {
    const element = ref.current;
    if (!element || !menu) return;
    const { text, caret } = completePlaceholder(value, menu.start, element.selectionStart ?? value.length, name);
    onValue(text);
    setMenu(null);
    requestAnimationFrame(() => {
      element.focus();
      element.setSelectionRange(caret, caret);
    });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (menu && options.length > 0) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        setActive((i) => (i + (event.key === "ArrowDown" ? 1 : options.length - 1)) % options.length);
        return;
      }
      if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        pick(options[active]!.name);
        return;
      }
    }
    if (event.key === "Escape" && menu) {
      event.preventDefault();
      event.stopPropagation();
      setMenu(null);
      return;
    }
    if (!multiline && event.key === "Enter") event.preventDefault();
  };

  const insertBraces = () => {
    const element = ref.current;
    if (!element) return;
    const caret = element.selectionStart ?? value.length;
    const text = `${value.slice(0, caret)}{{${value.slice(caret)}`;
    onValue(text);
    requestAnimationFrame(() => {
      element.focus();
      element.setSelectionRange(caret + 2, caret + 2);
      refreshMenu(text, caret + 2);
    });
  };

  return (
    <div className="relative">
      <TextArea
        ref={ref}
        value={value}
        rows={multiline ? 3 : 1}
        spellCheck={false}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={Boolean(menu && options.length)}
        aria-controls={listId}
        aria-activedescendant={menu && options[active] ? `${listId}-${active}` : undefined}
        onChange={(event) => {
          onValue(event.target.value);
          refreshMenu(event.target.value, event.target.selectionStart ?? event.target.value.length);
        }}
        onKeyDown={onKeyDown}
        onClick={(event) => refreshMenu(event.currentTarget.value, event.currentTarget.selectionStart ?? 0)}
        onBlur={() => setTimeout(() => setMenu(null), 150)}
        aria-invalid={parsed && !parsed.ok ? true : props["aria-invalid"]}
        className={clsx("pr-8", multiline ? "min-h-[84px]" : "min-h-8 resize-none")}
        {...props}
      />
      <button
        type="button"
        onClick={insertBraces}
        title="Insert a variable"
        aria-label="Insert a variable"
        className="absolute top-1.5 right-1.5 rounded p-1 text-zinc-400 hover:bg-zinc-100 hover:text-indigo-600 focus-visible:outline-2 focus-visible:outline-indigo-500"
      >
        <Braces aria-hidden className="size-3.5" />
      </button>
      {menu && options.length > 0 ? (
        <div
          id={listId}
          role="listbox"
          data-testid="variable-suggestions"
          className="absolute right-0 left-0 z-30 mt-1 max-h-56 overflow-y-auto rounded-lg border border-zinc-200 bg-white py-1 shadow-lg"
        >
          {options.map((option, i) => (
            <div
              key={option.name}
              id={`${listId}-${i}`}
              role="option"
              // Focus stays in the text box (aria-activedescendant points here); -1 only makes it focusable.
              tabIndex={-1}
              aria-selected={i === active}
              onMouseDown={(event) => {
                event.preventDefault();
                pick(option.name);
              }}
              onMouseEnter={() => setActive(i)}
              className={clsx("cursor-pointer px-2.5 py-1.5", i === active ? "bg-indigo-50" : "hover:bg-zinc-50")}
            >
              <span className="block font-mono text-[12px] text-zinc-900">{option.name}</span>
              <span className="block truncate text-[11px] text-zinc-500">
                {option.description}
                {option.from ? <span className="text-zinc-400"> · from {option.from}</span> : null}
              </span>
            </div>
          ))}
        </div>
      ) : null}
      {parsed && !parsed.ok ? (
        <FieldMessage tone="error">
          {parsed.message} (at character {parsed.position})
        </FieldMessage>
      ) : null}
    </div>
  );
}
