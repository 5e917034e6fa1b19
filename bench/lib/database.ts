/**
 * The benchmark's own PostgreSQL database (never the test database): `lattice_bench` on the local server
 * by default, or BENCH_DATABASE_URL. Created when missing; `fresh` drops it first so every full benchmark
 * starts from empty tables (table size changes index depth and so the figures).
 */
import postgres from "postgres";

export const DEFAULT_BENCH_URL = "postgres://postgres@127.0.0.1:5432/lattice_bench";

export function benchDatabaseUrl(): string {
  return process.env.BENCH_DATABASE_URL ?? DEFAULT_BENCH_URL;
}

function adminUrl(url: string): { admin: string; name: string } {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.replace(/^\//, ""));
  if (!/^[a-z_][a-z0-9_]*$/.test(name))
    throw new Error(`bench database name must be a plain identifier, got "${name}"`);
  if (name === "test" || name === "postgres") throw new Error(`refusing to benchmark in the "${name}" database`);
  u.pathname = "/postgres";
  return { admin: u.toString(), name };
}

/** Makes sure the database exists (dropping it first when `fresh`); returns its URL. */
export async function prepareBenchDatabase({ fresh = false, url = benchDatabaseUrl() } = {}): Promise<string> {
  const { admin, name } = adminUrl(url);
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  try {
    if (fresh) await sql.unsafe(`drop database if exists "${name}" with (force)`);
    const [exists] = await sql`select 1 from pg_database where datname = ${name}`;
    if (!exists) await sql.unsafe(`create database "${name}"`);
  } finally {
    await sql.end({ timeout: 5 });
  }
  return url;
}

/** Drops a database made for one suite run (reliability tests make their own). */
export async function dropDatabase(url: string): Promise<void> {
  const { admin, name } = adminUrl(url);
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Server-side figures that explain a saturation: connections in use by the database, per state. */
export async function connectionStates(url: string): Promise<Record<string, number>> {
  const { name } = adminUrl(url);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ state: string | null; n: number }[]>`
      select state, count(*)::int as n from pg_stat_activity where datname = ${name} group by state`;
    return Object.fromEntries(rows.map((r) => [r.state ?? "unknown", r.n]));
  } finally {
    await sql.end({ timeout: 5 });
  }
}
