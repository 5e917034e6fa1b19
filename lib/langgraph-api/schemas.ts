/**
 * Request bodies and queries of the LangGraph Platform API, as @langchain/langgraph-sdk sends them
 * (snake_case; absent fields are omitted or null). Unknown fields are ignored as LangGraph's server does;
 * known ones are checked, so a wrong type is a 422 that names the field.
 */
import { z } from "zod";

const record = z.record(z.string(), z.unknown());
const metadata = record.nullish();
const limit = z.number().int().min(1).max(1000).nullish();
const offset = z.number().int().min(0).max(1_000_000).nullish();
const sortOrder = z.enum(["asc", "desc"]).nullish();
const select = z.array(z.string().max(100)).max(50).nullish();

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const threadIdSchema = z.string().regex(UUID_PATTERN, "must be a UUID");

export const assistantSearchSchema = z.object({
  graph_id: z.string().max(200).nullish(),
  name: z.string().max(200).nullish(),
  metadata,
  limit,
  offset,
  sort_by: z.enum(["assistant_id", "graph_id", "name", "created_at", "updated_at"]).nullish(),
  sort_order: sortOrder,
  select,
});
export type AssistantSearch = z.infer<typeof assistantSearchSchema>;

export const assistantCountSchema = assistantSearchSchema.pick({ graph_id: true, name: true, metadata: true });

const configSchema = z
  .object({
    tags: z.array(z.string()).nullish(),
    recursion_limit: z.number().int().nullish(),
    configurable: record.nullish(),
  })
  .loose();

export const assistantCreateSchema = z.object({
  graph_id: z.string().min(1, "is required").max(200),
  assistant_id: z.string().max(64).nullish(),
  config: configSchema.nullish(),
  context: z.unknown().optional(),
  metadata,
  if_exists: z.enum(["raise", "do_nothing"]).nullish(),
  name: z.string().trim().min(1).max(200).nullish(),
  description: z.string().max(2000).nullish(),
});

export const assistantPatchSchema = z.object({
  graph_id: z.string().max(200).nullish(),
  config: configSchema.nullish(),
  context: z.unknown().optional(),
  metadata,
  name: z.string().trim().min(1).max(200).nullish(),
  description: z.string().max(2000).nullish(),
});

export const assistantVersionsSchema = z.object({ metadata, limit, offset });
export const assistantLatestSchema = z.object({ version: z.number().int().min(1) });

export const threadCreateSchema = z.object({
  thread_id: threadIdSchema.nullish(),
  metadata,
  if_exists: z.enum(["raise", "do_nothing"]).nullish(),
  supersteps: z.array(z.unknown()).max(0, "are not supported by Lattice").nullish(),
  ttl: z.unknown().optional(),
});

export const threadPatchSchema = z.object({ metadata, ttl: z.unknown().optional() });

const threadStatus = z.enum(["idle", "busy", "interrupted", "error"]);

export const threadSearchSchema = z.object({
  metadata,
  ids: z.array(threadIdSchema).max(1000).nullish(),
  values: record.nullish(),
  status: threadStatus.nullish(),
  limit,
  offset,
  sort_by: z.enum(["thread_id", "status", "created_at", "updated_at", "state_updated_at"]).nullish(),
  sort_order: sortOrder,
  select,
  extract: z.unknown().optional(),
});

export const threadCountSchema = z.object({ metadata, values: record.nullish(), status: threadStatus.nullish() });

export const historySchema = z.object({
  limit,
  before: z.union([z.string(), record]).nullish(),
  metadata,
  checkpoint: record.nullish(),
  select,
});

export const updateStateSchema = z.object({
  values: z.unknown().optional(),
  as_node: z.string().max(200).nullish(),
  checkpoint: record.nullish(),
  checkpoint_id: z.string().max(100).nullish(),
});

const streamModeName = z.enum([
  "values",
  "messages",
  "messages-tuple",
  "updates",
  "events",
  "debug",
  "custom",
  "tasks",
  "checkpoints",
  "tools",
]);
export type StreamModeName = z.infer<typeof streamModeName>;

export const commandSchema = z.object({
  resume: z.unknown().optional(),
  update: z.unknown().optional(),
  goto: z.unknown().optional(),
});

