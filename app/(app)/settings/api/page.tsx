/**
 * The API reference, rendered from the same OpenAPI document GET /api/openapi.json serves (itself generated
 * from the routes' zod schemas), so this page cannot fall behind the API.
 */
import type { Metadata } from "next";
import Link from "next/link";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Card, CardContent, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { createOpenApiDocument } from "@/lib/http/openapi";
import { requireSessionUser } from "@/lib/auth";
import { PropertyTable, Prose, schemaAnchor, TypeLabel, type JsonSchema } from "./schema-view";

export const metadata: Metadata = { title: "API reference" };

const METHODS = ["get", "post", "put", "patch", "delete"] as const;
const METHOD_TONES: Record<(typeof METHODS)[number], BadgeTone> = {
  get: "indigo",
  post: "green",
  put: "amber",
  patch: "amber",
  delete: "red",
};

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: JsonSchema;
}
interface MediaType {
  schema?: JsonSchema;
}
interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, MediaType> };
  responses?: Record<string, { description?: string; content?: Record<string, MediaType> }>;
}

function Body({ content }: { content: Record<string, MediaType> }) {
  return (
    <div className="flex flex-col gap-3">
      {Object.entries(content).map(([type, media]) => (
        <div key={type} className="flex flex-col gap-1.5">
          <p className="text-xs text-zinc-500">
            <span className="font-mono">{type}</span> —{" "}
            <span className="font-mono text-zinc-700">
              <TypeLabel schema={media.schema} />
            </span>
          </p>
          {media.schema?.properties ? <PropertyTable schema={media.schema} /> : null}
        </div>
      ))}
    </div>
  );
}

