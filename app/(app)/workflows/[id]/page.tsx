import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { Suspense } from "react";
import { EditorSkeleton } from "@/components/editor/editor-skeleton";
import { WorkflowEditor } from "@/components/editor/workflow-editor";
import { isId } from "@/lib/contracts/common";
import type { Workflow } from "@/lib/contracts/workflows";
import { requireSessionUser } from "@/lib/auth";
import { isAppError } from "@/lib/errors";
import { getWorkflowDto } from "@/lib/services/workflows";
import { readEditorLayout } from "../_lib/editor-layout";
import { loadEditorResources } from "../_lib/editor-resources";

export const metadata: Metadata = { title: "Workflow editor" };

/**
 * The editor on a saved workflow. Another user's workflow is a 404, like a missing one: the workflow is read
 * before anything streams (no route `loading.tsx`, whose skeleton would start a 200 response first), the
 * editor's resources behind the page's own Suspense boundary.
 */
export default async function WorkflowEditorPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const { id } = await params;
  const user = await requireSessionUser({ callbackUrl: `/workflows/${id}` });
  if (!isId(id)) notFound();
  const workflow = await getWorkflowDto({ ownerId: user.id, id }).catch((error: unknown) => {
    if (isAppError(error) && error.status === 404) return null;
    throw error;
  });
  if (!workflow) notFound();
  return (
    <Suspense fallback={<EditorSkeleton />}>
      <Editor workflow={workflow} userId={user.id} />
    </Suspense>
  );
}

async function Editor({ workflow, userId }: { workflow: Workflow; userId: string }) {
  const [resources, layout] = await Promise.all([
    loadEditorResources({ userId, workflowId: workflow.id }),
    readEditorLayout(),
  ]);
  return <WorkflowEditor key={workflow.id} workflow={workflow} resources={resources} layout={layout} />;
}
