import type { Metadata } from "next";
import { connection } from "next/server";
import { WorkflowEditor } from "@/components/editor/workflow-editor";
import { requireSessionUser } from "@/lib/auth";
import { readEditorLayout } from "../_lib/editor-layout";
import { loadEditorResources } from "../_lib/editor-resources";

export const metadata: Metadata = { title: "New workflow" };

/** A blank canvas. Nothing is stored until the first save, which creates the workflow (version 1). */
export default async function NewWorkflowPage() {
  await connection();
  const user = await requireSessionUser({ callbackUrl: "/workflows/new" });
  const [resources, layout] = await Promise.all([loadEditorResources({ userId: user.id }), readEditorLayout()]);
  return <WorkflowEditor workflow={null} resources={resources} layout={layout} />;
}
