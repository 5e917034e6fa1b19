/**
 * The model provider registry: one entry point to get a LangChain chat model for a node's
 * `{ provider, model }`, the list of providers for the editor, and prices for cost accounting.
 */
import "server-only";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AppError } from "@/lib/errors";
import { env } from "@/lib/env";
import {
  BUILTIN_MODEL,
  DEFAULT_MODEL_PROVIDER,
  MODEL_PROVIDER_CATALOG,
  MODEL_PROVIDER_IDS,
  type ModelChoice,
  type ModelProviderId,
} from "./catalog";
import { isLocalModelName, LocalChatModel, LOCAL_MODELS } from "./local";
import {
  createAnthropicModel,
  createOllamaModel,
  createOpenAIModel,
  isAnthropicConfigured,
  isOllamaConfigured,
  isOpenAIConfigured,
  type ProviderConnection,
} from "./providers";

export { computeCost, getPricing, parseUsageKey, type ModelPricing } from "./pricing";
export { localModelStats, LocalChatModel, formatRetrievalContext, formatSummaryMessage } from "./local";
export { MODEL_PROVIDER_IDS, DEFAULT_MODEL_PROVIDER, type ModelChoice, type ModelProviderId } from "./catalog";
export type { ProviderConnection } from "./providers";

export interface ChatModelSpec {
  provider: string;
  model: string;
  temperature?: number;
  maxTokens?: number;
  /** `local`/`scripted` only: the replies, in turn. */
  script?: string[];
  /** `local` only: delay between streamed tokens. */
  latencyMs?: number;
  /** One of the run's owner's credentials (its id, as the node names it). */
  credentialId?: string;
  /** The credential's key and URL, filled in by `resolveModelSpec` for the run; never stored or shown. */
  connection?: ProviderConnection;
}

/** What resolving a node's model needs from its run's owner: their default model and their credentials. */
export interface UserModelSource {
  defaultModel: ModelChoice | null;
  /** The credential's provider and connection; throws a clear AppError when it is gone or cannot be opened. */
  connection(credentialId: string): { provider: string; connection: ProviderConnection };
}

/**
 * The server's default chat model: LATTICE_DEFAULT_MODEL, else the first configured provider's default
 * (its first suggested model), else the built-in test model.
 */
export function serverDefaultModel(): ModelChoice & { source: "setting" | "provider" | "builtin" } {
  const e = env();
  if (e.LATTICE_DEFAULT_MODEL) {
    const at = e.LATTICE_DEFAULT_MODEL.indexOf(":");
    return {
      provider: e.LATTICE_DEFAULT_MODEL.slice(0, at),
      model: e.LATTICE_DEFAULT_MODEL.slice(at + 1),
      source: "setting",
    };
  }
  const configured = listModelProviders().find((p) => p.id !== "local" && p.configured);
  if (configured) return { provider: configured.id, model: configured.models[0]!, source: "provider" };
  return { ...BUILTIN_MODEL, source: "builtin" };
}

/**
 * A node's model as its run uses it: "the default model" becomes the owner's (or the server's) choice, and
 * a credential becomes its connection. A spec that names neither is returned as it is (no lookup).
 */
export function resolveModelSpec(spec: ChatModelSpec, user: UserModelSource | null): ChatModelSpec {
  let resolved = spec;
  if (spec.provider === DEFAULT_MODEL_PROVIDER) {
    const choice = user?.defaultModel ?? serverDefaultModel();
    const { credentialId: _ignored, ...rest } = spec;
    resolved = {
      ...rest,
      provider: choice.provider,
      model: choice.model,
      ...(choice.credentialId ? { credentialId: choice.credentialId } : {}),
    };
  }
  if (!resolved.credentialId) return resolved;
  if (!user) throw new AppError("not_found:credential", "This run cannot use a model credential.");
  const credential = user.connection(resolved.credentialId);
  if (credential.provider !== resolved.provider) {
    throw new AppError(
      "bad_request:model",
      `The credential chosen for this model is for ${credential.provider}, not ${resolved.provider}: pick a matching one.`,
    );
  }
  return { ...resolved, connection: credential.connection };
}

export interface ModelProviderStatus {
  id: ModelProviderId;
  label: string;
  configured: boolean;
  models: string[];
}

export function getChatModel(spec: ChatModelSpec): BaseChatModel {
  const e = env();
  switch (spec.provider) {
    case "local": {
      if (!isLocalModelName(spec.model)) {
        throw new AppError(
          "bad_request:model",
          `Unknown local model "${spec.model}": choose one of ${LOCAL_MODELS.join(", ")}.`,
        );
      }
      return new LocalChatModel({
        model: spec.model,
        ...(spec.script ? { script: spec.script } : {}),
        ...(spec.latencyMs !== undefined ? { latencyMs: spec.latencyMs } : {}),
        ...(spec.maxTokens !== undefined ? { maxTokens: spec.maxTokens } : {}),
        ...(spec.temperature !== undefined ? { temperature: spec.temperature } : {}),
      });
    }
    case "openai":
      return createOpenAIModel(spec, e);
    case "anthropic":
      return createAnthropicModel(spec, e);
    case "ollama":
      return createOllamaModel(spec, e);
    default:
      throw new AppError(
        "bad_request:model",
        `Unknown model provider "${spec.provider}": choose one of ${MODEL_PROVIDER_IDS.join(", ")}.`,
      );
  }
}

export function listModelProviders(): ModelProviderStatus[] {
  const e = env();
  const configured: Record<ModelProviderId, boolean> = {
    local: true,
    openai: isOpenAIConfigured(e),
    anthropic: isAnthropicConfigured(e),
    ollama: isOllamaConfigured(e),
  };
  return MODEL_PROVIDER_IDS.map((id) => ({
    id,
    label: MODEL_PROVIDER_CATALOG[id].label,
    configured: configured[id],
    models: [...MODEL_PROVIDER_CATALOG[id].models],
  }));
}
