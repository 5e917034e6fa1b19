/**
 * The workflow definition format — a public contract (API bodies, export/import files, the canvas).
 * Nodes and edges are React Flow's shape, so the editor edits the stored form directly.
 * Node `data.config` is validated per node type by the registry (lib/nodes), not here.
 * Client-safe: no server imports.
 */
import { z } from "zod";

/** Limits that keep hostile input from costing memory or time before validation even starts. */
export const DEFINITION_LIMITS = {
  maxNodes: 500,
  maxEdges: 2000,
  maxIdLength: 100,
  maxNameLength: 200,
  maxDescriptionLength: 5000,
} as const;

const idSchema = z
  .string()
  .min(1, "must not be empty")
  .max(DEFINITION_LIMITS.maxIdLength, `must be at most ${DEFINITION_LIMITS.maxIdLength} characters`)
  .regex(/^[A-Za-z0-9_.:-]+$/, "may contain only letters, digits, _ . : and -");

export const retryPolicySchema = z
  .object({
    maxAttempts: z.number().int().min(1).max(10).default(1),
    backoffMs: z.number().int().min(0).max(60_000).default(200),
    /** Per-attempt time limit for the node. */
    timeoutMs: z.number().int().min(1).max(600_000).optional(),
  })
  .strict();
export type RetryPolicy = z.infer<typeof retryPolicySchema>;

/**
 * A state to start a graph from instead of a fresh message: the conversation so far, the variables and what
 * retrieval or memory left. A CUSTOM request's `state` (lib/contracts/execution-request.ts), and the heart of a
 * node's pinned input (below).
 */
export const STATE_LIMITS = { maxMessages: 200, maxText: 100_000 } as const;
export const stateMessageSchema = z
  .object({
    role: z.enum(["user", "assistant", "system"]),
    content: z.string().max(STATE_LIMITS.maxText, `must be at most ${STATE_LIMITS.maxText} characters`),
  })
  .strict();
export const startStateSchema = z
  .object({
    messages: z
      .array(stateMessageSchema)
      .max(STATE_LIMITS.maxMessages, `at most ${STATE_LIMITS.maxMessages} messages`)
      .default([]),
    variables: z.record(z.string(), z.unknown()).default({}),
    /** What a retrieval node found (`{{retrieval_context}}`). */
    retrievalContext: z.string().max(STATE_LIMITS.maxText).optional(),
    /** A memory node's running summary (`{{conversation_summary}}`). */
    conversationSummary: z.string().max(STATE_LIMITS.maxText).optional(),
  })
  .strict();
export type StartState = z.infer<typeof startStateSchema>;

/**
 * A node's pinned input (`data.pinnedInput`): the state the editor's "Run this node" starts that node from,
 * kept with the draft. `message` is the run's input message (what `input.message` reads); the rest is the
 * state. Optional, and ignored by runs of the whole workflow.
 */
export const pinnedInputSchema = startStateSchema
  .extend({ message: z.string().max(STATE_LIMITS.maxText).optional() })
  .strict();
export type PinnedInput = z.infer<typeof pinnedInputSchema>;

export const nodeSchema = z
  .object({
    id: idSchema,
    type: z.string().min(1).max(50),
    position: z.object({ x: z.number().finite(), y: z.number().finite() }).default({ x: 0, y: 0 }),
    data: z
      .object({
        label: z.string().max(DEFINITION_LIMITS.maxNameLength).optional(),
        config: z.record(z.string(), z.unknown()).default({}),
        retry: retryPolicySchema.optional(),
        pinnedInput: pinnedInputSchema.optional(),
      })
      .passthrough()
      .default({ config: {} }),
  })
  .passthrough();
export type WorkflowNode = z.infer<typeof nodeSchema>;

export const edgeSchema = z
  .object({
    id: idSchema,
    source: idSchema,
    target: idSchema,
    /** Named output handle of a branching node (a conditional's branch key, `default`, `body`, `done`, `error`…). */
    sourceHandle: z.string().max(100).nullish(),
    targetHandle: z.string().max(100).nullish(),
    label: z.string().max(200).optional(),
  })
  .passthrough();
export type WorkflowEdge = z.infer<typeof edgeSchema>;

export const graphSchema = z.object({
  nodes: z.array(nodeSchema).max(DEFINITION_LIMITS.maxNodes, `at most ${DEFINITION_LIMITS.maxNodes} nodes`),
  edges: z.array(edgeSchema).max(DEFINITION_LIMITS.maxEdges, `at most ${DEFINITION_LIMITS.maxEdges} edges`),
  metadata: z.record(z.string(), z.unknown()).default({}),
});
export type WorkflowGraph = z.infer<typeof graphSchema>;

export const definitionSchema = graphSchema.extend({
  name: z.string().trim().min(1, "must not be empty").max(DEFINITION_LIMITS.maxNameLength).default("Untitled workflow"),
  description: z.string().max(DEFINITION_LIMITS.maxDescriptionLength).default(""),
});
export type WorkflowDefinitionInput = z.input<typeof definitionSchema>;
export type WorkflowDefinitionDoc = z.infer<typeof definitionSchema>;

/** Export files wrap a definition or a template with a format version. */
export const EXPORT_FORMAT_VERSION = 1;
export const exportFileSchema = z.object({
  format: z.literal("lattice.workflow"),
  formatVersion: z.literal(EXPORT_FORMAT_VERSION),
  kind: z.enum(["definition", "template"]),
  exportedAt: z.string().optional(),
  workflow: definitionSchema.extend({
    category: z.string().max(50).optional(),
    defaultParams: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type ExportFile = z.infer<typeof exportFileSchema>;

/** The graph handle every node may have: followed when the node fails after its retry policy. */
export const ERROR_HANDLE = "error";
