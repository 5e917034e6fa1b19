import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { Suspense } from "react";
import { runTitle, type RunNames } from "@/components/monitor/run-names";
import { RunView, type RunLinks } from "@/components/monitor/run-view";
import { ServerClockProvider } from "@/components/monitor/server-clock";
import { RunSkeleton } from "@/components/monitor/skeletons";
import { isId } from "@/lib/contracts/common";
import type { ExecutionDetail, ExecutionStep } from "@/lib/contracts/executions";
import { requireSessionUser } from "@/lib/auth";
import { isAppError } from "@/lib/errors";
import { getExecutionDetail, listExecutionSteps } from "@/lib/services/executions";
import { listKnowledgeBases } from "@/lib/services/knowledge";
import { listTemplates } from "@/lib/services/templates";
import { listWorkflows } from "@/lib/services/workflows";

export const metadata: Metadata = { title: "Execution" };

const notFoundToNull = (error: unknown) => {
  if (isAppError(error) && error.status === 404) return null;
  throw error;
};

/**
 * One execution: its record, the steps it can be re-run from and the names its canvas and links show,
 * read here; the client follows its events live. Another user's run is a 404, like a missing one.
 *
 * The record is read before anything streams, so a missing run answers HTTP 404; the rest loads behind the
 * page's own Suspense boundary (no route `loading.tsx`: its skeleton would start a 200 response first).
 */
export default async function ExecutionPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const { id } = await params;
  const user = await requireSessionUser({ callbackUrl: `/executions/${id}` });
  if (!isId(id)) notFound();
  const execution = await getExecutionDetail({ ownerId: user.id, id }).catch(notFoundToNull);
  if (!execution) notFound();
  return (
    <Suspense fallback={<RunSkeleton />}>
      <Run execution={execution} ownerId={user.id} />
    </Suspense>
  );
}

async function Run({ execution, ownerId }: { execution: ExecutionDetail; ownerId: string }) {
  // Steps are a convenience: a run whose checkpoints were pruned still shows.
  const steps: ExecutionStep[] = await listExecutionSteps({ userId: ownerId, executionId: execution.id }).catch(
    (error: unknown) => {
      console.error("[monitor] could not list the run's steps", error);
      return [];
    },
  );
  const [workflows, templates, knowledgeBases] = await Promise.all([
    listWorkflows({ ownerId }),
    listTemplates({ ownerId }),
    listKnowledgeBases({ ownerId }),
  ]);
  const names: RunNames = {
    workflows: Object.fromEntries(workflows.map((w) => [w.id, w.name])),
    templates: Object.fromEntries(templates.map((t) => [t.id, t.name])),
  };
  const parent = execution.parentExecutionId
    ? await getExecutionDetail({ ownerId, id: execution.parentExecutionId }).catch(notFoundToNull)
    : null;
  const { title, version } = runTitle(execution, names);
  const links: RunLinks = {
    parent: parent ? { id: parent.id, title: runTitle(parent, names).title, status: parent.status } : null,
    workflow:
      execution.definitionId && names.workflows[execution.definitionId]
        ? { id: execution.definitionId, name: names.workflows[execution.definitionId]! }
        : null,
    template:
      execution.templateId && names.templates[execution.templateId]
        ? { id: execution.templateId, name: names.templates[execution.templateId]! }
        : null,
    conversationId: execution.conversationId,
  };

  return (
    // The server's clock as it renders: the browser's first render of a live run's time reads it too.
    <ServerClockProvider now={Date.now()}>
      <RunView
        key={execution.id}
        execution={execution}
        steps={steps}
        title={title}
        version={version}
        links={links}
        canvasNames={{
          knowledgeBases: knowledgeBases.map((kb) => ({ id: kb.id, name: kb.name })),
          workflows: workflows.map((w) => ({ id: w.id, name: w.name })),
        }}
      />
    </ServerClockProvider>
  );
}
