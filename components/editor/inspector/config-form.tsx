"use client";

/**
 * The settings form of a node, generated from its type's zod config schema: each field's widget, title and
 * help come from the schema's `.meta()`, bounds and options from its checks. Issues the validator found in
 * a field are shown under it; clicking an issue elsewhere scrolls here and focuses the field.
 */
import { clsx } from "clsx";
import { ArrowDown, ArrowUp, ChevronRight, Plus, Trash2 } from "lucide-react";
import { useEffect, useId, useMemo, useRef, useState, type ReactNode } from "react";
import { DEFAULT_MODEL_PROVIDER } from "@/lib/models/catalog";
import type { AnyNodeDefinition } from "@/lib/nodes/types";
import { useEditor } from "../editor-context";
import { McpToolsField } from "./mcp-tools-field";
import {
  describeConfig,
  formEntries,
  isAdvanced,
  type ConfigField,
  type FormEntry,
  type ListItemField,
} from "../model/config-fields";
import type { EditorNode } from "../model/document";
import { configFieldOf, type EditorIssue } from "../model/issues";
import { useEditorResources } from "../resources-context";
import { PromptInput } from "./prompt-input";
import { ExpressionInput, FieldMessage, JsonInput, NumberInput, Select, Switch, TextArea, TextInput } from "./widgets";

type SetField = (key: string, value: unknown) => void;

function fieldIssues(issues: readonly EditorIssue[] | undefined, key: string): EditorIssue[] {
  return (issues ?? []).filter((issue) => {
    const field = configFieldOf(issue.path);
    return field !== null && (field === key || field.startsWith(`${key}.`));
  });
}

/** The part of an issue message after "Node title: Field —", which the form already shows. */
function shortMessage(issue: EditorIssue): string {
  const dash = issue.message.indexOf(" — ");
  return dash === -1 ? issue.message : issue.message.slice(dash + 3);
}

