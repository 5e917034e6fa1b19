/**
 * The validator's public types. Client-safe and zod-free, so the editor can run the validator live.
 */
import { MODEL_PROVIDER_CATALOG } from "@/lib/models/catalog";
import { BUILTIN_TOOL_NAMES } from "@/lib/nodes/tools/definition";
import { DEFINITION_LIMITS } from "@/lib/workflow/definition";

/**
 * Every issue code, with its severity. Codes are a public contract (the API returns them, the editor keys
 * its hints on them): add new ones, never rename.
 */
export const VALIDATION_CODES = {
  "schema.invalid": "error",
  "node.unknown_type": "error",
  "node.invalid_config": "error",
  "node.duplicate_id": "error",
  "node.unreachable": "error",
  "node.no_outgoing": "warning",
  "node.unknown_config_field": "warning",
  "edge.duplicate_id": "error",
  "edge.dangling_source": "error",
  "edge.dangling_target": "error",
  "edge.unknown_handle": "error",
  "edge.missing_handle": "error",
  "edge.invalid_target": "error",
  "branch.unconnected": "warning",
  "graph.no_start": "error",
  "graph.multiple_starts": "error",
  "graph.no_reachable_end": "error",
  "graph.cycle_without_loop": "error",
  "loop.body_not_closed": "warning",
  "error_handler.not_on_error_handle": "warning",
  "expression.invalid": "error",
  "template.invalid": "error",
  "auth.required": "error",
  "http.invalid_url": "error",
  "http.forbidden_target": "error",
  "model.unknown_provider": "error",
  "model.not_configured": "error",
  "model.unknown_model": "error",
  "tool.not_allowed": "error",
  "retrieval.unknown_knowledge_base": "error",
  "subworkflow.unknown_workflow": "error",
  "mcp.unknown_server": "error",
  "subworkflow.self_reference": "error",
  "limits.nodes": "error",
  "limits.loop_iterations": "error",
  "limits.tool_calls": "error",
  "limits.tokens": "error",
  "limits.subworkflow_depth": "error",
  "secret.unknown": "error",
  "secret.not_allowed": "error",
  "validation.internal": "error",
} as const;
export type ValidationCode = keyof typeof VALIDATION_CODES;

export interface ValidationIssue {
  code: ValidationCode;
  /** A sentence a person understands, naming the node or edge. */
  message: string;
  nodeId?: string;
  edgeId?: string;
  /** Dotted path into the definition, e.g. "nodes.2.data.config.branches.0.expression". */
  path?: string;
  /** Character offset inside the expression or template at `path`. */
  position?: number;
}

export interface ValidationResult {
  isValid: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
}

export interface ValidationLimits {
  maxNodes: number;
  maxLoopIterations: number;
  maxToolCalls: number;
  /** Tokens one model call may generate. */
  maxTokens: number;
  /** How many more levels of subworkflow nesting are allowed below this workflow (0: none). */
  maxSubworkflowDepth: number;
}

export interface ValidationProvider {
  id: string;
  configured: boolean;
  /** The models the provider offers, or "any" when it takes any name (OpenAI-compatible servers, Ollama). */
  models: string[] | "any";
}

/** What the deployment offers and allows. The engine builds it from the model and tool registries. */
export interface ValidationContext {
  providers: ValidationProvider[];
  allowedTools: string[];
  /** Hosts exempt from the private-address ban: "api.internal.example", "*.corp.example", "ollama:11434". */
  httpAllowList: string[];
  limits: ValidationLimits;
  /** When given, retrieval nodes must name one of these knowledge bases (those the user may read). */
  knowledgeBaseIds?: string[];
  /** When given, subworkflow nodes must name one of these workflow definitions (those the user may run). */
  workflowIds?: string[];
  /** When given, {{secrets.NAME}} must name one of these (the user's secrets, by name). */
  secretNames?: string[];
  /** When given, Tools nodes must name one of these MCP servers (those the user registered). */
  mcpServerIds?: string[];
  /** The id of the definition being validated, so a subworkflow that calls itself is caught. */
  definitionId?: string;
}

/** The user the workflow is validated for; null when anonymous (no owned resources can be referenced). */
export type ValidationUser = { id: string } | null;

export const DEFAULT_VALIDATION_LIMITS: ValidationLimits = {
  maxNodes: DEFINITION_LIMITS.maxNodes,
  maxLoopIterations: 100,
  maxToolCalls: 25,
  maxTokens: 32_000,
  maxSubworkflowDepth: 3,
};

/** The built-in `local` provider only, every built-in tool, no HTTP exemptions, default limits. */
export function defaultValidationContext(): ValidationContext {
  return {
    providers: [{ id: "local", configured: true, models: [...MODEL_PROVIDER_CATALOG.local.models] }],
    allowedTools: [...BUILTIN_TOOL_NAMES],
    httpAllowList: [],
    limits: { ...DEFAULT_VALIDATION_LIMITS },
  };
}
