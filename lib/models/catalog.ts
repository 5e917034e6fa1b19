/**
 * Model providers and their suggested models: client-safe metadata for the editor's model picker and the
 * validator. Whether a provider is configured depends on server env: see `listModelProviders` in ./index.
 */
export const MODEL_PROVIDER_IDS = ["local", "openai", "anthropic", "ollama"] as const;
export type ModelProviderId = (typeof MODEL_PROVIDER_IDS)[number];

/** Providers a user can hold credentials for (the built-in one needs none). */
export const CREDENTIAL_PROVIDER_IDS = ["openai", "anthropic", "ollama"] as const;
export type CredentialProviderId = (typeof CREDENTIAL_PROVIDER_IDS)[number];

/**
 * A node's `provider` set to this is "the default model": resolved when the run starts, per user (their
 * choice in Settings, else the server's: LATTICE_DEFAULT_MODEL, else the first configured provider's
 * default model, else local:echo). Its `model` is not read.
 */
export const DEFAULT_MODEL_PROVIDER = "default";

/** A model as a user or the server picks it: a provider's model, through one of the user's credentials or not. */
export interface ModelChoice {
  provider: string;
  model: string;
  credentialId?: string;
}

/** The test model every deployment has: what "the default model" is when nothing else is configured. */
export const BUILTIN_MODEL: ModelChoice = { provider: "local", model: "echo" };

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
