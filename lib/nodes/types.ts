/**
 * The shape every node type's definition has. A definition is client-safe data plus pure functions: the
 * editor's palette and inspector, the validator and the graph builder all read it; the server-only run
 * function lives beside it in `run.ts`.
 */
import type { z } from "zod";
import { ERROR_HANDLE } from "@/lib/workflow/definition";

export const NODE_CATEGORIES = ["flow", "ai", "data", "logic", "integration", "human"] as const;
export type NodeCategory = (typeof NODE_CATEGORIES)[number];

/** The editor's form widgets. A config field names one in its `.meta({ widget })`. */
export const FIELD_WIDGETS = [
  "text",
  "textarea",
  "number",
  "switch",
  "select",
  "json",
  /** A JSONata expression. */
  "expression",
  /** A template with {{variables}}. */
  "prompt",
  /** Provider/model picker. Fields sharing a `group` are edited together by one picker. */
  "model",
  /** Multi-select of tool names. */
  "tools",
  /** The user's MCP servers and the tools of each the node may call. */
  "mcpTools",
  "knowledgeBase",
  /** An array editor (branches, routes, variable assignments…). */
  "list",
] as const;
export type FieldWidget = (typeof FIELD_WIDGETS)[number];

/** Metadata the editor's generated form reads from each config field (`schema.meta()`). */
export interface FieldMeta {
  title: string;
  description?: string;
  widget: FieldWidget;
  placeholder?: string;
  /** Fields with the same group render as one widget (e.g. provider + model). */
  group?: string;
  /** Shown in an "advanced" section. */
  advanced?: boolean;
  /** The field may read {{secrets.NAME}}: the inspector lists the user's secrets under it. */
  usesSecrets?: boolean;
  [key: string]: unknown;
}

/** Typed helper for `.meta()`, so a typo in a widget name fails the type check. */
export function field(meta: FieldMeta): FieldMeta {
  return meta;
}

/** Reads a field's editor metadata back, or undefined when it has none. */
export function getFieldMeta(schema: z.ZodType): FieldMeta | undefined {
  const meta = schema.meta() as Record<string, unknown> | undefined;
  if (!meta || typeof meta.title !== "string" || typeof meta.widget !== "string") return undefined;
  if (!(FIELD_WIDGETS as readonly string[]).includes(meta.widget)) return undefined;
  return meta as FieldMeta;
}

/** The one target handle of every node but `start`. */
export const INPUT_HANDLE = "in";
/** The single source handle of a non-branching node. */
export const OUTPUT_HANDLE = "out";
/** Every node may have an `error` source handle, followed when it fails after its retry policy. */
export { ERROR_HANDLE };

/** Something a node's config refers to that the validator checks against the deployment. */
export interface NodeUsage {
  /** Models the node calls. `field` is the config path of the provider field (for `path` in issues). */
  models: Array<{ provider: string; model: string; field: string; credentialId?: string }>;
  tools: Array<{ name: string; field: string }>;
  /** Outbound URLs (may contain {{template}} parts; only literal hosts can be judged before run time). */
  urls: Array<{ url: string; field: string }>;
  /** JSONata expressions. */
  expressions: Array<{ source: string; field: string }>;
  /** {{variable}} templates. */
  templates: Array<{ source: string; field: string }>;
  /**
   * The templates that may read the user's secrets ({{secrets.NAME}}): the run resolves them, and redacts
   * their values from what the node returns. A secret anywhere else is a validation error.
   */
  secrets: Array<{ source: string; field: string }>;
  /** Resources a user owns that the node names (checked for existence and access). */
  references: Array<{ kind: "knowledgeBase" | "workflow" | "mcpServer"; id: string; field: string }>;
}

/** Resource bounds a node's config implies, checked against the deployment's limits. */
export interface NodeLimits {
  loopIterations?: { value: number; field: string };
  toolCalls?: { value: number; field: string };
  /** Tokens a single model call may generate. */
  tokens?: { value: number; field: string };
  /** The node runs another workflow one level deeper. */
  nestsWorkflow?: boolean;
}

