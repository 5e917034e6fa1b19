/**
 * Reads a node type's zod config schema into the list of fields the inspector renders: each field's editor
 * metadata (`.meta({ title, widget… })`), its underlying kind, bounds, options and default. The schema stays
 * the single source of truth — a new field on a node type appears in the inspector with no UI code.
 */
import type { z } from "zod";
import { getFieldMeta, type FieldMeta, type FieldWidget } from "@/lib/nodes/types";

export type FieldKind = "string" | "number" | "boolean" | "enum" | "array" | "record" | "object" | "unknown";

export interface ListItemField {
  key: string;
  widget: FieldWidget;
  kind: FieldKind;
  optional: boolean;
  /** The label (`itemTitles` in the list's meta); by default the key, capitalised. */
  title: string;
  /** An example shown in the empty input (`itemPlaceholders`). */
  placeholder?: string;
}

export interface ConfigField {
  key: string;
  meta: FieldMeta;
  kind: FieldKind;
  /** No default and not optional: the user must fill it in. */
  required: boolean;
  optional: boolean;
  defaultValue: unknown;
  options?: string[];
  min?: number;
  max?: number;
  integer?: boolean;
  maxLength?: number;
  /** For a `list` widget: the fields of one item. */
  itemFields?: ListItemField[];
}

export type FormEntry =
  | { kind: "field"; field: ConfigField }
  /** Fields that share a `group` are edited by one widget (the model picker edits provider + model). */
  | { kind: "group"; group: string; widget: FieldWidget; fields: ConfigField[] };

interface ZodInternals {
  def: { type: string; innerType?: z.ZodType; element?: z.ZodType; defaultValue?: unknown };
  options?: readonly unknown[];
  minValue?: number | null;
  maxValue?: number | null;
  isInt?: boolean;
  maxLength?: number | null;
  shape?: Record<string, z.ZodType>;
}

function internals(schema: z.ZodType): ZodInternals {
  return schema as unknown as ZodInternals;
}

/** Strips default/optional/nullable wrappers; reports whether one made the field optional. */
function unwrap(schema: z.ZodType): {
  inner: z.ZodType;
  optional: boolean;
  hasDefault: boolean;
  defaultValue: unknown;
} {
  let current = schema;
  let optional = false;
  let hasDefault = false;
  let defaultValue: unknown;
  for (let depth = 0; depth < 10; depth += 1) {
    const { def } = internals(current);
    if (def.type === "default" || def.type === "prefault") {
      hasDefault = true;
      const parsed = schema.safeParse(undefined);
      defaultValue = parsed.success ? parsed.data : undefined;
    } else if (def.type === "optional" || def.type === "nullable") {
      optional = true;
    } else break;
    if (!def.innerType) break;
    current = def.innerType;
  }
  return { inner: current, optional, hasDefault, defaultValue };
}

function kindOf(schema: z.ZodType): FieldKind {
  switch (internals(schema).def.type) {
    case "string":
      return "string";
    case "number":
    case "int":
      return "number";
    case "boolean":
      return "boolean";
    case "enum":
      return "enum";
    case "array":
      return "array";
    case "record":
      return "record";
    case "object":
      return "object";
    default:
      return "unknown";
  }
}

function itemFieldsOf(arraySchema: z.ZodType, meta: FieldMeta): ListItemField[] | undefined {
  const element = internals(arraySchema).def.element;
  if (!element) return undefined;
  const shape = internals(element).shape;
  if (!shape) return undefined;
  const byKey = <T>(value: unknown) =>
    (typeof value === "object" && value !== null ? value : {}) as Record<string, T | undefined>;
  const widgets = byKey<FieldWidget>(meta.itemWidgets);
  const titles = byKey<string>(meta.itemTitles);
  const placeholders = byKey<string>(meta.itemPlaceholders);
  return Object.entries(shape).map(([key, fieldSchema]) => {
    const { inner, optional, hasDefault } = unwrap(fieldSchema);
    const kind = kindOf(inner);
    const placeholder = placeholders[key];
    return {
      key,
      kind,
      optional: optional || hasDefault,
      title: titles[key] ?? key.charAt(0).toUpperCase() + key.slice(1),
      ...(placeholder ? { placeholder } : {}),
      widget:
        widgets[key] ??
        (kind === "number" ? "number" : kind === "boolean" ? "switch" : kind === "string" ? "text" : "json"),
    };
  });
}

/** The fields of a config schema, in declaration order, each with its metadata; fields without meta are skipped. */
export function describeConfig(schema: z.ZodObject): ConfigField[] {
  const fields: ConfigField[] = [];
  for (const [key, fieldSchema] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const meta = getFieldMeta(fieldSchema);
    if (!meta) continue;
    const { inner, optional, hasDefault, defaultValue } = unwrap(fieldSchema);
    const kind = kindOf(inner);
    const i = internals(inner);
    fields.push({
      key,
      meta,
      kind,
      required: !optional && !hasDefault,
      optional,
      defaultValue,
      ...(kind === "enum" && i.options ? { options: i.options.map(String) } : {}),
      ...(kind === "number"
        ? {
            ...(typeof i.minValue === "number" && Number.isFinite(i.minValue) ? { min: i.minValue } : {}),
            ...(typeof i.maxValue === "number" && Number.isFinite(i.maxValue) ? { max: i.maxValue } : {}),
            integer: Boolean(i.isInt),
          }
        : {}),
      ...(kind === "string" && typeof i.maxLength === "number" ? { maxLength: i.maxLength } : {}),
      ...(meta.widget === "list" ? { itemFields: itemFieldsOf(inner, meta) } : {}),
    });
  }
  return fields;
}

/** Fields arranged for the form: grouped fields collapse into one entry at the first member's place. */
export function formEntries(fields: readonly ConfigField[]): FormEntry[] {
  const entries: FormEntry[] = [];
  const groups = new Map<string, Extract<FormEntry, { kind: "group" }>>();
  for (const field of fields) {
    const group = field.meta.group;
    if (!group) {
      entries.push({ kind: "field", field });
      continue;
    }
    const existing = groups.get(group);
    if (existing) {
      existing.fields.push(field);
      continue;
    }
    const entry = { kind: "group" as const, group, widget: field.meta.widget, fields: [field] };
    groups.set(group, entry);
    entries.push(entry);
  }
  return entries;
}

export function isAdvanced(entry: FormEntry): boolean {
  return entry.kind === "field"
    ? Boolean(entry.field.meta.advanced)
    : entry.fields.every((field) => field.meta.advanced);
}
