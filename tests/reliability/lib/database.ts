/**
 * The suites' database: a fresh one per `npm run test:reliability` on the PostgreSQL server named by
 * RELIABILITY_PG_URL / TEST_DATABASE_URL / DATABASE_URL (its database part is replaced), and plain SQL
 * reads of what the server wrote — the suites check the tables themselves, not the API's account of them.
 */
import postgres from "postgres";

function serverUrl(): URL {
  const base =
    process.env.RELIABILITY_PG_URL ??
    process.env.TEST_DATABASE_URL ??
    process.env.DATABASE_URL ??
    "postgres://postgres@127.0.0.1:5432/postgres";
  const url = new URL(base);
  url.pathname = "/postgres";
  return url;
}

export async function createSuiteDatabase(): Promise<string> {
  const name = `lattice_reliability_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(serverUrl().toString(), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = serverUrl();
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropSuiteDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!name.startsWith("lattice_reliability_")) throw new Error(`refusing to drop ${name}`);
  const admin = postgres(serverUrl().toString(), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/** A small SQL client on the suite database (close it in afterAll). */
export function suiteSql(url: string): postgres.Sql {
  return postgres(url, { max: 2, onnotice: () => {}, connection: { application_name: "reliability-suite" } });
}
