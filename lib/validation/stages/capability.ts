/**
 * Stage 4: does this deployment offer what the workflow asks for? Providers that exist and are configured,
 * models they offer, tools that are allowed, knowledge bases and workflows the user can reach.
 */
import { DEFAULT_MODEL_PROVIDER } from "@/lib/models/catalog";
import { secretNamesIn } from "@/lib/nodes/secret-names";
import { listNames, quote, type Analysis, type IssueCollector } from "../analysis";
import type { ValidationContext } from "../types";

export function checkCapabilities(analysis: Analysis, context: ValidationContext, issues: IssueCollector): void {
  const providers = new Map(context.providers.map((provider) => [provider.id, provider]));
  const allowedTools = new Set(context.allowedTools);
  const knowledgeBases = context.knowledgeBaseIds ? new Set(context.knowledgeBaseIds) : undefined;
  const workflows = context.workflowIds ? new Set(context.workflowIds) : undefined;
  const mcpServers = context.mcpServerIds ? new Set(context.mcpServerIds) : undefined;
  const secrets = context.secretNames ? new Set(context.secretNames) : undefined;

  for (const node of analysis.nodes) {
    if (!node.definition || !node.configValid) continue;
    const usage = node.definition.uses(node.config as never);

    for (const { provider: providerId, model, field, credentialId } of usage.models) {
      // "The default model" is the user's or the server's choice at run time; there is always one.
      if (providerId === DEFAULT_MODEL_PROVIDER) continue;
      const path = `${node.configPath}.${field}`;
      const provider = providers.get(providerId);
      if (!provider) {
        const known = context.providers.map((p) => quote(p.id));
        issues.add({
          code: "model.unknown_provider",
          nodeId: node.id,
          path,
          message: `${node.title} uses provider ${quote(providerId)}, which Lattice does not know${known.length ? ` (available: ${listNames(known, 8)})` : ""}.`,
        });
      } else if (!provider.configured && !credentialId) {
        issues.add({
          code: "model.not_configured",
          nodeId: node.id,
          path,
          message: `${node.title} uses provider ${quote(providerId)}, which is not configured.`,
        });
      } else if (provider.models !== "any" && !provider.models.includes(model)) {
        issues.add({
          code: "model.unknown_model",
          nodeId: node.id,
          path: path.replace(/provider$/, "model"),
          message: `${node.title} uses model ${quote(model)}, which provider ${quote(providerId)} does not offer (it offers ${listNames(provider.models.map(quote), 8) || "none"}).`,
        });
      }
    }

    for (const { source, field } of secrets ? usage.secrets : []) {
      const unknown = secretNamesIn([source]).filter((name) => !secrets!.has(name));
      if (unknown.length === 0) continue;
      issues.add({
        code: "secret.unknown",
        nodeId: node.id,
        path: `${node.configPath}.${field}`,
        message: `${node.title} uses ${listNames(
          unknown.map((name) => `{{secrets.${name}}}`),
          4,
        )}, which you have not set: add ${unknown.length === 1 ? "it" : "them"} in Settings → Secrets.`,
      });
    }

    for (const { name, field } of usage.tools) {
      if (allowedTools.has(name)) continue;
      issues.add({
        code: "tool.not_allowed",
        nodeId: node.id,
        path: `${node.configPath}.${field}`,
        message: `${node.title} uses the tool ${quote(name)}, which is not available here.`,
      });
    }

    for (const reference of usage.references) {
      const path = `${node.configPath}.${reference.field}`;
      if (reference.kind === "knowledgeBase" && knowledgeBases && !knowledgeBases.has(reference.id)) {
        issues.add({
          code: "retrieval.unknown_knowledge_base",
          nodeId: node.id,
          path,
          message: `${node.title} searches knowledge base ${quote(reference.id)}, which does not exist or you cannot access.`,
        });
      }
      if (reference.kind === "mcpServer" && mcpServers && !mcpServers.has(reference.id)) {
        issues.add({
          code: "mcp.unknown_server",
          nodeId: node.id,
          path,
          message: `${node.title} uses MCP server ${quote(reference.id)}, which does not exist or is not yours (Settings → MCP servers).`,
        });
      }
      if (reference.kind === "workflow") {
        if (context.definitionId !== undefined && reference.id === context.definitionId) {
          issues.add({
            code: "subworkflow.self_reference",
            nodeId: node.id,
            path,
            message: `${node.title} runs the workflow it belongs to, which would repeat until the depth limit stops it.`,
          });
        } else if (workflows && !workflows.has(reference.id)) {
          issues.add({
            code: "subworkflow.unknown_workflow",
            nodeId: node.id,
            path,
            message: `${node.title} runs workflow ${quote(reference.id)}, which does not exist or you cannot access.`,
          });
        }
      }
    }
  }
}
