/**
 * Readable renderings of the OpenAPI document's JSON Schemas: a one-line type ("string", "array of
 * Workflow", "\"CHAT\" | \"CUSTOM\"") and a property table. Component references link to their entry in
 * the page's Schemas section. Server-rendered: no client code.
 */
import type { ReactNode } from "react";

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  description?: string;
  format?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
};

export function refName(ref: string): string {
  return ref.split("/").pop() ?? ref;
}

export function schemaAnchor(name: string): string {
  return `schema-${name}`;
}

/** A short type expression for a schema. */
export function TypeLabel({ schema, depth = 0 }: { schema: JsonSchema | undefined; depth?: number }): ReactNode {
  if (!schema) return <span className="text-zinc-400">any</span>;
  if (schema.$ref) {
    const name = refName(schema.$ref);
    return (
      <a href={`#${schemaAnchor(name)}`} className="font-medium text-indigo-700 hover:underline">
        {name}
      </a>
    );
  }
  if (depth > 3) return <span>…</span>;
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) {
    return (
      <>
        {variants.map((variant, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the variants of a fixed schema, never reordered
          <span key={i}>
            {i > 0 ? <span className="text-zinc-400"> | </span> : null}
            <TypeLabel schema={variant} depth={depth + 1} />
          </span>
        ))}
      </>
    );
  }
  if (schema.const !== undefined) return <span>{JSON.stringify(schema.const)}</span>;
  if (schema.enum) return <span>{schema.enum.map((v) => JSON.stringify(v)).join(" | ")}</span>;
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const base = types.filter((t) => t !== "null");
  const nullable = types.includes("null");
  let label: ReactNode;
  if (base[0] === "array") {
    label = (
      <>
        array of <TypeLabel schema={schema.items} depth={depth + 1} />
      </>
    );
  } else if (base[0] === "object" || schema.properties) {
    label = schema.properties ? "object" : "map";
  } else if (base.length) {
    label = `${base.join(" | ")}${schema.format ? ` (${schema.format})` : ""}`;
  } else {
    label = <span className="text-zinc-400">any</span>;
  }
  return (
    <>
      {label}
      {nullable ? <span className="text-zinc-400"> | null</span> : null}
    </>
  );
}

function constraints(schema: JsonSchema): string {
  const parts: string[] = [];
  if (schema.minLength !== undefined) parts.push(`min length ${schema.minLength}`);
  if (schema.maxLength !== undefined) parts.push(`max length ${schema.maxLength}`);
  if (schema.minimum !== undefined) parts.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) parts.push(`≤ ${schema.maximum}`);
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return parts.join(", ");
}

/** The properties of an object schema as a table (nested objects one level deep). */
export function PropertyTable({ schema }: { schema: JsonSchema }) {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return null;
  const required = new Set(schema.required ?? []);
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[36rem] text-left text-[13px]">
        <thead className="text-xs text-zinc-500">
          <tr>
            <th className="py-1.5 pr-4 font-medium">Field</th>
            <th className="py-1.5 pr-4 font-medium">Type</th>
            <th className="py-1.5 font-medium">Notes</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 align-top">
          {properties.map(([name, property]) => (
            <tr key={name}>
              <td className="py-1.5 pr-4 font-mono text-zinc-900">
                {name}
                {required.has(name) ? (
                  <span className="text-red-600" title="required">
                    {" "}
                    *
                  </span>
                ) : null}
              </td>
              <td className="py-1.5 pr-4 font-mono text-zinc-700">
                <TypeLabel schema={property} />
              </td>
              <td className="py-1.5 text-zinc-600">
                <Prose text={[property.description, constraints(property)].filter(Boolean).join(" — ")} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Text with `inline code` spans, as the document's descriptions write them. */
export function Prose({ text }: { text: string }) {
  return (
    <>
      {text.split(/(`[^`]+`)/g).map((part, i) =>
        part.startsWith("`") && part.endsWith("`") && part.length > 2 ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: pieces of one fixed string in order (the same piece may recur)
          <code key={i} className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-[0.92em] text-zinc-800">
            {part.slice(1, -1)}
          </code>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: pieces of one fixed string in order (the same piece may recur)
          <span key={i}>{part}</span>
        ),
      )}
    </>
  );
}
