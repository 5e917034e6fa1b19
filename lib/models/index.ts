/**
 * The model provider registry: one entry point to get a LangChain chat model for a node's
 * `{ provider, model }`, the list of providers for the editor, and prices for cost accounting.
 */
import "server-only";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AppError } from "@/lib/errors";
import { env } from "@/lib/env";
import { MODEL_PROVIDER_CATALOG, MODEL_PROVIDER_IDS, type ModelProviderId } from "./catalog";
import { isLocalModelName, LocalChatModel, LOCAL_MODELS } from "./local";
import {
  createAnthropicModel,
  createOllamaModel,
  createOpenAIModel,
  isAnthropicConfigured,
  isOllamaConfigured,
  isOpenAIConfigured,
} from "./providers";

export { computeCost, getPricing, parseUsageKey, type ModelPricing } from "./pricing";
export { localModelStats, LocalChatModel, formatRetrievalContext, formatSummaryMessage } from "./local";
export { MODEL_PROVIDER_IDS, type ModelProviderId } from "./catalog";

export interface ChatModelSpec {
  provider: string;
  model: string;
  temperature?: number;
  maxTokens?: number;
  /** `local`/`scripted` only: the replies, in turn. */
  script?: string[];
  /** `local` only: delay between streamed tokens. */
  latencyMs?: number;
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
