/**
 * Example values for the API reference page, all the signed-in user's own (owner-scoped reads): their most
 * recent workflow, run, conversation and knowledge base (with a document), and a template they can run
 * (their own, else a built-in). A handful of small reads once per page view; see lib/http/openapi-examples.
 */
import { executionListQuerySchema } from "@/lib/contracts/executions";
import type { ApiExamples } from "@/lib/http/openapi-examples";
import { listConversationsPage } from "./conversations";
import { listExecutionsPage } from "./executions";
import { getKnowledgeBaseWithDocuments, listKnowledgeBases } from "./knowledge";
import { listTemplates } from "./templates";
import { listWorkflows } from "./workflows";

export async function loadApiExamples({ ownerId }: { ownerId: string }): Promise<ApiExamples> {
  const [workflows, templates, executions, conversations, bases] = await Promise.all([
    listWorkflows({ ownerId }),
    listTemplates({ ownerId }),
    listExecutionsPage({ ownerId, query: executionListQuerySchema.parse({ limit: 1 }) }),
    listConversationsPage({ ownerId, limit: 1 }),
    listKnowledgeBases({ ownerId }),
  ]);
  const workflow = workflows[0];
  const template = templates.find((t) => !t.isBuiltin) ?? templates[0];
  const execution = executions.executions[0];
  const conversation = conversations.conversations[0];
  const base = bases[0];
  const documentId = base
    ? (await getKnowledgeBaseWithDocuments({ ownerId, id: base.id })).documents[0]?.id
    : undefined;
  return {
    ...(workflow ? { workflow: { id: workflow.id, name: workflow.name, version: workflow.version } } : {}),
    ...(template ? { template: { id: template.id, name: template.name } } : {}),
    ...(execution ? { execution: { id: execution.id } } : {}),
    ...(conversation ? { conversation: { id: conversation.id } } : {}),
    ...(base ? { knowledgeBase: { id: base.id, name: base.name, ...(documentId ? { documentId } : {}) } } : {}),
  };
}
