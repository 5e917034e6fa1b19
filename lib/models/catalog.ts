/**
 * Model providers and their suggested models: client-safe metadata for the editor's model picker and the
 * validator. Whether a provider is configured depends on server env: see `listModelProviders` in ./index.
 */
export const MODEL_PROVIDER_IDS = ["local", "openai", "anthropic", "ollama"] as const;
export type ModelProviderId = (typeof MODEL_PROVIDER_IDS)[number];

export interface ModelProviderInfo {
  id: ModelProviderId;
  label: string;
  /** Suggested models; remote providers accept any model name their server knows. */
  models: string[];
  /** Whether any model name is accepted (remote servers) or only the listed ones (local). */
  openModelList: boolean;
}

export const MODEL_PROVIDER_CATALOG: Record<ModelProviderId, ModelProviderInfo> = {
  local: {
    id: "local",
    label: "Local (built in, deterministic)",
    models: ["echo", "scripted", "slow"],
    openModelList: false,
  },
  openai: {
    id: "openai",
    label: "OpenAI (or an OpenAI-compatible server)",
    models: ["gpt-4o-mini", "gpt-4o", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "o4-mini"],
    openModelList: true,
  },
  anthropic: {
    id: "anthropic",
    label: "Anthropic",
    models: ["claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1", "claude-3-5-haiku-latest"],
    openModelList: true,
  },
  ollama: {
    id: "ollama",
    label: "Ollama",
    models: ["llama3.2", "llama3.1", "qwen2.5", "mistral"],
    openModelList: true,
  },
};
