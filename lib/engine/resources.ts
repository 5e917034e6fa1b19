/**
 * The real resources a run uses: the model registry, the tool registry, knowledge search and the
 * SSRF-guarded fetch — and the validation context that describes them to `validateWorkflow`.
 */
import "server-only";
import { env } from "@/lib/env";
import { userModels } from "@/lib/credentials/user-models";
import { DEFAULT_MODEL_PROVIDER, listModelProviders, getChatModel, resolveModelSpec } from "@/lib/models";
import { AppError, isAppError } from "@/lib/errors";
import { checkOutboundUrl, safeFetch } from "@/lib/net/safe-fetch";
import { searchKnowledge } from "@/lib/retrieval";
import { createTools, TOOL_NAMES } from "@/lib/tools";
import { ownerMcpTools } from "@/lib/mcp/tools";
import { DEFAULT_VALIDATION_LIMITS, type ValidationContext } from "@/lib/validation";
import type { ExecutionResources, RunAdmissionLimits } from "./context";

export const defaultResources: ExecutionResources = {
  getChatModel,
  async resolveModel(spec, userId) {
    if (spec.provider !== DEFAULT_MODEL_PROVIDER && !spec.credentialId) return spec;
    const resolved = resolveModelSpec(spec, await userModels(userId));
    if (resolved.connection?.baseUrl) await checkCredentialUrl(resolved.connection.baseUrl);
    return resolved;
  },
  async secrets(userId, names) {
    if (names.length === 0) return new Map();
    return (await userModels(userId)).secrets(names);
  },
  createTools,
  mcpTools: ownerMcpTools,
  searchKnowledge,
  safeFetch,
};

/**
 * A credential's base URL passed the HTTP guard when it was saved; its host may resolve elsewhere since (a
 * DNS change), so each run that uses it checks it again — the guard of the HTTP node, with
 * LATTICE_HTTP_ALLOWLIST. A refusal fails the node with the guard's words (the URL's origin and address,
 * never the key or the URL's path and query).
 */
async function checkCredentialUrl(baseUrl: string): Promise<void> {
  try {
    await checkOutboundUrl(baseUrl);
  } catch (error) {
    if (!isAppError(error)) throw error;
    const message = `This model's credential cannot be used: ${error.message}`;
    if (error.type === "forbidden") throw new AppError("forbidden:http_target", message);
    throw new AppError("unavailable:http_request", message);
  }
}

/** The per-user run limits of this deployment (read on every admission, so tests can change them). */
export function runLimitSettings(): RunAdmissionLimits {
  const e = env();
  return {
    maxConcurrent: e.LATTICE_MAX_CONCURRENT_RUNS,
    perMinute: e.LATTICE_RUNS_PER_MINUTE,
    maxQueued: e.LATTICE_MAX_QUEUED_RUNS,
  };
}

/** Subworkflows nest at most this deep (a top-level run is depth 0). */
export const MAX_WORKFLOW_DEPTH = DEFAULT_VALIDATION_LIMITS.maxSubworkflowDepth;

/** What this deployment offers, for validating a workflow about to run at `depth`. */
export function engineValidationContext({
  depth,
  definitionId,
}: {
  depth: number;
  definitionId?: string;
}): ValidationContext {
  return {
    providers: listModelProviders().map((p) => ({
      id: p.id,
      configured: p.configured,
      // The built-in provider has a fixed list; the others take any model name their server knows.
      models: p.id === "local" ? p.models : "any",
    })),
    allowedTools: [...TOOL_NAMES],
    httpAllowList: (env().LATTICE_HTTP_ALLOWLIST ?? "")
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean),
    limits: { ...DEFAULT_VALIDATION_LIMITS, maxSubworkflowDepth: Math.max(0, MAX_WORKFLOW_DEPTH - depth) },
    ...(definitionId ? { definitionId } : {}),
  };
}