export function ConfigForm({ node, definition }: { node: EditorNode; definition: AnyNodeDefinition }) {
  const setConfig = useEditor((state) => state.updateConfig);
  const issues = useEditor((state) => state.issues.byNode.get(node.id));
  const focus = useEditor((state) => state.focus);
  const container = useRef<HTMLDivElement>(null);
  const entries = useMemo(() => formEntries(describeConfig(definition.configSchema)), [definition]);
  const basic = entries.filter((entry) => !isAdvanced(entry));
  const advanced = entries.filter(isAdvanced);
  const [showAdvanced, setShowAdvanced] = useState(false);
  const set: SetField = (key, value) => setConfig(node.id, key, value);

  // An issue was clicked: open the section holding the field, scroll to it and put the caret in it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new focus request (its nonce) moves the caret; re-renders while typing (a new `advanced` array each time) must not
  useEffect(() => {
    if (!focus || focus.nodeId !== node.id || !focus.field) return;
    const top = focus.field.split(".")[0]!;
    if (advanced.some((entry) => entryKeys(entry).includes(top))) setShowAdvanced(true);
    const frame = requestAnimationFrame(() => {
      const root = container.current;
      const target =
        root?.querySelector<HTMLElement>(`[data-field="${CSS.escape(focus.field!)}"]`) ??
        root?.querySelector<HTMLElement>(`[data-field="${CSS.escape(top)}"]`);
      if (!target) return;
      target.scrollIntoView({ block: "center", behavior: "smooth" });
      target.querySelector<HTMLElement>("input, textarea, select, button[role=switch]")?.focus({ preventScroll: true });
    });
    return () => cancelAnimationFrame(frame);
  }, [focus?.nonce]);

  return (
    <div ref={container} className="flex flex-col gap-4">
      {basic.map((entry) => (
        <Entry key={entryKey(entry)} entry={entry} node={node} set={set} issues={issues} />
      ))}
      {advanced.length > 0 ? (
        <div className="rounded-lg border border-zinc-200">
          <button
            type="button"
            onClick={() => setShowAdvanced((open) => !open)}
            aria-expanded={showAdvanced}
            className="flex w-full items-center gap-1.5 px-3 py-2 text-[12px] font-medium text-zinc-600 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-indigo-500"
          >
            <ChevronRight aria-hidden className={clsx("size-3.5 transition-transform", showAdvanced && "rotate-90")} />
            Advanced
            {advanced.some((entry) => entryKeys(entry).some((key) => fieldIssues(issues, key).length > 0)) ? (
              <span role="img" className="ml-auto size-2 rounded-full bg-red-500" aria-label="has problems" />
            ) : null}
          </button>
          {showAdvanced ? (
            <div className="flex flex-col gap-4 border-t border-zinc-100 px-3 pt-3 pb-3">
              {advanced.map((entry) => (
                <Entry key={entryKey(entry)} entry={entry} node={node} set={set} issues={issues} />
              ))}
            </div>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

function entryKey(entry: FormEntry): string {
  return entry.kind === "field" ? entry.field.key : `group:${entry.group}`;
}

function entryKeys(entry: FormEntry): string[] {
  return entry.kind === "field" ? [entry.field.key] : entry.fields.map((field) => field.key);
}

function Entry({
  entry,
  node,
  set,
  issues,
}: {
  entry: FormEntry;
  node: EditorNode;
  set: SetField;
  issues: EditorIssue[] | undefined;
}) {
  if (entry.kind === "group" && entry.widget === "model") {
    const provider = entry.fields.find((field) => field.key === "provider");
    const model = entry.fields.find((field) => field.key === "model");
    if (provider && model) {
      return (
        <ModelPicker
          node={node}
          provider={provider}
          model={model}
          set={set}
          issues={[...fieldIssues(issues, "provider"), ...fieldIssues(issues, "model")]}
        />
      );
    }
  }
  const fields = entry.kind === "field" ? [entry.field] : entry.fields;
  return (
    <>
      {fields.map((field) => (
        <FieldRow key={field.key} field={field} node={node} set={set} issues={fieldIssues(issues, field.key)} />
      ))}
    </>
  );
}

function FieldShell({
  field,
  inputId,
  issues,
  children,
  inline = false,
  dataField,
}: {
  field: Pick<ConfigField, "key" | "meta" | "required">;
  inputId: string;
  issues: EditorIssue[];
  children: ReactNode;
  inline?: boolean;
  dataField?: string;
}) {
  const messageId = `${inputId}-issues`;
  return (
    <div data-field={dataField ?? field.key} data-testid={`field-${dataField ?? field.key}`} className="min-w-0">
      <div className={clsx(inline ? "flex items-center justify-between gap-3" : "")}>
        <label htmlFor={inputId} className="block text-[12.5px] font-medium text-zinc-800">
          {field.meta.title}
          {field.required ? (
            <span className="ml-0.5 text-red-500" aria-hidden>
              *
            </span>
          ) : null}
        </label>
        {inline ? children : null}
      </div>
      {field.meta.description ? (
        <p className="mt-0.5 mb-1.5 text-[11.5px] leading-snug text-zinc-500">{field.meta.description}</p>
      ) : (
        <div className="h-1" />
      )}
      {inline ? null : children}
      {field.meta.usesSecrets ? <SecretsHint /> : null}
      {issues.length > 0 ? (
        <div id={messageId} data-testid={`field-issues-${field.key}`}>
          {issues.map((issue) => (
            <FieldMessage key={issue.key} tone="error">
              {shortMessage(issue)}
            </FieldMessage>
          ))}
        </div>
      ) : null}
    </div>
  );
}

/** Under a field that may read secrets: which ones the user has, and where to add more. */
function SecretsHint() {
  const names = useEditorResources().validationContext.secretNames ?? [];
  return (
    <p data-testid="secrets-hint" className="mt-1 text-[11.5px] leading-snug text-zinc-500">
      {names.length ? (
        <>
          Your secrets:{" "}
          {names.map((name, i) => (
            <span key={name}>
              {i > 0 ? ", " : null}
              <code className="font-mono text-zinc-700">{`{{secrets.${name}}}`}</code>
            </span>
          ))}
          . Runs show them as [secret NAME].{" "}
        </>
      ) : (
        "You have no secrets yet. "
      )}
      {/* A new tab: leaving the editor here would drop unsaved changes. */}
      <a
        href="/settings#secrets"
        target="_blank"
        rel="noopener"
        className="font-medium text-indigo-700 hover:underline"
      >
        {names.length ? "Manage them in Settings" : "Add one in Settings"}
      </a>{" "}
      (opens in a new tab).
    </p>
  );
}

/** Widgets that parse their own text live and show the parse error themselves. */
const SELF_CHECKING = new Set(["expression", "prompt"]);
const PARSE_CODES = new Set(["expression.invalid", "template.invalid"]);

function FieldRow({
  field,
  node,
  set,
  issues: all,
}: {
  field: ConfigField;
  node: EditorNode;
  set: SetField;
  issues: EditorIssue[];
}) {
  const inputId = useId();
  const issues = SELF_CHECKING.has(field.meta.widget) ? all.filter((issue) => !PARSE_CODES.has(issue.code)) : all;
  const raw = node.data.config[field.key];
  const value = raw === undefined ? field.defaultValue : raw;
  const invalid = issues.length > 0 ? true : undefined;
  const common = { id: inputId, "aria-invalid": invalid, placeholder: field.meta.placeholder } as const;
  const { tools, knowledgeBases, workflows } = useEditorResources();

  switch (field.meta.widget) {
    case "switch":
      return (
        <FieldShell field={field} inputId={inputId} issues={issues} inline>
          <Switch
            id={inputId}
            checked={Boolean(value)}
            onChange={(checked) => set(field.key, checked)}
            label={field.meta.title}
          />
        </FieldShell>
      );
    case "number":
      return (
        <FieldShell field={field} inputId={inputId} issues={issues}>
          <NumberInput
            {...common}
            value={raw}
            placeholder={field.defaultValue !== undefined ? String(field.defaultValue) : field.meta.placeholder}
            min={field.min}
            max={field.max}
            integer={field.integer}
            onValue={(n) => set(field.key, n)}
          />
        </FieldShell>
      );
    case "select":
      return (
        <FieldShell field={field} inputId={inputId} issues={issues}>
          <Select
            {...common}
            value={typeof value === "string" ? value : ""}
            onChange={(event) => set(field.key, event.target.value)}
          >
            {(field.options ?? []).map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </Select>
        </FieldShell>
      );
    case "json":
      return (
        <FieldShell field={field} inputId={inputId} issues={issues}>
          <JsonInput {...common} value={value} onValue={(parsed) => set(field.key, parsed)} />
        </FieldShell>
      );
    case "expression":
      return (
        <FieldShell field={field} inputId={inputId} issues={issues}>
          <ExpressionInput
            {...common}
            value={typeof value === "string" ? value : ""}
            onValue={(text) => set(field.key, text)}
          />
        </FieldShell>
      );
    case "prompt":
      return (
        <FieldShell field={field} inputId={inputId} issues={issues}>
          <PromptInput
            {...common}
            nodeId={node.id}
            value={typeof value === "string" ? value : ""}
            multiline={field.key !== "url"}
            onValue={(text) => set(field.key, text)}
          />
        </FieldShell>
      );
    case "textarea":
      return (
        <FieldShell field={field} inputId={inputId} issues={issues}>
          <TextArea
            {...common}
            value={typeof value === "string" ? value : ""}
            onChange={(event) => set(field.key, event.target.value)}
          />
        </FieldShell>
      );
    case "tools": {
      const chosen = Array.isArray(value)
        ? (value as unknown[]).filter((item): item is string => typeof item === "string")
        : [];
      const all = [...new Set([...tools, ...chosen])];
      return (
        <FieldShell field={field} inputId={inputId} issues={issues}>
          <fieldset id={inputId} aria-label={field.meta.title} className="grid min-w-0 grid-cols-2 gap-1.5">
            {all.map((tool) => (
              <label
                key={tool}
                className={clsx(
                  "flex cursor-pointer items-center gap-2 rounded-md border px-2 py-1.5 text-[12px]",
                  chosen.includes(tool)
                    ? "border-indigo-300 bg-indigo-50 text-indigo-900"
                    : "border-zinc-200 text-zinc-700 hover:bg-zinc-50",
                  !tools.includes(tool) && "border-red-300 text-red-700",
                )}
              >
                <input
                  type="checkbox"
                  checked={chosen.includes(tool)}
                  onChange={(event) =>
                    set(field.key, event.target.checked ? [...chosen, tool] : chosen.filter((name) => name !== tool))
                  }
                  className="accent-indigo-600"
                />
                <span className="truncate font-mono">{tool}</span>
              </label>
            ))}
          </fieldset>
        </FieldShell>
      );
    }
    case "knowledgeBase": {
      const current = typeof value === "string" ? value : "";
      const known = knowledgeBases.some((kb) => kb.id === current);
      return (
        <FieldShell field={field} inputId={inputId} issues={issues}>
          <Select {...common} value={current} onChange={(event) => set(field.key, event.target.value)}>
            <option value="">{knowledgeBases.length ? "Choose a knowledge base…" : "No knowledge bases yet"}</option>
            {current && !known ? <option value={current}>{current}</option> : null}
            {knowledgeBases.map((kb) => (
              <option key={kb.id} value={kb.id}>
                {kb.name}
              </option>
            ))}
          </Select>
          {knowledgeBases.length === 0 ? (
            <p className="mt-1 text-[11.5px] text-zinc-500">
              {/* A new tab: leaving the editor here would drop unsaved changes. */}
              <a
                href="/knowledge"
                target="_blank"
                rel="noopener"
                data-testid="knowledge-link"
                className="font-medium text-indigo-700 hover:underline"
              >
                Create one in Knowledge
              </a>{" "}
              (opens in a new tab), then add documents to it.
            </p>
          ) : null}
        </FieldShell>
      );
    }
    case "mcpTools":
      return (
        <FieldShell
          field={field}
          inputId={inputId}
          issues={issues.filter((issue) => configFieldOf(issue.path) === field.key)}
        >
          <McpToolsField inputId={inputId} value={value} onValue={(next) => set(field.key, next)} />
        </FieldShell>
      );
    case "list":
      return (
        <FieldShell
          field={field}
          inputId={inputId}
          issues={issues.filter((issue) => configFieldOf(issue.path) === field.key)}
        >
          <ListEditor
            field={field}
            node={node}
            value={Array.isArray(value) ? (value as unknown[]) : []}
            set={set}
            allIssues={issues}
          />
        </FieldShell>
      );
    default: {
      // A subworkflow's target is a workflow id: offer the user's workflows by name.
      if (field.key === "definitionId") {
        const current = typeof value === "string" ? value : "";
        return (
          <FieldShell field={field} inputId={inputId} issues={issues}>
            <Select {...common} value={current} onChange={(event) => set(field.key, event.target.value)}>
              <option value="">Choose a workflow…</option>
              {current && !workflows.some((wf) => wf.id === current) ? (
                <option value={current}>{current}</option>
              ) : null}
              {workflows.map((wf) => (
                <option key={wf.id} value={wf.id}>
                  {wf.name}
                </option>
              ))}
            </Select>
          </FieldShell>
        );
      }
      return (
        <FieldShell field={field} inputId={inputId} issues={issues}>
          <TextInput
            {...common}
            value={typeof value === "string" ? value : ""}
            onChange={(event) => set(field.key, event.target.value)}
          />
        </FieldShell>
      );
    }
  }
}

/** "openai · gpt-4o-mini (Team OpenAI)", or the test model said plainly. */
function defaultModelLabel(model: { provider: string; model: string; credentialName?: string; builtin: boolean }) {
  if (model.builtin) return "the built-in test model";
  return `${model.provider} · ${model.model}${model.credentialName ? ` (${model.credentialName})` : ""}`;
}

/**
 * Where a model node's answers come from, and which model: "the default model" (resolved when the workflow
 * runs, for whoever runs it), a server-wide provider, or one of the user's credentials.
 */
function ModelPicker({
  node,
  provider,
  model,
  set,
  issues,
}: {
  node: EditorNode;
  provider: ConfigField;
  model: ConfigField;
  set: SetField;
  issues: EditorIssue[];
}) {
  const { providers, credentials, defaultModel } = useEditorResources();
  const providerId = useId();
  const modelId = useId();
  const listId = useId();
  const currentProvider =
    typeof node.data.config.provider === "string" ? node.data.config.provider : String(provider.defaultValue ?? "");
  const currentModel =
    typeof node.data.config.model === "string" ? node.data.config.model : String(model.defaultValue ?? "");
  const credentialId = typeof node.data.config.credentialId === "string" ? node.data.config.credentialId : undefined;
  const credential = credentialId ? credentials.find((c) => c.id === credentialId) : undefined;
  const isDefault = currentProvider === DEFAULT_MODEL_PROVIDER;
  const info = providers.find((p) => p.id === currentProvider);
  // One select for where answers come from: the default model, a server-wide provider, or a credential.
  const choice = isDefault ? DEFAULT_MODEL_PROVIDER : credentialId ? `credential:${credentialId}` : currentProvider;

  const changeChoice = (value: string) => {
    if (value === DEFAULT_MODEL_PROVIDER) {
      set("provider", DEFAULT_MODEL_PROVIDER);
      set("model", "default");
      set("credentialId", undefined);
      return;
    }
    const picked = value.startsWith("credential:")
      ? credentials.find((c) => `credential:${c.id}` === value)
      : undefined;
    const id = picked?.provider ?? value;
    set("provider", id);
    set("credentialId", picked?.id);
    const next = providers.find((p) => p.id === id);
    // Keep the model when the new provider offers it; otherwise start from its first suggestion.
    if (next && (isDefault || (!next.models.includes(currentModel) && (next.models.length > 0 || !next.openModelList))))
      set("model", next.models[0] ?? "");
  };

  return (
    <div
      data-field="provider"
      data-testid="field-model-picker"
      className="rounded-lg border border-zinc-200 bg-zinc-50/60 p-3"
    >
      <p className="mb-2 text-[12.5px] font-medium text-zinc-800">Model</p>
      <div className="grid grid-cols-2 gap-2">
        <div>
          <label htmlFor={providerId} className="mb-1 block text-[11px] font-medium text-zinc-500">
            Provider
          </label>
          <Select
            id={providerId}
            data-testid="model-provider"
            value={choice}
            onChange={(event) => changeChoice(event.target.value)}
            aria-invalid={issues.length ? true : undefined}
          >
            <option value={DEFAULT_MODEL_PROVIDER}>Default model</option>
            {info || isDefault || credential ? null : <option value={choice}>{currentProvider || "—"}</option>}
            {credentialId && !credential ? <option value={choice}>Missing credential</option> : null}
            <optgroup label="Server-wide">
              {providers.map((p) => (
                <option key={p.id} value={p.id}>
                  {/* "Local (built in, deterministic)" → "Local": the details do not fit a select. */}
                  {p.label.replace(/\s*\(.*\)$/, "")}
                  {p.configured ? "" : " (not configured)"}
                </option>
              ))}
            </optgroup>
            {credentials.length ? (
              <optgroup label="Your credentials">
                {credentials.map((c) => (
                  <option key={c.id} value={`credential:${c.id}`}>
                    {c.name}
                  </option>
                ))}
              </optgroup>
            ) : null}
          </Select>
        </div>
        {isDefault ? (
          <div data-field="model" data-testid="default-model-resolved" className="text-[12px] text-zinc-600">
            <span className="mb-1 block text-[11px] font-medium text-zinc-500">Resolves to</span>
            <span className="block truncate pt-1.5 font-medium text-zinc-800" title={defaultModelLabel(defaultModel)}>
              {defaultModelLabel(defaultModel)}
            </span>
          </div>
        ) : (
          <div data-field="model">
            <label htmlFor={modelId} className="mb-1 block text-[11px] font-medium text-zinc-500">
              Model
            </label>
            {info && !info.openModelList ? (
              <Select
                id={modelId}
                data-testid="model-name"
                value={currentModel}
                onChange={(event) => set("model", event.target.value)}
                aria-invalid={issues.length ? true : undefined}
              >
                {info.models.includes(currentModel) ? null : (
                  <option value={currentModel}>{currentModel || "—"}</option>
                )}
                {info.models.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </Select>
            ) : (
              <>
                <TextInput
                  id={modelId}
                  data-testid="model-name"
                  list={listId}
                  value={currentModel}
                  onChange={(event) => set("model", event.target.value)}
                  aria-invalid={issues.length ? true : undefined}
                  placeholder="Model name"
                />
                <datalist id={listId}>
                  {(info?.models ?? []).map((name) => (
                    <option key={name} value={name} />
                  ))}
                </datalist>
              </>
            )}
          </div>
        )}
      </div>
      {isDefault ? (
        <FieldMessage tone="hint">
          {defaultModel.builtin
            ? "Answers come from the built-in test model, which repeats what it is sent: add a credential in Settings → Model providers to use a real one."
            : "Your default model, set in Settings; it applies when the workflow runs."}
        </FieldMessage>
      ) : credentialId && !credential ? (
        <FieldMessage tone="error">This credential no longer exists: pick another one.</FieldMessage>
      ) : info && !info.configured && !credential ? (
        <FieldMessage tone="hint">
          This provider is not configured on this server; runs will be refused until it is.
        </FieldMessage>
      ) : null}
      {issues.map((issue) => (
        <FieldMessage key={issue.key} tone="error">
          {shortMessage(issue)}
        </FieldMessage>
      ))}
    </div>
  );
}

/** An array of items (branches, routes, assignments), each a small form of its own. */
function ListEditor({
  field,
  node,
  value,
  set,
  allIssues,
}: {
  field: ConfigField;
  node: EditorNode;
  value: unknown[];
  set: SetField;
  allIssues: EditorIssue[];
}) {
  const itemFields = field.itemFields ?? [];
  const items = value.map((item) =>
    typeof item === "object" && item !== null && !Array.isArray(item) ? (item as Record<string, unknown>) : {},
  );
  const update = (next: Record<string, unknown>[]) => set(field.key, next);
  const updateItem = (index: number, key: string, itemValue: unknown) =>
    update(
      items.map((item, i) => {
        if (i !== index) return item;
        const copy = { ...item };
        if (itemValue === undefined || itemValue === "") {
          const itemField = itemFields.find((f) => f.key === key);
          // Optional fields are removed when emptied, so "give a value or an expression" can be satisfied.
          if (itemField?.optional) delete copy[key];
          else copy[key] = itemValue ?? "";
        } else copy[key] = itemValue;
        return copy;
      }),
    );

  const addItem = () => {
    const template =
      Array.isArray(field.defaultValue) && field.defaultValue[0]
        ? structuredClone(field.defaultValue[0] as Record<string, unknown>)
        : {};
    const keyField = itemFields.find((f) => f.key === "key" || f.key === "name");
    if (keyField) {
      const taken = new Set(items.map((item) => item[keyField.key]));
      const stem = keyField.key === "name" ? "var" : field.key === "routes" ? "route" : "branch";
      let n = items.length + 1;
      while (taken.has(`${stem}_${n}`)) n += 1;
      template[keyField.key] = `${stem}_${n}`;
    }
    delete template.label;
    update([...items, template]);
  };

  const move = (index: number, by: number) => {
    const target = index + by;
    if (target < 0 || target >= items.length) return;
    const next = items.slice();
    [next[index], next[target]] = [next[target]!, next[index]!];
    update(next);
  };

  return (
    <div className="flex flex-col gap-2">
      {items.map((item, index) => (
        <div
          // biome-ignore lint/suspicious/noArrayIndexKey: entries are plain config objects whose only identity is their position (issue paths and test ids are positional too); a key from an editable field would remount the entry, and drop the caret, at each keystroke
          key={index}
          data-testid={`list-item-${field.key}-${index}`}
          className="rounded-lg border border-zinc-200 bg-zinc-50/60 p-2.5"
        >
          <div className="mb-1.5 flex items-center gap-1">
            <span className="text-[11px] font-semibold text-zinc-500">#{index + 1}</span>
            <span className="ml-auto flex items-center gap-0.5">
              <IconButton label="Move up" onClick={() => move(index, -1)} disabled={index === 0}>
                <ArrowUp className="size-3.5" />
              </IconButton>
              <IconButton label="Move down" onClick={() => move(index, 1)} disabled={index === items.length - 1}>
                <ArrowDown className="size-3.5" />
              </IconButton>
              <IconButton
                label={`Remove #${index + 1}`}
                onClick={() => update(items.filter((_, i) => i !== index))}
                danger
              >
                <Trash2 className="size-3.5" />
              </IconButton>
            </span>
          </div>
          <div className="flex flex-col gap-2">
            {itemFields.map((itemField) => (
              <ListItemInput
                key={itemField.key}
                nodeId={node.id}
                listKey={field.key}
                index={index}
                itemField={itemField}
                value={item[itemField.key]}
                onValue={(v) => updateItem(index, itemField.key, v)}
                issues={allIssues.filter((issue) => {
                  const path = configFieldOf(issue.path);
                  const at = `${field.key}.${index}.${itemField.key}`;
                  return (
                    path === at ||
                    // An issue inside the item's value (a header of a JSON object) shows at that value.
                    path?.startsWith(`${at}.`) ||
                    (itemField.key === Object.keys(item)[0] && path === `${field.key}.${index}`)
                  );
                })}
              />
            ))}
          </div>
        </div>
      ))}
      <button
        type="button"
        onClick={addItem}
        data-testid={`list-add-${field.key}`}
        className="flex items-center justify-center gap-1.5 rounded-lg border border-dashed border-zinc-300 py-1.5 text-[12px] font-medium text-zinc-600 hover:border-indigo-400 hover:text-indigo-700 focus-visible:outline-2 focus-visible:outline-indigo-500"
      >
        <Plus aria-hidden className="size-3.5" />
        Add
      </button>
    </div>
  );
}

function ListItemInput({
  nodeId,
  listKey,
  index,
  itemField,
  value,
  onValue,
  issues,
}: {
  nodeId: string;
  listKey: string;
  index: number;
  itemField: ListItemField;
  value: unknown;
  onValue: (value: unknown) => void;
  issues: EditorIssue[];
}) {
  const inputId = useId();
  const path = `${listKey}.${index}.${itemField.key}`;
  const { title, placeholder } = itemField;
  // The expression and prompt widgets show their own parse errors; the validator's would repeat them.
  const shown = SELF_CHECKING.has(itemField.widget) ? issues.filter((issue) => !PARSE_CODES.has(issue.code)) : issues;
  const invalid = shown.length > 0 ? true : undefined;
  const common = { id: inputId, "aria-invalid": invalid, placeholder } as const;
  let input: ReactNode;
  switch (itemField.widget) {
    case "expression":
      input = <ExpressionInput {...common} value={typeof value === "string" ? value : ""} onValue={onValue} />;
      break;
    case "prompt":
      input = (
        <PromptInput {...common} nodeId={nodeId} value={typeof value === "string" ? value : ""} onValue={onValue} />
      );
      break;
    case "textarea":
      input = (
        <TextArea
          {...common}
          rows={2}
          value={typeof value === "string" ? value : ""}
          onChange={(event) => onValue(event.target.value)}
        />
      );
      break;
    case "json":
      input = <JsonInput {...common} rows={2} value={value} onValue={onValue} />;
      break;
    default:
      input = (
        <TextInput
          {...common}
          value={typeof value === "string" ? value : ""}
          onChange={(event) => onValue(event.target.value)}
        />
      );
  }
  return (
    <div data-field={path} data-testid={`field-${path}`}>
      <label htmlFor={inputId} className="mb-0.5 block text-[11px] font-medium text-zinc-600">
        {title}
        {itemField.optional ? <span className="font-normal text-zinc-400"> (optional)</span> : null}
      </label>
      {input}
      {shown.map((issue) => (
        <FieldMessage key={issue.key} tone="error">
          {shortMessage(issue)}
        </FieldMessage>
      ))}
    </div>
  );
}

function IconButton({
  label,
  onClick,
  disabled,
  danger,
  children,
}: {
  label: string;
  onClick: () => void;
  disabled?: boolean;
  danger?: boolean;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      onClick={onClick}
      disabled={disabled}
      className={clsx(
        "rounded p-1 text-zinc-400 disabled:opacity-30 focus-visible:outline-2 focus-visible:outline-indigo-500",
        danger ? "hover:bg-red-50 hover:text-red-600" : "hover:bg-zinc-200 hover:text-zinc-700",
      )}
    >
      {children}
    </button>
  );
}
