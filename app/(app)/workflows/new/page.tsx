import type { Metadata } from "next";
import { connection } from "next/server";
import { WorkflowEditor } from "@/components/editor/workflow-editor";
import { requireSessionUser } from "@/lib/auth";
import { loadEditorResources } from "../_lib/editor-resources";

export const metadata: Metadata = { title: "New workflow" };

/** A blank canvas. Nothing is stored until the first save, which creates the workflow (version 1). */
export default async function NewWorkflowPage() {
  await connection();
  const user = await requireSessionUser({ callbackUrl: "/workflows/new" });
  const resources = await loadEditorResources({ userId: user.id });
  return <WorkflowEditor workflow={null} resources={resources} />;
}