export const runCreateSchema = z.object({
  assistant_id: z.string().min(1, "is required").max(200),
  input: z.unknown().optional(),
  command: commandSchema.nullish(),
  config: configSchema.nullish(),
  context: z.unknown().optional(),
  metadata,
  stream_mode: z.union([streamModeName, z.array(streamModeName).max(10)]).nullish(),
  stream_subgraphs: z.boolean().nullish(),
  stream_resumable: z.boolean().nullish(),
  interrupt_before: z.union([z.literal("*"), z.array(z.string().max(200)).max(100)]).nullish(),
  interrupt_after: z.union([z.literal("*"), z.array(z.string().max(200)).max(100)]).nullish(),
  checkpoint_id: z.string().max(100).nullish(),
  checkpoint: record.nullish(),
  multitask_strategy: z.enum(["reject", "interrupt", "rollback", "enqueue"]).nullish(),
  on_disconnect: z.enum(["cancel", "continue"]).nullish(),
  on_completion: z.enum(["delete", "keep"]).nullish(),
  if_not_exists: z.enum(["create", "reject"]).nullish(),
  after_seconds: z.number().min(0).max(0, "delayed runs are not supported by Lattice").nullish(),
  durability: z.enum(["exit", "async", "sync"]).nullish(),
  checkpoint_during: z.boolean().nullish(),
  feedback_keys: z.unknown().optional(),
  webhook: z.string().max(0, "webhooks on run completion are not supported by Lattice").nullish(),
  langsmith_tracer: z.unknown().optional(),
  strict_resume: z.boolean().nullish(),
});
export type RunCreate = z.infer<typeof runCreateSchema>;

export const cronCreateSchema = z.object({
  assistant_id: z.string().min(1, "is required").max(200),
  schedule: z.string().trim().min(1, "is required").max(200),
  input: z.unknown().optional(),
  metadata,
  config: configSchema.nullish(),
  timezone: z.string().max(64).nullish(),
  enabled: z.boolean().nullish(),
  end_time: z.null().optional(),
  webhook: z.string().max(0, "webhooks on run completion are not supported by Lattice").nullish(),
});

export const cronPatchSchema = z.object({
  schedule: z.string().trim().min(1).max(200).nullish(),
  timezone: z.string().max(64).nullish(),
  input: z.unknown().optional(),
  enabled: z.boolean().nullish(),
  metadata,
});

export const cronSearchSchema = z.object({
  assistant_id: z.string().max(200).nullish(),
  thread_id: z.string().max(64).nullish(),
  enabled: z.boolean().nullish(),
  metadata,
  limit,
  offset,
  sort_by: z.string().max(50).nullish(),
  sort_order: sortOrder,
  select,
});

export const threadPruneSchema = z.object({
  thread_ids: z.array(threadIdSchema).min(1).max(1000),
  strategy: z.enum(["delete", "keep_latest"]).nullish(),
});

export const runCancelManySchema = z
  .object({
    thread_id: threadIdSchema.nullish(),
    run_ids: z.array(z.string().min(1).max(64)).max(1000).nullish(),
    status: z.enum(["pending", "running", "all"]).nullish(),
  })
  .refine((b) => Boolean(b.run_ids?.length) !== Boolean(b.status), {
    message: "give run_ids (with thread_id) or status, not both",
    path: ["run_ids"],
  })
  .refine((b) => !b.run_ids?.length || b.thread_id, { message: "run_ids need thread_id", path: ["thread_id"] });

export const runBatchSchema = z.array(runCreateSchema).min(1).max(100);

// The store (store.ts). Namespace labels as LangGraph's server checks them: none empty, none with a ".".
const NAMESPACE_LABEL_RULE = "Namespace labels cannot be empty or contain periods";
const namespaceLabel = z
  .string()
  .min(1, NAMESPACE_LABEL_RULE)
  .max(256)
  .refine((label) => !label.includes("."), NAMESPACE_LABEL_RULE);
export const storeNamespaceSchema = z.array(namespaceLabel).min(1, "is required (at least one label)").max(32);
const storeKey = z.string().min(1, "is required").max(1024);
/** A prefix or suffix of listNamespaces: "*" matches any one label. */
const namespacePattern = z.array(namespaceLabel).max(32).nullish();

export const storePutSchema = z.object({
  namespace: storeNamespaceSchema,
  key: storeKey,
  value: record,
  /** What a search's query matches: the whole value (null), the fields named, or nothing (false). */
  index: z.union([z.literal(false), z.array(z.string().min(1).max(200)).max(50)]).nullish(),
  /** Minutes the item lives after its last write (or read, unless a read says refresh_ttl: false). */
  ttl: z.number().positive().max(5_256_000).nullish(),
});

export const storeDeleteSchema = z.object({ namespace: storeNamespaceSchema, key: storeKey });

export const storeGetQuerySchema = z.object({
  namespace: z
    .string({ error: "is required (labels joined by '.')" })
    .transform((value) => value.split("."))
    .pipe(storeNamespaceSchema),
  key: storeKey,
  refresh_ttl: z.enum(["true", "false"]).optional(),
});

export const storeSearchSchema = z.object({
  namespace_prefix: z.array(namespaceLabel).max(32).nullish(),
  filter: record.nullish(),
  limit: z.number().int().min(1).max(1000).nullish(),
  offset,
  query: z.string().max(2000).nullish(),
  refresh_ttl: z.boolean().nullish(),
});

export const storeNamespacesSchema = z.object({
  prefix: namespacePattern,
  suffix: namespacePattern,
  max_depth: z.number().int().min(1).max(32).nullish(),
  limit,
  offset,
});
