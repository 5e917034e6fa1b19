import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { WorkflowEditor } from "@/components/editor/workflow-editor";
import { isId } from "@/lib/contracts/common";
import { requireSessionUser } from "@/lib/auth";
import { isAppError } from "@/lib/errors";
import { getWorkflowDto } from "@/lib/services/workflows";
import { loadEditorResources } from "../_lib/editor-resources";

export const metadata: Metadata = { title: "Workflow editor" };

/** The editor on a saved workflow. Another user's workflow is a 404, like a missing one. */
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
  const resources = await loadEditorResources({ userId: user.id, workflowId: id });
  return <WorkflowEditor key={workflow.id} workflow={workflow} resources={resources} />;
}