export interface NodeDefinition<TType extends string = string, TSchema extends z.ZodObject = z.ZodObject> {
  type: TType;
  label: string;
  description: string;
  category: NodeCategory;
  /** A lucide-react icon name, e.g. "Bot". */
  icon: string;
  /** Hex colour for the palette and the canvas node. */
  color: string;
  configSchema: TSchema;
  /**
   * The config a node gets when dropped from the palette. Not always valid: a node that must point at
   * something (a knowledge base, a URL, a workflow) starts empty and the validator asks for it.
   */
  defaultConfig(): z.input<TSchema>;
  /** Target handles: `["in"]`, or none for `start`. */
  inputs: readonly string[];
  /** Named source handles for a (parsed) config, without the `error` handle every node also has. */
  outputs(config: z.output<TSchema>): string[];
  /** The run ends here: no outputs, and reaching one satisfies "a path to an end". */
  terminal: boolean;
  /** Chooses one of several outputs (each handle should have an edge). */
  branching: boolean;
  /** Whether the node is where a run begins (exactly one per workflow). */
  entry: boolean;
  /** May be the target of a back edge: cycles through it are bounded loops. */
  loops: boolean;
  /**
   * May pause the run (a LangGraph interrupt) until someone answers. Only runs of graphs with such a node
   * need a checkpoint to continue from; the others run without writing one (by default).
   */
  pauses: boolean;
  /** What the config refers to. */
  uses(config: z.output<TSchema>): NodeUsage;
  /** The bounds the config implies. */
  limits(config: z.output<TSchema>): NodeLimits;
}

/** A definition with its config type erased: what the registry, validator and editor handle generically. */
export type AnyNodeDefinition = NodeDefinition<string, z.ZodObject>;

type DefineNodeInput<TType extends string, TSchema extends z.ZodObject> = Omit<
  NodeDefinition<TType, TSchema>,
  "inputs" | "outputs" | "terminal" | "branching" | "entry" | "loops" | "pauses" | "uses" | "limits" | "defaultConfig"
> & {
  /**
   * Values for the fields that have no default (they must be chosen by the user), e.g. `{ url: "" }`.
   * `defaultConfig()` is every field's default plus these.
   */
  blankConfig?: Partial<z.input<TSchema>>;
  inputs?: readonly string[];
  outputs?: (config: z.output<TSchema>) => string[];
  terminal?: boolean;
  branching?: boolean;
  entry?: boolean;
  loops?: boolean;
  pauses?: boolean;
  uses?: (config: z.output<TSchema>) => Partial<NodeUsage>;
  limits?: (config: z.output<TSchema>) => NodeLimits;
};

/** Builds a definition with the common defaults: one `in`, one `out`, no references, no limits. */
export function defineNode<const TType extends string, TSchema extends z.ZodObject>(
  input: DefineNodeInput<TType, TSchema>,
): NodeDefinition<TType, TSchema> {
  const { blankConfig, uses, ...rest } = input;
  return {
    inputs: [INPUT_HANDLE],
    outputs: () => [OUTPUT_HANDLE],
    terminal: false,
    branching: false,
    entry: false,
    loops: false,
    pauses: false,
    limits: () => ({}),
    ...rest,
    defaultConfig: () =>
      ({ ...fieldDefaults(input.configSchema), ...structuredClone(blankConfig ?? {}) }) as z.input<TSchema>,
    uses: (config) => ({
      models: [],
      tools: [],
      urls: [],
      expressions: [],
      templates: [],
      secrets: [],
      references: [],
      ...uses?.(config),
    }),
  };
}

/** Each field's own default (fields without one are left out). */
function fieldDefaults(schema: z.ZodObject): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [key, fieldSchema] of Object.entries(schema.shape)) {
    const parsed = (fieldSchema as z.ZodType).safeParse(undefined);
    if (parsed.success && parsed.data !== undefined) defaults[key] = parsed.data;
  }
  return defaults;
}
