/**
 * What the deployment and the user offer the editor — handed down once by the editor page (a server
 * component) and read by the inspector's pickers and the live validator. Plain data, framework-free.
 */
import type { ValidationContext } from "@/lib/validation/types";

export interface EditorProvider {
  id: string;
  label: string;
  configured: boolean;
  /** Suggested models (the only ones, when `openModelList` is false). */
  models: string[];
  openModelList: boolean;
}

export interface EditorResources {
  userId: string;
  providers: EditorProvider[];
  /** What "the default model" is for this user now (`builtin`: the local test model). */
  defaultModel: { provider: string; model: string; credentialName?: string; builtin: boolean };
  /** The user's model credentials (never their keys). */
  credentials: Array<{ id: string; name: string; provider: string }>;
  knowledgeBases: Array<{ id: string; name: string }>;
  workflows: Array<{ id: string; name: string }>;
  /** Tool names nodes may use. */
  tools: string[];
  /** The context the server validates saves with, so live checks and saves agree. */
  validationContext: ValidationContext;
}
