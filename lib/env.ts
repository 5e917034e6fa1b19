/**
 * Environment, validated once with zod. A bad variable stops the process with a message that names it.
 * Importable from server code, scripts and tests (no `server-only`: scripts run outside Next).
 */
import { z } from "zod";

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** PostgreSQL connection URL. Unset: the embedded PGlite database in LATTICE_DATA_DIR. */
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
      .optional(),
  ),
  /** Folder of the embedded database, its lock and generated secrets. `memory://` keeps it in memory (tests). */
  LATTICE_DATA_DIR: optionalString.default(".data"),
  /** Size of the PostgreSQL connection pool per process. */
  LATTICE_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Secret that signs session tokens. Embedded mode generates one and keeps it in the data folder. */
  AUTH_SECRET: optionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
  AUTH_GITHUB_ID: optionalString,
  AUTH_GITHUB_SECRET: optionalString,
  /** Create a demo account on first start (default: on in embedded mode, off on PostgreSQL). */
  LATTICE_DEMO_ACCOUNT: z
    .enum(["true", "false", "1", "0"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true" || v === "1")),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Model providers: each is `configured` when its key (or, for local servers, its base URL) is set. */
  OPENAI_API_KEY: optionalString,
  /** Any OpenAI-compatible server (vLLM, LM Studio, Ollama's /v1): with it, no key is needed. */
  OPENAI_BASE_URL: optionalString.pipe(z.string().url("must be a URL").optional()),
  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_BASE_URL: optionalString.pipe(z.string().url("must be a URL").optional()),
  OLLAMA_BASE_URL: optionalString.pipe(z.string().url("must be a URL").optional()),
  /**
   * The server's default chat model, `provider:model` (e.g. `openai:gpt-4o-mini`). Unset: the first configured
   * provider's default model, else the built-in `local:echo`. Users may pick their own in Settings.
   */
  LATTICE_DEFAULT_MODEL: optionalString.pipe(
    z
      .string()
      .regex(/^(local|openai|anthropic|ollama):\S{1,200}$/, "must be provider:model, e.g. openai:gpt-4o-mini")
      .optional(),
  ),
  /**
   * Seals stored credentials and secrets (AES-256-GCM, key derived with HKDF). Unset: derived from the
   * session secret (AUTH_SECRET or the generated one). LATTICE_ENCRYPTION_KEYS_PREVIOUS (comma-separated)
   * lists earlier keys that still open rows sealed before a rotation.
   */
  LATTICE_ENCRYPTION_KEY: optionalString.pipe(z.string().min(32, "must be at least 32 characters").optional()),
  LATTICE_ENCRYPTION_KEYS_PREVIOUS: optionalString,
  /** Hosts the guarded HTTP fetch may reach despite resolving to private addresses: hostnames or CIDRs, comma-separated. */
  LATTICE_HTTP_ALLOWLIST: optionalString,
  /**
   * `auto`: knowledge-base embeddings are compared with pgvector where the database has it; `off`: in plain SQL
   * even then (the fallback a PostgreSQL server without pgvector uses; for tests and troubleshooting).
   */
  LATTICE_PGVECTOR: z.enum(["auto", "off"]).default("auto"),
  /**
   * A running execution whose heartbeat is older than this is taken for dead (its process crashed) and marked
   * `interrupted` by the sweeper. Running processes beat at a fraction of it.
   */
  LATTICE_RUN_TIMEOUT_MS: z.coerce.number().int().min(500).max(86_400_000).default(60_000),
  /** Days execution events of finished runs are kept (0: forever). Run rows and analytics are never pruned. */
  LATTICE_RETENTION_EVENTS_DAYS: z.coerce.number().min(0).max(36_500).default(30),
  /** Days LangGraph checkpoints of finished runs are kept (0: forever). Paused runs keep theirs. */
  LATTICE_RETENTION_CHECKPOINTS_DAYS: z.coerce.number().min(0).max(36_500).default(14),
  /** Days temporary definitions (instantiated from templates for one run) are kept once no run uses them (0: forever). */
  LATTICE_RETENTION_TEMP_DEFINITIONS_DAYS: z.coerce.number().min(0).max(36_500).default(7),
  /**
   * Sign-in and sign-up throttling (lib/auth/throttle.ts), counted in the database. Within a window of
   * LATTICE_AUTH_WINDOW_SECONDS (starting at a bucket's first attempt), an account may see this many failed
   * sign-ins and sign-ups, and a client address this many; beyond, both answer 429 with Retry-After until
   * the window ends.
   */
  LATTICE_AUTH_WINDOW_SECONDS: z.coerce.number().int().min(10).max(86_400).default(900),
  LATTICE_AUTH_ATTEMPTS_PER_ACCOUNT: z.coerce.number().int().min(1).max(1_000_000).default(10),
  LATTICE_AUTH_ATTEMPTS_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(50),
  /**
   * Whether a reverse proxy is in front: `true` (one), a number of proxies (1-10), or `false` (default).
   * Only then is the client's address read from X-Forwarded-For (the entry that many from its right end);
   * otherwise it is the TCP peer's address, and a forged X-Forwarded-For changes nothing.
   */
  LATTICE_TRUST_PROXY: optionalString.transform((value, ctx) => {
    if (value === undefined || value === "false" || value === "0") return 0;
    if (value === "true") return 1;
    if (/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 10) return Number(value);
    ctx.addIssue({ code: "custom", message: "must be true, false or the number of proxies in front (1-10)" });
    return z.NEVER;
  }),
  /** Runs one user may have going at once (API, chat); one more answers 429 with Retry-After. */
  LATTICE_MAX_CONCURRENT_RUNS: z.coerce.number().int().min(1).max(10_000).default(5),
  /** Runs one user may start per minute (sliding window); one more answers 429 with Retry-After. */
  LATTICE_RUNS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(60),
  /**
   * Where background runs execute. `inline` (default): in the process that received them (the embedded
   * setup). `queue` (PostgreSQL only): `async` API runs, scheduled runs and re-runs go to a pg-boss job
   * queue that `npm run worker` processes consume.
   */
  LATTICE_RUN_MODE: z.enum(["inline", "queue"]).default("inline"),
  /** Runs one user may have waiting in the queue; one more answers 429 with Retry-After. */
  LATTICE_MAX_QUEUED_RUNS: z.coerce.number().int().min(1).max(1_000_000).default(1_000),
  /** Jobs one worker process runs at once. */
  LATTICE_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(8),
  /** Attempts after the first for a queued run whose worker died or shut down (it continues from its last checkpoint). */
  LATTICE_QUEUE_RETRY_LIMIT: z.coerce.number().int().min(0).max(100).default(3),
  /** Seconds before the first retry (doubling, with jitter, for each later one). */
  LATTICE_QUEUE_RETRY_DELAY_SECONDS: z.coerce.number().int().min(0).max(3_600).default(1),
  /**
   * Backstop for a job whose worker neither finishes nor stops beating: pg-boss expires it after this long
   * (dead workers are found much sooner through the runs' heartbeats).
   */
  LATTICE_QUEUE_JOB_TIMEOUT_SECONDS: z.coerce.number().int().min(10).max(86_400).default(3_600),
  /** PostgreSQL schema that holds pg-boss's tables. */
  LATTICE_QUEUE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lowercase SQL identifier")
    .default("pgboss"),
  /**
   * How far V8 lets the heap grow past what its last full collection kept, in percent, before the next one
   * (V8's `--heap-growing-percent`). Left to itself on a large machine, V8 lets it grow to ~4× the live heap
   * and keeps what it grew: a server with ~95 MiB live held ~500 MiB after a burst. 0 leaves V8's own choice.
   */
  LATTICE_HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(1_000).default(40),
  /**
   * The young generation's bound, in MiB (V8's new space). Under load V8 doubles it up to 32 MiB and keeps it;
   * the server's load ran as fast with 8. 0 leaves V8's own growth.
   */
  LATTICE_NEW_SPACE_MB: z.coerce.number().int().min(0).max(1_024).default(8),
  /** On SIGTERM: how long in-flight runs may take to finish before the rest are interrupted (app) or re-queued (worker). */
  LATTICE_SHUTDOWN_DEADLINE_MS: z.coerce.number().int().min(0).max(3_600_000).default(25_000),
  /**
   * Browser origins (comma-separated, e.g. `https://inspector.example.com,http://localhost:6274`) that may call
   * /api/mcp besides AUTH_URL's and loopback ones. A request with any other Origin is refused (403): MCP's
   * transport rules against DNS rebinding. Clients that are not browsers send no Origin and are not affected.
   */
  LATTICE_MCP_ALLOWED_ORIGINS: optionalString,
  /**
   * TESTS ONLY — never set in a deployment. The scheduler's clock: a file holding an ISO time that each scan
   * reads as "now" (a test moves it tick by tick, so several processes see one clock without minute waits),
   * and the time between scans (5 s by default). The scheduler says loudly at start when they are in use.
   */
  LATTICE_TEST_SCHEDULER_CLOCK_FILE: z.string().min(1).optional(),
  LATTICE_TEST_SCHEDULER_SCAN_MS: z.coerce.number().int().min(20).max(60_000).optional(),
});

export type Env = z.infer<typeof envSchema>;

/** Cross-variable rules: the job queue lives in PostgreSQL, so queue mode needs DATABASE_URL. */
const checkedEnvSchema = envSchema.superRefine((e, ctx) => {
  if (e.LATTICE_RUN_MODE === "queue" && !e.DATABASE_URL) {
    ctx.addIssue({
      code: "custom",
      path: ["LATTICE_RUN_MODE"],
      message: "queue mode needs DATABASE_URL (the job queue lives in PostgreSQL)",
    });
  }
});

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = checkedEnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(env)"}: ${i.message}`).join("\n");
    throw new Error(`Invalid environment configuration:\n${problems}`);
  }
  return parsed.data;
}

let cached: Env | undefined;
/** The validated environment (parsed on first use, then cached). */
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}

/** Tests change env between suites; this drops the cached parse. */
export function resetEnvCache(): void {
  cached = undefined;
}
