import { ChevronRight, LayoutTemplate, Plus, Workflow } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { requireSessionUser } from "@/lib/auth";
import { listDefinitions, type DefinitionSummary } from "@/lib/db/queries/definitions-list";

export const metadata: Metadata = { title: "Workflows" };

/**
 * Where a new, blank workflow opens (the editor). Links to it are not prefetched: the editor is the heaviest
 * page, and most visits to this list do not end there.
 */
const NEW_WORKFLOW_HREF = "/workflows/new";

export default async function WorkflowsPage() {
  await connection();
  const user = await requireSessionUser({ callbackUrl: "/workflows" });
  const definitions = await listDefinitions({ ownerId: user.id });

  return (
    <div className="flex flex-col gap-8">
      <PageHeader
        title="Workflows"
        description="Graphs of models, memory, tools and logic that answer chats and API calls."
        actions={
          definitions.length > 0 ? (
            <>
              <Link href="/templates" className={buttonClasses({ variant: "secondary" })}>
                <LayoutTemplate aria-hidden />
                From a template
              </Link>
              <Link href={NEW_WORKFLOW_HREF} prefetch={false} className={buttonClasses()}>
                <Plus aria-hidden />
                New workflow
              </Link>
            </>
          ) : null
        }
      />
      {definitions.length === 0 ? (
        <EmptyState
          icon={Workflow}
          title="No workflows yet"
          description="Create one from blank or start from a template — a workflow connects models, memory, tools and logic into a graph you can chat with or call from the API."
          actions={
            <>
              <Link href={NEW_WORKFLOW_HREF} prefetch={false} className={buttonClasses()}>
                <Plus aria-hidden />
                Create blank workflow
              </Link>
              <Link href="/templates" className={buttonClasses({ variant: "secondary" })}>
                <LayoutTemplate aria-hidden />
                Browse templates
              </Link>
            </>
          }
        />
      ) : (
        <DefinitionList definitions={definitions} />
      )}
    </div>
  );
}

function DefinitionList({ definitions }: { definitions: DefinitionSummary[] }) {
  return (
    <ul
      data-testid="workflow-list"
      className="divide-y divide-zinc-200 overflow-hidden rounded-lg border border-zinc-200 bg-white shadow-xs"
    >
      {definitions.map((d) => (
        <li key={d.id} data-testid="workflow-row">
          <Link
            href={`/workflows/${d.id}`}
            className="group flex items-center gap-4 px-5 py-4 hover:bg-zinc-50 focus-visible:bg-zinc-50 focus-visible:outline-offset-[-2px]"
          >
            <div className="flex size-9 shrink-0 items-center justify-center rounded-md bg-zinc-100 text-zinc-500">
              <Workflow aria-hidden className="size-4" />
            </div>
            <div className="min-w-0 flex-1">
              <div className="flex items-center gap-2">
                <p className="truncate font-medium text-zinc-900">{d.name}</p>
                {d.isValid ? null : <Badge tone="amber">Draft</Badge>}
              </div>
              <p className="mt-0.5 truncate text-[13px] text-zinc-500">{d.description || "No description"}</p>
            </div>
            <dl className="hidden shrink-0 items-center gap-6 text-[13px] text-zinc-500 sm:flex">
              <div>
                <dt className="sr-only">Nodes</dt>
                <dd>
                  {d.nodeCount} {d.nodeCount === 1 ? "node" : "nodes"}
                </dd>
              </div>
              <div>
                <dt className="sr-only">Version</dt>
                <dd>v{d.version}</dd>
              </div>
              <div className="w-28 text-right">
                <dt className="sr-only">Updated</dt>
                <dd>
                  <RelativeTime date={d.updatedAt} />
                </dd>
              </div>
            </dl>
            <ChevronRight aria-hidden className="size-4 shrink-0 text-zinc-300 group-hover:text-zinc-500" />
          </Link>
        </li>
      ))}
    </ul>
  );
}