function OperationCard({ method, path, op }: { method: (typeof METHODS)[number]; path: string; op: Operation }) {
  const success = Object.entries(op.responses ?? {}).filter(([status]) => status.startsWith("2"));
  const errors = Object.entries(op.responses ?? {}).filter(([status]) => !status.startsWith("2"));
  return (
    <article
      id={op.operationId}
      className="flex flex-col gap-3 border-t border-zinc-200 px-5 py-4 first:border-t-0"
      data-testid="api-operation"
    >
      <header className="flex flex-wrap items-center gap-2">
        <Badge tone={METHOD_TONES[method]} className="font-mono uppercase">
          {method}
        </Badge>
        <code className="text-sm font-semibold text-zinc-900">{path}</code>
        {op.security && op.security.length === 0 ? <Badge>public</Badge> : null}
      </header>
      <div>
        <p className="text-sm font-medium text-zinc-800">{op.summary}</p>
        {op.description ? (
          <p className="mt-1 max-w-3xl text-[13px] text-zinc-600">
            <Prose text={op.description} />
          </p>
        ) : null}
      </div>
      {op.parameters?.length ? (
        <section className="flex flex-col gap-1">
          <h4 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">Parameters</h4>
          <ul className="flex flex-col gap-1 text-[13px]">
            {op.parameters.map((p) => (
              <li key={`${p.in}:${p.name}`}>
                <span className="font-mono text-zinc-900">{p.name}</span>
                <span className="text-zinc-400">
                  {" "}
                  ({p.in}
                  {p.required ? ", required" : ""})
                </span>{" "}
                <span className="font-mono text-zinc-700">
                  <TypeLabel schema={p.schema} />
                </span>
                {p.description || p.schema?.description ? (
                  <span className="text-zinc-600">
                    {" — "}
                    <Prose text={p.description ?? p.schema?.description ?? ""} />
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {op.requestBody?.content ? (
        <section className="flex flex-col gap-1.5">
          <h4 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">
            Body{op.requestBody.required === false ? " (optional)" : ""}
          </h4>
          <Body content={op.requestBody.content} />
        </section>
      ) : null}
      <section className="flex flex-col gap-1.5">
        <h4 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">Responses</h4>
        {success.map(([status, response]) => (
          <div key={status} className="flex flex-col gap-1.5">
            <p className="text-[13px] text-zinc-700">
              <span className="font-mono font-semibold text-emerald-700">{status}</span>{" "}
              <Prose text={response.description ?? ""} />
            </p>
            {response.content ? <Body content={response.content} /> : null}
          </div>
        ))}
        {errors.length ? (
          <ul className="flex flex-wrap gap-x-4 gap-y-1 text-[13px] text-zinc-600">
            {errors.map(([status, response]) => (
              <li key={status}>
                <span className="font-mono font-semibold text-red-700">{status}</span>{" "}
                <Prose text={response.description ?? ""} />
              </li>
            ))}
          </ul>
        ) : null}
      </section>
    </article>
  );
}

export default async function ApiReferencePage() {
  await requireSessionUser({ callbackUrl: "/settings/api" });
  const document = createOpenApiDocument() as unknown as {
    info: { description?: string };
    tags?: { name: string; description?: string }[];
    paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
    components?: { schemas?: Record<string, JsonSchema> };
  };
  const byTag = new Map<string, { method: (typeof METHODS)[number]; path: string; op: Operation }[]>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? "Other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), { method, path, op }]);
    }
  }
  const schemas = Object.entries(document.components?.schemas ?? {}).sort(([a], [b]) => a.localeCompare(b));

  return (
    <div className="flex flex-col gap-8">
      <PageHeader
        title="API reference"
        description="Everything the app does, you can do over HTTP: the same routes, the same rules."
        actions={
          <>
            <Link href="/settings" className="text-sm font-medium text-indigo-700 hover:underline">
              Create an API key
            </Link>
            <a
              href="/api/openapi.json"
              className="text-sm font-medium text-indigo-700 hover:underline"
              data-testid="openapi-link"
            >
              openapi.json
            </a>
          </>
        }
      />
      <Card>
        <CardHeader title="Calling the API" />
        <CardContent className="flex flex-col gap-2 text-sm text-zinc-700">
          <p>
            <Prose text={document.info.description ?? ""} />
          </p>
          <pre className="overflow-x-auto rounded-md bg-zinc-950 px-4 py-3 font-mono text-[13px] text-zinc-100">
            {`curl -H "Authorization: Bearer $LATTICE_API_KEY" \\
     -H "Content-Type: application/json" \\
     -d '{"type":"TEMPLATE","templateId":"…","input":{"message":"hi"}}' \\
     ${"<this server>"}/api/executions`}
          </pre>
          <p>
            Add <code className="font-mono">Accept: text/event-stream</code> to a run request to receive its events as
            they happen.
          </p>
        </CardContent>
      </Card>
      {(document.tags ?? [])
        .filter((tag) => byTag.has(tag.name))
        .map((tag) => (
          <Card key={tag.name} aria-labelledby={`tag-${tag.name}`}>
            <CardHeader title={<span id={`tag-${tag.name}`}>{tag.name}</span>} description={tag.description} />
            <div>
              {byTag.get(tag.name)!.map(({ method, path, op }) => (
                <OperationCard key={`${method} ${path}`} method={method} path={path} op={op} />
              ))}
            </div>
          </Card>
        ))}
      <Card>
        <CardHeader title="Schemas" description="The shapes the operations above refer to." />
        <div>
          {schemas.map(([name, schema]) => (
            <section
              key={name}
              id={schemaAnchor(name)}
              className="flex flex-col gap-2 border-t border-zinc-200 px-5 py-4 first:border-t-0"
            >
              <h3 className="font-mono text-sm font-semibold text-zinc-900">{name}</h3>
              {schema.description ? (
                <p className="text-[13px] text-zinc-600">
                  <Prose text={schema.description} />
                </p>
              ) : null}
              {schema.properties ? (
                <PropertyTable schema={schema} />
              ) : (
                <p className="font-mono text-[13px] text-zinc-700">
                  <TypeLabel schema={schema} />
                </p>
              )}
            </section>
          ))}
        </div>
      </Card>
    </div>
  );
}
