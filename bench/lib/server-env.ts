/**
 * The environment of a Lattice production server a benchmark starts: production mode, a fixed auth secret, the
 * given database and OpenAI-compatible wire server as its `openai` provider, and the per-user run limits lifted
 * (one bench user drives thousands of runs).
 */
export function benchServerEnv({
  databaseUrl,
  openaiUrl,
}: {
  databaseUrl: string;
  openaiUrl: string;
}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: databaseUrl,
    AUTH_SECRET: "bench-secret-0123456789abcdef0123",
    AUTH_TRUST_HOST: "true",
    OPENAI_BASE_URL: openaiUrl,
    OPENAI_API_KEY: "sk-bench",
    LATTICE_MAX_CONCURRENT_RUNS: "10000",
    LATTICE_RUNS_PER_MINUTE: "100000",
  };
}
