/**
 * ExecutionRequest — the public contract of every way to run a workflow (API, chat, streaming chat,
 * templates, ad-hoc graphs). One zod discriminated union on `type`; `execute()` accepts nothing else.
 * Client-safe: API route schemas and the chat UI reuse it.
 */
import { z } from "zod";
import { graphSchema, startStateSchema } from "@/lib/workflow/definition";

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/i;
const idSchema = z.string().regex(ULID, "must be a 26-character ULID");

export const MAX_MESSAGE_LENGTH = 100_000;

export const executionInputSchema = z
  .object({
    message: z.string().max(MAX_MESSAGE_LENGTH).optional(),
    variables: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type ExecutionInput = z.infer<typeof executionInputSchema>;

/** How often the run's state is written to the checkpoint tables (LangGraph durability modes). */
export const DURABILITY_MODES = ["exit", "async", "sync"] as const;
export type Durability = (typeof DURABILITY_MODES)[number];

/** Node ids of the run's workflow, or "*" (every node). */
export const breakpointListSchema = z.union([z.literal("*"), z.array(z.string().min(1).max(200)).min(1).max(100)]);
export type BreakpointList = z.infer<typeof breakpointListSchema>;

/** Per-run budgets: the run stops (status failed, code budget) when one is exceeded. */
export const executionOptionsSchema = z
  .object({
    /** Wall-clock limit for the whole run. */
    timeoutMs: z.number().int().min(100).max(3_600_000).optional(),
    /** Tokens (input + output, all models) the run may use. */
    maxTokens: z.number().int().min(1).max(100_000_000).optional(),
    /** Money the run may spend, in US dollars. */
    maxCostUsd: z.number().min(0).max(10_000).optional(),
    /**
     * "exit" (default): one checkpoint when the run ends or pauses — enough to resume a human step;
     * "sync"/"async": after every step, for long runs that must survive a crash mid-way.
     */
    durability: z.enum(DURABILITY_MODES).optional(),
    /**
     * Breakpoints (LangGraph's interruptBefore): the run pauses before any of these nodes runs ("*": every
     * node), status "paused"; continuing it (POST /api/executions/:id/resume, no answer needed) runs on.
     * A run with breakpoints keeps checkpoints.
     */
    interruptBefore: breakpointListSchema.optional(),
    /** Breakpoints after these nodes ran (LangGraph's interruptAfter); as `interruptBefore`. */
    interruptAfter: breakpointListSchema.optional(),
  })
  .strict();
export type ExecutionOptions = z.infer<typeof executionOptionsSchema>;

const common = { options: executionOptionsSchema.optional() };

/**
 * What started a run, recorded on its execution row (trigger_type, trigger_id), shown in the run list and a
 * filter of the monitor and the analytics: a person in the app (`manual`), an API key (`api`), the chat
 * (`chat`), a re-run (`rerun`), a parent run (`subworkflow`: a subworkflow node or the run_workflow tool), a
 * schedule, a webhook, an MCP client.
 */
export const TRIGGER_TYPES = ["manual", "api", "chat", "rerun", "subworkflow", "schedule", "webhook", "mcp"] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];

export const runTriggerSchema = z
  .object({
    type: z.enum(TRIGGER_TYPES),
    /** The schedule, hook or other object that started it. */
    id: z.string().min(1).max(64).optional(),
  })
  .strict();
export type RunTrigger = z.infer<typeof runTriggerSchema>;

/**
 * The trigger is the server's to set: the routes that take a request from a client (POST /api/executions,
 * /api/chat) do not accept this field (their bodies are the variants below, without it) and record `api`,
 * `manual` or `chat` from how the caller signed in; schedules, webhooks and MCP set theirs in the server.
 */
const triggerShape = { trigger: runTriggerSchema.optional() };

export const customRequestSchema = z
  .object({
    type: z.literal("CUSTOM"),
    definition: graphSchema,
    input: executionInputSchema.default({}),
    /**
     * Start the graph from this state instead of a fresh conversation (the editor's "Run this node"): its
     * messages are the conversation (`input.message` is then not added to them, only read as `input.message`),
     * its variables the variables (the Start node's and `input.variables` still apply over them).
     */
    state: startStateSchema.optional().meta({
      description:
        "Start from this state instead of a fresh conversation: `messages` are the conversation so far (input.message is then only what `input.message` reads, not added to them), `variables` the variables (the Start node's initial variables and input.variables apply over them), `retrievalContext` and `conversationSummary` what retrieval and memory left",
    }),
    ...common,
  })
  .strict();

export const definitionRequestSchema = z
  .object({
    type: z.literal("DEFINITION"),
    definitionId: idSchema,
    /** Empty: the latest version. */
    version: z.number().int().min(1).optional(),
    input: executionInputSchema.default({}),
    ...common,
  })
  .strict();

export const templateRequestSchema = z
  .object({
    type: z.literal("TEMPLATE"),
    templateId: idSchema,
    /** Values for the template's parameters (over its defaults), e.g. { knowledgeBaseId }. */
    params: z.record(z.string(), z.unknown()).optional(),
    input: executionInputSchema.default({}),
    ...common,
  })
  .strict();

export const chatRequestSchema = z
  .object({
    type: z.literal("CHAT"),
    /** Empty: a new conversation. */
    conversationId: idSchema.optional(),
    /** What answers: a saved definition, or a template; neither: the universal chat template. */
    workflowId: idSchema.optional(),
    templateId: idSchema.optional(),
    message: z.string().min(1, "must not be empty").max(MAX_MESSAGE_LENGTH),
    ...common,
  })
  .strict()
  .refine((r) => !(r.workflowId && r.templateId), {
    message: "give workflowId or templateId, not both",
    path: ["templateId"],
  });

export const executionRequestSchema = z.discriminatedUnion("type", [
  customRequestSchema.extend(triggerShape),
  definitionRequestSchema.extend(triggerShape),
  templateRequestSchema.extend(triggerShape),
  chatRequestSchema.safeExtend(triggerShape),
]);

/** What a request's run is recorded as started by: its own trigger, else a chat turn's `chat` or `manual`. */
export function triggerOf(request: ExecutionRequest): RunTrigger {
  return request.trigger ?? { type: request.type === "CHAT" ? "chat" : "manual" };
}

export type ExecutionRequest = z.infer<typeof executionRequestSchema>;
export type ExecutionRequestInput = z.input<typeof executionRequestSchema>;
export type WorkflowType = ExecutionRequest["type"];
export type CustomRequest = z.infer<typeof customRequestSchema>;
export type DefinitionRequest = z.infer<typeof definitionRequestSchema>;
export type TemplateRequest = z.infer<typeof templateRequestSchema>;
export type ChatRequest = z.infer<typeof chatRequestSchema>;
