/**
 * The validation context for a user's saves and checks: what this deployment offers (the engine's own
 * context, so "valid" here means "the engine will run it") plus the knowledge bases, workflows, secret
 * names and MCP servers the user owns, so a reference to anything else is reported where it is written.
 */
import "server-only";
import { listCredentials } from "@/lib/db/queries/credentials";
import { listKnowledgeBases } from "@/lib/db/queries/knowledge";
import { listMcpServerIds } from "@/lib/db/queries/mcp-servers";
import { listWorkflowIds } from "@/lib/db/queries/workflows";
import { engineValidationContext } from "@/lib/engine/resources";
import { validateWorkflow, type ValidationContext, type ValidationResult } from "@/lib/validation";

export async function validationContextFor({
  ownerId,
  definitionId,
}: {
  ownerId: string;
  definitionId?: string;
}): Promise<ValidationContext> {
  const [knowledgeBases, workflowIds, secrets, mcpServerIds] = await Promise.all([
    listKnowledgeBases({ ownerId }),
    listWorkflowIds({ ownerId }),
    listCredentials({ ownerId, kind: "secret" }),
    listMcpServerIds({ ownerId }),
  ]);
  return {
    ...engineValidationContext({ depth: 0, ...(definitionId ? { definitionId } : {}) }),
    knowledgeBaseIds: knowledgeBases.map((kb) => kb.id),
    workflowIds,
    secretNames: secrets.map((secret) => secret.name),
    mcpServerIds,
  };
}

/** validateWorkflow — the one validation entry point — for a definition the user is about to save or check. */
export async function validateForUser({
  ownerId,
  definition,
  definitionId,
}: {
  ownerId: string;
  definition: unknown;
  definitionId?: string;
}): Promise<ValidationResult> {
  return validateWorkflow(definition, { id: ownerId }, await validationContextFor({ ownerId, definitionId }));
}
