/**
 * What the editor page hands the client editor: the model providers this deployment has, the user's
 * knowledge bases and workflows (for the pickers), the tools, and the validation context the server
 * validates saves with — so the editor's live checks and the save agree.
 */
import "server-only";
import type { EditorResources } from "@/components/editor/model/resources";
import { MODEL_PROVIDER_CATALOG } from "@/lib/models/catalog";
import { listModelProviders } from "@/lib/models";
import { getModelSettings, listCredentials } from "@/lib/services/credentials";
import { listKnowledgeBases } from "@/lib/services/knowledge";
import { listWorkflows } from "@/lib/services/workflows";
import { validationContextFor } from "@/lib/services/validation-context";

export async function loadEditorResources({
  userId,
  workflowId,
}: {
  userId: string;
  workflowId?: string;
}): Promise<EditorResources> {
  const [validationContext, knowledgeBases, workflows, modelSettings, credentials] = await Promise.all([
    validationContextFor({ ownerId: userId, ...(workflowId ? { definitionId: workflowId } : {}) }),
    listKnowledgeBases({ ownerId: userId }),
    listWorkflows({ ownerId: userId }),
    getModelSettings({ ownerId: userId }),
    listCredentials({ ownerId: userId }),
  ]);
  const { effective } = modelSettings;
  return {
    userId,
    providers: listModelProviders().map((provider) => ({
      id: provider.id,
      label: provider.label,
      configured: provider.configured,
      models: provider.models,
      openModelList: MODEL_PROVIDER_CATALOG[provider.id].openModelList,
    })),
    defaultModel: {
      provider: effective.provider,
      model: effective.model,
      builtin: effective.builtin,
      ...(effective.credentialName ? { credentialName: effective.credentialName } : {}),
    },
    credentials: credentials.map((c) => ({ id: c.id, name: c.name, provider: c.provider })),
    knowledgeBases: knowledgeBases.map((kb) => ({ id: kb.id, name: kb.name })),
    // A workflow cannot run itself as a subworkflow.
    workflows: workflows.filter((wf) => wf.id !== workflowId).map((wf) => ({ id: wf.id, name: wf.name })),
    tools: validationContext.allowedTools,
    validationContext,
  };
}
