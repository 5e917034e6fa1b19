/**
 * The API reference: Scalar's viewer (navigation, search, a request client) over the OpenAPI document
 * GET /api/openapi.json serves — generated from the routes' zod schemas, so it cannot fall behind the API —
 * with examples for the signed-in user: ids of their own workflows, runs and bases, bodies that run their
 * workflow, how to authenticate (never a secret). The viewer scrolls in its own box below a short header.
 */
import type { Metadata } from "next";
import Link from "next/link";
import { ApiReference } from "@/components/settings/api-reference";
import { PageHeader } from "@/components/ui/page-header";
import { requireSessionUser } from "@/lib/auth";
import { createOpenApiDocument } from "@/lib/http/openapi";
import { withUserExamples } from "@/lib/http/openapi-examples";
import { loadApiExamples } from "@/lib/services/api-examples";

export const metadata: Metadata = { title: "API reference" };

const code = "rounded bg-zinc-100 px-1 py-0.5 font-mono text-[12px] text-zinc-800";

export default async function ApiReferencePage() {
  const user = await requireSessionUser({ callbackUrl: "/settings/api" });
  const document = withUserExamples(createOpenApiDocument(), await loadApiExamples({ ownerId: user.id }));
  return (
    // One screen tall (less the shell's padding): the viewer scrolls inside, with its navigation beside it.
    <div className="flex h-[calc(100dvh-8rem)] min-h-[32rem] flex-col gap-4 md:h-[calc(100dvh-4rem)] lg:h-[calc(100dvh-5rem)]">
      <PageHeader
        title="API reference"
        description={
          <>
            Everything the app does, you can do over HTTP. Send an API key as{" "}
            <code className={code}>Authorization: Bearer lat_…</code>; add{" "}
            <code className={code}>Accept: text/event-stream</code> to a run to receive its events as they happen.
          </>
        }
        actions={
          <>
            <Link href="/settings" className="text-sm font-medium text-indigo-700 hover:underline">
              Create an API key
            </Link>
            <Link
              href="/settings/api/sdks"
              className="text-sm font-medium text-indigo-700 hover:underline"
              data-testid="sdk-link"
            >
              Client SDKs
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
      <section
        aria-label="Operations"
        data-testid="api-reference"
        className="min-h-0 flex-1 overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-xs"
      >
        <ApiReference document={document} />
      </section>
    </div>
  );
}
