import { Workflow } from "lucide-react";
import type { Metadata } from "next";
import { connection } from "next/server";
import { Suspense } from "react";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { PageSkeleton } from "@/components/ui/page-skeleton";
import { WorkflowActions } from "@/components/workflows/workflow-actions";
import { WorkflowList, type WorkflowListItem } from "@/components/workflows/workflow-list";
import { requireSessionUser } from "@/lib/auth";
import { nextScheduledRuns } from "@/lib/services/triggers";
import { listLastRuns, listWorkflows } from "@/lib/services/workflows";
import { validationContextFor } from "@/lib/services/validation-context";

export const metadata: Metadata = { title: "Workflows" };

/**
 * The skeleton is this page's own Suspense fallback: a `loading.tsx` beside it would also wrap
 * /workflows/:id and start that page's response (HTTP 200) before it could find that a workflow is missing.
 */
export default function WorkflowsPage() {
  return (
    <Suspense fallback={<PageSkeleton label="workflows" layout="rows" />}>
      <Workflows />
    </Suspense>
  );
}

async function Workflows() {
  await connection();
  const user = await requireSessionUser({ callbackUrl: "/workflows" });
  const [workflows, validationContext] = await Promise.all([
    listWorkflows({ ownerId: user.id }),
    // The import dialog validates files in the browser against what this deployment offers the user.
    validationContextFor({ ownerId: user.id }),
  ]);
  const workflowIds = workflows.map((wf) => wf.id);
  const [runs, nextRuns] = await Promise.all([
    listLastRuns({ ownerId: user.id, workflowIds }),
    nextScheduledRuns({ ownerId: user.id, workflowIds }),
  ]);
  const lastRuns = new Map(runs.map((run) => [run.definitionId, run]));
  const items: WorkflowListItem[] = workflows.map((wf) => {
    const run = lastRuns.get(wf.id);
    return {
      id: wf.id,
      name: wf.name,
      description: wf.description,
      version: wf.version,
      isValid: wf.isValid,
      nodeCount: wf.nodeCount,
      createdAt: wf.createdAt,
      updatedAt: wf.updatedAt,
      lastRun: run ? { status: run.status, at: run.at.toISOString(), durationMs: run.durationMs } : null,
      nextRunAt: nextRuns[wf.id] ?? null,
    };
  });

  return (
    <div className="flex flex-col gap-6">
      <PageHeader
        title="Workflows"
        description="Graphs of models, memory, tools and logic that answer chats and API calls."
        actions={items.length > 0 ? <WorkflowActions userId={user.id} validationContext={validationContext} /> : null}
      />
      {items.length === 0 ? (
        <EmptyState
          icon={Workflow}
          title="No workflows yet"
          description="Create one from blank, start from a template, or import a file — a workflow connects models, memory, tools and logic into a graph you can chat with or call from the API."
          actions={<WorkflowActions userId={user.id} validationContext={validationContext} browseTemplatesLink />}
        />
      ) : (
        <WorkflowList workflows={items} />
      )}
    </div>
  );
}
