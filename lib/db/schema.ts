/**
 * The whole data model, one drizzle schema for both backends (PGlite and PostgreSQL).
 * IDs are ULIDs (26 characters). Every row a user owns carries `owner_id`.
 * Migrations are generated from this file by drizzle-kit into `drizzle/`.
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  varchar,
} from "drizzle-orm/pg-core";
import { newId } from "../ids";

const id = () =>
  varchar("id", { length: 26 })
    .primaryKey()
    .$defaultFn(() => newId());
const ref = (name: string) => varchar(name, { length: 26 });
const createdAt = () => timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();
const updatedAt = () =>
  timestamp("updated_at", { withTimezone: true, mode: "date" })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());
const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
/** Money: numeric keeps exact sums; read as string by the drivers, converted at the query layer. */
const money = (name: string) => numeric(name, { precision: 14, scale: 6 }).notNull().default("0");

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
});
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

// ---------------------------------------------------------------------------------------------
// Auth (Auth.js drizzle adapter shape, with ULID user ids)
// ---------------------------------------------------------------------------------------------

export const users = pgTable("users", {
  id: id(),
  name: text("name"),
  email: varchar("email", { length: 320 }).notNull().unique(),
  emailVerified: tstz("email_verified"),
  image: text("image"),
  /** bcrypt hash; null for accounts that only sign in through an OAuth provider. */
  passwordHash: text("password_hash"),
  /**
   * The model a node set to "the default model" uses in this user's runs: { provider, model, credentialId? }.
   * Null: the server's default (LATTICE_DEFAULT_MODEL, else the first configured provider, else local:echo).
   */
  defaultModel: jsonb("default_model").$type<{ provider: string; model: string; credentialId?: string }>(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const accounts = pgTable(
  "accounts",
  {
    userId: ref("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    provider: text("provider").notNull(),
    providerAccountId: text("provider_account_id").notNull(),
    refresh_token: text("refresh_token"),
    access_token: text("access_token"),
    expires_at: integer("expires_at"),
    token_type: text("token_type"),
    scope: text("scope"),
    id_token: text("id_token"),
    session_state: text("session_state"),
  },
  (t) => [primaryKey({ columns: [t.provider, t.providerAccountId] }), index("accounts_user_idx").on(t.userId)],
);

export const sessions = pgTable("sessions", {
  sessionToken: text("session_token").primaryKey(),
  userId: ref("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  expires: tstz("expires").notNull(),
});

export const verificationTokens = pgTable(
  "verification_tokens",
  {
    identifier: text("identifier").notNull(),
    token: text("token").notNull(),
    expires: tstz("expires").notNull(),
  },
  (t) => [primaryKey({ columns: [t.identifier, t.token] })],
);

export const apiKeys = pgTable(
  "api_keys",
  {
    id: id(),
    ownerId: ref("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: varchar("name", { length: 100 }).notNull(),
    /** First characters of the key, shown in lists so a user can tell keys apart. */
    prefix: varchar("prefix", { length: 16 }).notNull(),
    /** SHA-256 of the whole key (keys are 256-bit random, so a fast hash is safe). */
    keyHash: varchar("key_hash", { length: 64 }).notNull().unique(),
    createdAt: createdAt(),
    lastUsedAt: tstz("last_used_at"),
    revokedAt: tstz("revoked_at"),
  },
  (t) => [index("api_keys_owner_idx").on(t.ownerId, t.createdAt)],
);

/**
 * A user's model provider credentials (kind "provider": an API key and/or base URL) and secrets (kind
 * "secret": a value HTTP nodes reference as {{secrets.NAME}}). The value is sealed with AES-256-GCM
 * (lib/credentials/crypto.ts): a random IV per row, the auth tag, and the id of the key that sealed it, so a
 * rotated key can still open old rows. Only `hint` (a masked tail) is ever shown again.
 */
export const credentials = pgTable(
  "credentials",
  {
    id: id(),
    ownerId: ref("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: varchar("kind", { length: 16 }).notNull().$type<"provider" | "secret">(),
    /** Provider credentials: openai (and OpenAI-compatible servers), anthropic, ollama. Null for secrets. */
    provider: varchar("provider", { length: 20 }),
    name: varchar("name", { length: 100 }).notNull(),
    /** Not secret: where the provider's server is (OpenAI-compatible, Ollama, a proxy). */
    baseUrl: text("base_url"),
    hint: varchar("hint", { length: 40 }).notNull().default(""),
    keyId: varchar("key_id", { length: 32 }).notNull(),
    iv: bytea("iv").notNull(),
    authTag: bytea("auth_tag").notNull(),
    ciphertext: bytea("ciphertext").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("credentials_owner_kind_name_idx").on(t.ownerId, t.kind, t.name)],
);

/**
 * MCP servers a user registered (Streamable HTTP): their tools are offered to the Tools node. An optional
 * auth header is sent with every request; its value is sealed like a credential's (it may be, or contain, a
 * {{secrets.NAME}} reference, resolved when a connection opens) and only `auth_header_hint` is shown again.
 */
export const mcpServers = pgTable(
  "mcp_servers",
  {
    id: id(),
    ownerId: ref("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: varchar("name", { length: 100 }).notNull(),
    url: text("url").notNull(),
    authHeaderName: varchar("auth_header_name", { length: 100 }),
    authHeaderHint: varchar("auth_header_hint", { length: 200 }).notNull().default(""),
    authKeyId: varchar("auth_key_id", { length: 32 }),
    authIv: bytea("auth_iv"),
    authTag: bytea("auth_tag"),
    authCiphertext: bytea("auth_ciphertext"),
    /** How long one tool call may take. */
    timeoutMs: integer("timeout_ms").notNull().default(30_000),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("mcp_servers_owner_name_idx").on(t.ownerId, t.name)],
);

/**
 * Sessions of /api/mcp's clients, so that any app instance can serve any of them: the instance a request
 * reaches that does not hold the session opens it again from the client's initialize parameters. Dropped when
 * the client ends it or after 30 minutes unused (lib/services/mcp-endpoint.ts).
 */
export const mcpSessions = pgTable(
  "mcp_sessions",
  {
    id: varchar("id", { length: 64 }).primaryKey(),
    ownerId: ref("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The client's initialize request's params (protocol version, capabilities, client info). */
    initialize: jsonb("initialize").notNull(),
    createdAt: createdAt(),
    lastSeenAt: tstz("last_seen_at").notNull().defaultNow(),
  },
  (t) => [index("mcp_sessions_last_seen_idx").on(t.lastSeenAt)],
);

/**
 * A session's tools/call requests and the runs they started: a client's `notifications/cancelled` names the
 * request, and whichever instance it reaches cancels the run through the cross-instance cancel.
 */
export const mcpCalls = pgTable(
  "mcp_calls",
  {
    sessionId: varchar("session_id", { length: 64 })
      .notNull()
      .references(() => mcpSessions.id, { onDelete: "cascade" }),
    /** The JSON-RPC request id, as JSON (a number and a string of the same digits are two ids). */
    requestId: varchar("request_id", { length: 200 }).notNull(),
    executionId: ref("execution_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.requestId] })],
);

// ---------------------------------------------------------------------------------------------
// Templates and definitions
// ---------------------------------------------------------------------------------------------

/** Pure configuration: no usage counters (those live in template_analytics). */
export const workflowTemplates = pgTable(
  "workflow_templates",
  {
    id: id(),
    /** null for built-in templates, which everyone may read and nobody may change. */
    ownerId: ref("owner_id").references(() => users.id, { onDelete: "cascade" }),
    /** Stable key of a built-in template (e.g. "universal-chat"); null for user templates. */
    slug: varchar("slug", { length: 64 }).unique(),
    name: varchar("name", { length: 200 }).notNull(),
    description: text("description").notNull().default(""),
    category: varchar("category", { length: 50 }).notNull().default("general"),
    isBuiltin: boolean("is_builtin").notNull().default(false),
    /** The graph: { nodes, edges, metadata } in the public definition format. */
    definition: jsonb("definition").notNull(),
    /** Parameters a caller may set when instantiating, with defaults. */
    defaultParams: jsonb("default_params").notNull().default({}),
    paramsSchema: jsonb("params_schema"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("workflow_templates_owner_idx").on(t.ownerId, t.updatedAt)],
);

export const workflowDefinitions = pgTable(
  "workflow_definitions",
  {
    id: id(),
    ownerId: ref("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: varchar("name", { length: 200 }).notNull(),
    description: text("description").notNull().default(""),
    nodes: jsonb("nodes").notNull().default([]),
    edges: jsonb("edges").notNull().default([]),
    metadata: jsonb("metadata").notNull().default({}),
    /** The latest version number (a row in workflow_definition_versions per version). */
    version: integer("version").notNull().default(1),
    /** Temporary definitions are instantiated from templates for one run and pruned later. */
    isTemporary: boolean("is_temporary").notNull().default(false),
    /** Result of the last validation on save: an invalid definition is a draft that cannot run. */
    isValid: boolean("is_valid").notNull().default(false),
    /** Offered as a tool to the owner's MCP clients at /api/mcp (the editor's workflow settings). */
    offeredAsTool: boolean("offered_as_tool").notNull().default(false),
    templateId: ref("template_id").references(() => workflowTemplates.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("workflow_definitions_owner_idx").on(t.ownerId, t.updatedAt),
    index("workflow_definitions_temp_idx").on(t.isTemporary, t.createdAt),
  ],
);

/** Immutable snapshots: every save of a definition adds one. */
export const workflowDefinitionVersions = pgTable(
  "workflow_definition_versions",
  {
    id: id(),
    definitionId: ref("definition_id")
      .notNull()
      .references(() => workflowDefinitions.id, { onDelete: "cascade" }),
    ownerId: ref("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    name: varchar("name", { length: 200 }).notNull(),
    description: text("description").notNull().default(""),
    nodes: jsonb("nodes").notNull(),
    edges: jsonb("edges").notNull(),
    metadata: jsonb("metadata").notNull().default({}),
    /** Human-readable summary of what changed against the previous version. */
    summary: text("summary").notNull().default(""),
    createdBy: ref("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("workflow_definition_versions_def_version_uq").on(t.definitionId, t.version)],
);

// ---------------------------------------------------------------------------------------------
// Conversations and messages (declared before executions, which reference them)
// ---------------------------------------------------------------------------------------------

export const conversations = pgTable(
  "conversations",
  {
    id: id(),
    ownerId: ref("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: varchar("title", { length: 200 }).notNull().default("New chat"),
    /** What answers: a saved definition or a template (neither: the universal chat template). */
    workflowId: ref("workflow_id").references(() => workflowDefinitions.id, { onDelete: "set null" }),
    templateId: ref("template_id").references(() => workflowTemplates.id, { onDelete: "set null" }),
    messageCount: integer("message_count").notNull().default(0),
    totalTokens: bigint("total_tokens", { mode: "number" }).notNull().default(0),
    totalCost: money("total_cost"),
    lastMessageAt: tstz("last_message_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("conversations_owner_activity_idx").on(t.ownerId, t.lastMessageAt)],
);

// ---------------------------------------------------------------------------------------------
// Executions, events, analytics
// ---------------------------------------------------------------------------------------------

export const workflowExecutions = pgTable(
  "workflow_executions",
  {
    id: id(),
    ownerId: ref("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    definitionId: ref("definition_id").references(() => workflowDefinitions.id, { onDelete: "set null" }),
    definitionVersion: integer("definition_version"),
    templateId: ref("template_id").references(() => workflowTemplates.id, { onDelete: "set null" }),
    /** CHAT | DEFINITION | TEMPLATE | CUSTOM */
    workflowType: varchar("workflow_type", { length: 20 }).notNull().default("DEFINITION"),
    /** The graph and settings this run used (so a run stays explainable after its definition changes). */
    workflowConfig: jsonb("workflow_config"),
    /** pending | running | paused | completed | failed | cancelled | interrupted */
    status: varchar("status", { length: 20 }).notNull().default("pending"),
    startedAt: tstz("started_at"),
    completedAt: tstz("completed_at"),
    executionTimeMs: integer("execution_time_ms"),
    /** Last sign of life of the process running it; the sweeper marks silent runs interrupted. */
    heartbeatAt: tstz("heartbeat_at"),
    inputData: jsonb("input_data"),
    outputData: jsonb("output_data"),
    errorMessage: text("error_message"),
    executionLog: jsonb("execution_log"),
    tokensUsed: integer("tokens_used").notNull().default(0),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    cost: money("cost"),
    /** Per provider/model usage and cost, for breakdowns by model. */
    usageByModel: jsonb("usage_by_model"),
    correlationId: varchar("correlation_id", { length: 64 }),
    conversationId: ref("conversation_id").references(() => conversations.id, { onDelete: "set null" }),
    /** The run this one re-runs or continues (re-run, time travel, subworkflow parent). */
    parentExecutionId: ref("parent_execution_id"),
    /** Instance that runs it (for cancel routing and recovery). */
    instanceId: varchar("instance_id", { length: 64 }),
    /**
     * What started the run (TRIGGER_TYPES in lib/contracts/execution-request.ts): manual | api | chat | rerun |
     * subworkflow | schedule | webhook | mcp. Set by the server from how the run was asked for, never by a client.
     */
    triggerType: varchar("trigger_type", { length: 20 }).notNull().default("manual"),
    /** The schedule, webhook or other trigger object that started it, when there is one. */
    triggerId: varchar("trigger_id", { length: 64 }),
    createdAt: createdAt(),
  },
  (t) => [
    // The monitor and the analytics select runs by when they were created.
    index("workflow_executions_owner_created_idx").on(t.ownerId, t.createdAt),
    // The runs one schedule or hook started (its panel's last runs).
    index("workflow_executions_trigger_idx")
      .on(t.triggerId, t.createdAt)
      .where(sql`trigger_id is not null`),
    index("workflow_executions_definition_idx").on(t.definitionId, t.startedAt),
    index("workflow_executions_template_idx").on(t.templateId, t.startedAt),
    index("workflow_executions_conversation_idx").on(t.conversationId),
    // Runs going or waiting, by owner: what the run limits count at every start, and what the sweeper and
    // the queue look through. Partial: a run leaves it when it ends, so it stays as small as the work in
    // flight (a count per start no longer grows with the runs of the last minute), and heartbeats, which
    // touch no indexed column, are HOT updates.
    index("workflow_executions_active_idx").on(t.ownerId, t.status).where(sql`status in ('running', 'pending')`),
  ],
);

// ---------------------------------------------------------------------------------------------
// Triggers: schedules and webhooks that start runs of a saved workflow
// ---------------------------------------------------------------------------------------------

/**
 * A schedule of a saved workflow: a cron expression in a time zone, or every N minutes. `next_run_at` is the
 * next tick; the scheduler claims a tick by moving it forward with a compare-and-set (one winner across every
 * instance). Null while paused. Deleting the workflow deletes its schedules.
 */
export const workflowSchedules = pgTable(
  "workflow_schedules",
  {
    id: id(),
    ownerId: ref("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    definitionId: ref("definition_id")
      .notNull()
      .references(() => workflowDefinitions.id, { onDelete: "cascade" }),
    name: varchar("name", { length: 100 }).notNull(),
    /** cron | interval */
    kind: varchar("kind", { length: 10 }).notNull().$type<"cron" | "interval">(),
    cron: varchar("cron", { length: 200 }),
    timezone: varchar("timezone", { length: 64 }).notNull().default("UTC"),
    intervalMinutes: integer("interval_minutes"),
    /** The run's input ({ message?, variables? }). */
    input: jsonb("input").notNull().default({}),
    /** The version it runs; null: the latest at each tick. */
    version: integer("version"),
    enabled: boolean("enabled").notNull().default(true),
    /** A tick missed while nothing was running: run it once when the scheduler is back ("run_once") or "skip". */
    missedTicks: varchar("missed_ticks", { length: 10 }).notNull().default("skip").$type<"skip" | "run_once">(),
    nextRunAt: tstz("next_run_at"),
    lastRunAt: tstz("last_run_at"),
    lastExecutionId: ref("last_execution_id"),
    /** Why the last tick started no run (invalid workflow, run limits), cleared by the next run. */
    lastError: text("last_error"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("workflow_schedules_definition_idx").on(t.ownerId, t.definitionId),
    // The scheduler's scan: due ticks of enabled schedules.
    index("workflow_schedules_due_idx")
      .on(t.nextRunAt)
      .where(sql`enabled`),
  ],
);

/**
 * A webhook of a saved workflow: POST /api/hooks/<token> starts a run. The token is the unguessable part of
 * the URL (rotated by replacing it); the signing secret is sealed like credentials (AES-256-GCM). The rate
 * limit is a token bucket on the row, spent by one conditional update, so it holds across instances.
 */
export const workflowWebhooks = pgTable(
  "workflow_webhooks",
  {
    id: id(),
    ownerId: ref("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    definitionId: ref("definition_id")
      .notNull()
      .references(() => workflowDefinitions.id, { onDelete: "cascade" }),
    name: varchar("name", { length: 100 }).notNull(),
    token: varchar("token", { length: 64 }).notNull().unique(),
    enabled: boolean("enabled").notNull().default(true),
    version: integer("version"),
    /** Signature required: the secret's sealed value (null: the hook accepts unsigned calls). */
    secretKeyId: varchar("secret_key_id", { length: 32 }),
    secretIv: bytea("secret_iv"),
    secretAuthTag: bytea("secret_auth_tag"),
    secretCiphertext: bytea("secret_ciphertext"),
    /** JSONata over { body, headers } for the run's message and variables (null: defaults). */
    messageExpression: text("message_expression"),
    variablesExpression: text("variables_expression"),
    /** Request headers (lower case) the mapping may read. */
    headers: jsonb("headers").notNull().default([]),
    /** async: 202 with the execution id; wait: the result, or 202 after `wait_timeout_seconds`. */
    responseMode: varchar("response_mode", { length: 10 }).notNull().default("async").$type<"async" | "wait">(),
    waitTimeoutSeconds: integer("wait_timeout_seconds").notNull().default(30),
    ratePerMinute: integer("rate_per_minute").notNull().default(60),
    rateTokens: doublePrecision("rate_tokens"),
    rateRefilledAt: tstz("rate_refilled_at"),
    lastCalledAt: tstz("last_called_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("workflow_webhooks_definition_idx").on(t.ownerId, t.definitionId)],
);

/** Signatures a hook accepted, kept for the replay window: the same signature again is refused. */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    hookId: ref("hook_id")
      .notNull()
      .references(() => workflowWebhooks.id, { onDelete: "cascade" }),
    signature: varchar("signature", { length: 64 }).notNull(),
    expiresAt: tstz("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.hookId, t.signature] }), index("webhook_deliveries_expires_idx").on(t.expiresAt)],
);

/**
 * Each user's per-minute run allowance as a token bucket (capacity = the per-minute limit, refilled at that
 * many per minute): one row updated by each admission, under the user's admission lock, instead of
 * counting the runs of the last minute at every start.
 */
export const runQuotas = pgTable("run_quotas", {
  ownerId: ref("owner_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  tokens: doublePrecision("tokens").notNull(),
  refilledAt: timestamp("refilled_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});

/**
 * Sign-in and sign-up attempts per bucket (an account or a client address), in fixed windows that start
 * at a bucket's first attempt: what the auth throttle (lib/auth/throttle.ts) counts, in the database so the
 * limits hold across instances. `bucket` is a keyed hash ("account:…" or "ip:…"), never an email or an
 * address in the clear. Rows whose window is over are deleted by later attempts.
 */
export const authThrottle = pgTable(
  "auth_throttle",
  {
    bucket: varchar("bucket", { length: 80 }).primaryKey(),
    attempts: integer("attempts").notNull(),
    windowStartedAt: timestamp("window_started_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [index("auth_throttle_window_idx").on(t.windowStartedAt)],
);

export const executionEvents = pgTable(
  "execution_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    executionId: ref("execution_id")
      .notNull()
      .references(() => workflowExecutions.id, { onDelete: "cascade" }),
    /** Per-execution sequence number, gap-free from 1; the SSE `id:`. */
    seq: integer("seq").notNull(),
    /**
     * Last sequence number this row holds. Token chunks streamed in a row by one node are stored as one row
     * (seq..seq_end, the texts in `data`) instead of one row per token; null for a single event.
     */
    seqEnd: integer("seq_end"),
    type: varchar("type", { length: 32 }).notNull(),
    nodeId: varchar("node_id", { length: 100 }),
    data: jsonb("data").notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("execution_events_execution_seq_uq").on(t.executionId, t.seq),
    index("execution_events_created_idx").on(t.createdAt),
  ],
);

const analyticsCounters = () => ({
  totalExecutions: integer("total_executions").notNull().default(0),
  successfulExecutions: integer("successful_executions").notNull().default(0),
  failedExecutions: integer("failed_executions").notNull().default(0),
  avgExecutionTimeMs: doublePrecision("avg_execution_time_ms"),
  totalTokensUsed: bigint("total_tokens_used", { mode: "number" }).notNull().default(0),
  totalCost: money("total_cost"),
  lastUsedAt: tstz("last_used_at"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * Usage counters per template, kept apart from the template's configuration (as in the seed).
 * Scoped per owner: built-in templates are shared, and one user's usage is nobody else's business.
 */
export const templateAnalytics = pgTable(
  "template_analytics",
  {
    id: id(),
    templateId: ref("template_id")
      .notNull()
      .references(() => workflowTemplates.id, { onDelete: "cascade" }),
    ownerId: ref("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    ...analyticsCounters(),
  },
  (t) => [uniqueIndex("template_analytics_template_owner_uq").on(t.templateId, t.ownerId)],
);

export const messages = pgTable(
  "messages",
  {
    id: id(),
    conversationId: ref("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    ownerId: ref("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** user | assistant | system | tool */
    role: varchar("role", { length: 16 }).notNull(),
    content: text("content").notNull(),
    executionId: ref("execution_id").references(() => workflowExecutions.id, { onDelete: "set null" }),
    /** complete | stopped | error | pending (a human node waits) */
    status: varchar("status", { length: 16 }).notNull().default("complete"),
    tokens: integer("tokens").notNull().default(0),
    cost: money("cost"),
    durationMs: integer("duration_ms"),
    /** Tool calls, sources, the workflow that answered, the model. */
    metadata: jsonb("metadata").notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    index("messages_conversation_idx").on(t.conversationId, t.createdAt),
    index("messages_execution_idx").on(t.executionId),
  ],
);

// ---------------------------------------------------------------------------------------------
// Knowledge (retrieval): full-text search everywhere; embeddings compared by pgvector where it exists
// ---------------------------------------------------------------------------------------------

export const knowledgeBases = pgTable(
  "knowledge_bases",
  {
    id: id(),
    ownerId: ref("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: varchar("name", { length: 200 }).notNull(),
    description: text("description").notNull().default(""),
    documentCount: integer("document_count").notNull().default(0),
    /**
     * The embeddings model its chunks are embedded with (provider + model; null: full-text search only).
     * The credential is for in-app provider credentials; null: the server's configured provider.
     */
    embeddingProvider: varchar("embedding_provider", { length: 32 }),
    embeddingModel: varchar("embedding_model", { length: 200 }),
    embeddingCredentialId: ref("embedding_credential_id").references(() => credentials.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("knowledge_bases_owner_idx").on(t.ownerId, t.updatedAt)],
);

export const knowledgeDocuments = pgTable(
  "knowledge_documents",
  {
    id: id(),
    knowledgeBaseId: ref("knowledge_base_id")
      .notNull()
      .references(() => knowledgeBases.id, { onDelete: "cascade" }),
    ownerId: ref("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: varchar("title", { length: 300 }).notNull(),
    mimeType: varchar("mime_type", { length: 100 }).notNull().default("text/plain"),
    sizeBytes: integer("size_bytes").notNull().default(0),
    chunkCount: integer("chunk_count").notNull().default(0),
    /** Why its chunks could not be embedded (its text is kept and found by full-text search); null: no failure. */
    embeddingError: text("embedding_error"),
    createdAt: createdAt(),
  },
  (t) => [index("knowledge_documents_kb_idx").on(t.knowledgeBaseId, t.createdAt)],
);

export const knowledgeChunks = pgTable(
  "knowledge_chunks",
  {
    id: id(),
    documentId: ref("document_id")
      .notNull()
      .references(() => knowledgeDocuments.id, { onDelete: "cascade" }),
    knowledgeBaseId: ref("knowledge_base_id")
      .notNull()
      .references(() => knowledgeBases.id, { onDelete: "cascade" }),
    ownerId: ref("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    content: text("content").notNull(),
    /** Maintained by PostgreSQL itself; searched with websearch_to_tsquery. */
    searchVector: tsvector("search_vector").notNull().generatedAlwaysAs(sql`to_tsvector('english', "content")`),
    metadata: jsonb("metadata").notNull().default({}),
    /**
     * The chunk's embedding, L2-normalised, as float4[] on both backends (its length is the model's; pgvector
     * compares it cast to `vector` where the extension exists, plain SQL otherwise), and the
     * "provider:model" that made it: a chunk whose key is not its base's is waiting to be (re-)embedded.
     */
    embedding: real("embedding").array(),
    embeddingKey: varchar("embedding_key", { length: 240 }),
    createdAt: createdAt(),
  },
  (t) => [
    index("knowledge_chunks_kb_idx").on(t.knowledgeBaseId, t.documentId, t.position),
    index("knowledge_chunks_search_idx").using("gin", t.searchVector),
  ],
);

// ---------------------------------------------------------------------------------------------
// LangGraph checkpoints (a saver on the project's own data layer, on both backends)
// ---------------------------------------------------------------------------------------------

export const checkpoints = pgTable(
  "checkpoints",
  {
    threadId: text("thread_id").notNull(),
    checkpointNs: text("checkpoint_ns").notNull().default(""),
    checkpointId: text("checkpoint_id").notNull(),
    parentCheckpointId: text("parent_checkpoint_id"),
    type: text("type"),
    checkpoint: bytea("checkpoint").notNull(),
    metadata: jsonb("metadata").notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.threadId, t.checkpointNs, t.checkpointId] }),
    index("checkpoints_created_idx").on(t.createdAt),
  ],
);

export const checkpointWrites = pgTable(
  "checkpoint_writes",
  {
    threadId: text("thread_id").notNull(),
    checkpointNs: text("checkpoint_ns").notNull().default(""),
    checkpointId: text("checkpoint_id").notNull(),
    taskId: text("task_id").notNull(),
    idx: integer("idx").notNull(),
    channel: text("channel").notNull(),
    type: text("type"),
    value: bytea("value"),
    taskPath: text("task_path").notNull().default(""),
  },
  (t) => [primaryKey({ columns: [t.threadId, t.checkpointNs, t.checkpointId, t.taskId, t.idx] })],
);

/**
 * Channel values, one row per channel version: a checkpoint stores only the channels that changed
 * (LangGraph's newVersions) and reads the others from the versions its channel_versions name.
 */
export const checkpointBlobs = pgTable(
  "checkpoint_blobs",
  {
    threadId: text("thread_id").notNull(),
    checkpointNs: text("checkpoint_ns").notNull().default(""),
    channel: text("channel").notNull(),
    version: text("version").notNull(),
    /** Serializer type tag; "empty" marks a channel that had no value at that version. */
    type: text("type").notNull(),
    blob: bytea("blob"),
  },
  (t) => [primaryKey({ columns: [t.threadId, t.checkpointNs, t.channel, t.version] })],
);

// ---------------------------------------------------------------------------------------------
// LangGraph Platform API (lib/langgraph-api): threads and runs as the SDK sees them. A thread's state
// is the checkpointed state of its last execution; these rows hold only what LangGraph names and Lattice
// has no place for (metadata, status, the runs' queue and their options).
// ---------------------------------------------------------------------------------------------

export const langgraphThreads = pgTable(
  "langgraph_threads",
  {
    /** A UUID, as LangGraph's clients make and expect. */
    id: varchar("id", { length: 36 }).primaryKey(),
    ownerId: ref("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    metadata: jsonb("metadata").notNull().default({}),
    /** idle | busy | interrupted | error */
    status: varchar("status", { length: 16 }).notNull().default("idle"),
    /** The conversation its chat turns are kept in (its messages are the thread's memory). */
    conversationId: ref("conversation_id").references(() => conversations.id, { onDelete: "set null" }),
    /** The execution whose checkpointed state is the thread's state. */
    lastExecutionId: ref("last_execution_id"),
    /** Whether the thread was made by a stateless run (deleted when it ends). */
    temporary: boolean("temporary").notNull().default(false),
    error: text("error"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    stateUpdatedAt: tstz("state_updated_at").notNull().defaultNow(),
  },
  (t) => [index("langgraph_threads_owner_idx").on(t.ownerId, t.createdAt)],
);

export const langgraphRuns = pgTable(
  "langgraph_runs",
  {
    id: id(),
    ownerId: ref("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    threadId: varchar("thread_id", { length: 36 })
      .notNull()
      .references(() => langgraphThreads.id, { onDelete: "cascade" }),
    /** The workflow (or template) id the run was asked for. */
    assistantId: varchar("assistant_id", { length: 64 }).notNull(),
    /** The execution it started or continued (null while it waits in the thread's queue). */
    executionId: ref("execution_id"),
    /** Its events are the execution's after this sequence number (a resumed run continues an execution). */
    startSeq: integer("start_seq").notNull().default(0),
    /** pending | running | success | error | timeout | interrupted */
    status: varchar("status", { length: 16 }).notNull().default("pending"),
    metadata: jsonb("metadata").notNull().default({}),
    multitaskStrategy: varchar("multitask_strategy", { length: 16 }).notNull().default("reject"),
    /** The request as the client sent it (input, command, config, stream modes, checkpoint...). */
    kwargs: jsonb("kwargs").notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("langgraph_runs_thread_idx").on(t.threadId, t.createdAt)],
);

/**
 * The LangGraph store (`/store/*`): an owner's JSON documents by namespace (labels, none empty or with a
 * ".") and key. `search_text` is what a search's `query` matches (the value's text, the fields its `index`
 * names, or null when `index` is false: no embeddings); `ttl_minutes`/`expires_at` its time to live.
 */
export const langgraphStoreItems = pgTable(
  "langgraph_store_items",
  {
    ownerId: ref("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    namespace: text("namespace").array().notNull(),
    key: text("key").notNull(),
    value: jsonb("value").notNull(),
    searchText: text("search_text"),
    ttlMinutes: doublePrecision("ttl_minutes"),
    expiresAt: tstz("expires_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.ownerId, t.namespace, t.key] }),
    index("langgraph_store_items_expires_idx")
      .on(t.expiresAt)
      .where(sql`expires_at is not null`),
  ],
);

export type User = typeof users.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
export type WorkflowTemplate = typeof workflowTemplates.$inferSelect;
export type WorkflowDefinition = typeof workflowDefinitions.$inferSelect;
export type WorkflowDefinitionVersion = typeof workflowDefinitionVersions.$inferSelect;
export type WorkflowExecution = typeof workflowExecutions.$inferSelect;
export type NewWorkflowExecution = typeof workflowExecutions.$inferInsert;
export type ExecutionEvent = typeof executionEvents.$inferSelect;
export type WorkflowSchedule = typeof workflowSchedules.$inferSelect;
export type WorkflowWebhook = typeof workflowWebhooks.$inferSelect;
export type Conversation = typeof conversations.$inferSelect;
export type Message = typeof messages.$inferSelect;
export type KnowledgeBase = typeof knowledgeBases.$inferSelect;
export type KnowledgeDocument = typeof knowledgeDocuments.$inferSelect;
export type McpServer = typeof mcpServers.$inferSelect;
export type McpSession = typeof mcpSessions.$inferSelect;
export type LanggraphThread = typeof langgraphThreads.$inferSelect;
export type LanggraphRun = typeof langgraphRuns.$inferSelect;
export type LanggraphStoreItem = typeof langgraphStoreItems.$inferSelect;
