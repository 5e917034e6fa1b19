/**
 * The database handle: PostgreSQL through postgres.js when DATABASE_URL is set, else embedded PGlite in
 * LATTICE_DATA_DIR. One handle per process (cached on globalThis so dev reloads reuse it), migrated and
 * seeded before first use. Only lib/db/** imports drizzle.
 */
import fs from "node:fs";
import path from "node:path";
import type { ExtractTablesWithRelations, SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { env } from "@/lib/env";
import * as schema from "./schema";
import { acquireDataDirLock, type DataDirLock } from "./lock";

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Backend = "pglite" | "postgres";

export interface DbHandle {
  db: Database;
  backend: Backend;
  /** Where the data lives, for health reports (a data folder, or the URL without credentials). */
  location: string;
  /** Subscribe to a NOTIFY channel; resolves to an unsubscribe function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  /**
   * Runs `fn` while holding a cluster-wide advisory lock (PostgreSQL), so one process at a time does it
   * across all instances (migrations, sweeps). PGlite is one process: it just runs `fn`.
   */
  withExclusiveLock<T>(key: number, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = path.join(process.cwd(), "drizzle");

export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ""}${u.pathname}`;
  } catch {
    return "postgres (unparseable URL)";
  }
}

export async function openPostgres(url: string, poolSize: number): Promise<DbHandle> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const sql = postgres(url, {
    max: poolSize,
    onnotice: () => {},
    // Keep-alive and a bounded connect time: a dead server must fail requests, not hang them.
    connect_timeout: 10,
    idle_timeout: 60,
    connection: { application_name: "lattice" },
  });
  const db = drizzle(sql, { schema }) as unknown as Database;
  return {
    db,
    backend: "postgres",
    location: describeUrl(url),
    async listen(channel, onPayload) {
      const { unlisten } = await sql.listen(channel, (payload) => onPayload(payload));
      return async () => {
        await unlisten();
      };
    },
    async notify(channel, payload) {
      await sql.notify(channel, payload);
    },
    async withExclusiveLock(key, fn) {
      const reserved = await sql.reserve();
      try {
        await reserved`select pg_advisory_lock(${key})`;
        try {
          return await fn();
        } finally {
          await reserved`select pg_advisory_unlock(${key})`;
        }
      } finally {
        reserved.release();
      }
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
  };
}

/**
 * LATTICE_PGLITE_IMAGE: a PGlite data folder dumped as a tarball (`dumpDataDir`) that an in-memory database,
 * or a data folder holding no database yet, starts from instead of a fresh initdb (2–3× faster to open in
 * memory; on disk about 5 s of CPU less, and no migrations). The test suite makes one per run
 * (tests/setup/global-setup.ts) and its child processes inherit it; migrations then find nothing left to do.
 */
function memoryImage(file: string): Blob {
  return new Blob([fs.readFileSync(file)]);
}

export async function openPglite(dataDir: string): Promise<DbHandle> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const inMemory = dataDir.startsWith("memory://");
  let lock: DataDirLock | undefined;
  let dbDir = dataDir;
  if (!inMemory) {
    lock = acquireDataDirLock(dataDir);
    dbDir = path.join(path.resolve(dataDir), "pglite");
  }
  try {
    // pgvector, bundled for PGlite: loaded at open so the migration (or lib/db/vector.ts) can create it.
    const { vector } = await import("@electric-sql/pglite-pgvector");
    const client = await PGlite.create(inMemory ? undefined : dbDir, {
      extensions: { vector },
      ...(process.env.LATTICE_PGLITE_IMAGE && (inMemory || !fs.existsSync(path.join(dbDir, "PG_VERSION")))
        ? { loadDataDir: memoryImage(process.env.LATTICE_PGLITE_IMAGE) }
        : {}),
    });
    const db = drizzle({ client, schema }) as unknown as Database;
    let queue: Promise<unknown> = Promise.resolve();
    return {
      db,
      backend: "pglite",
      location: inMemory ? "memory" : path.resolve(dataDir),
      async listen(channel, onPayload) {
        const unlisten = await client.listen(channel, onPayload);
        return async () => {
          await unlisten();
        };
      },
      async notify(channel, payload) {
        await client.query("select pg_notify($1, $2)", [channel, payload]);
      },
      withExclusiveLock(_key, fn) {
        const run = queue.then(fn, fn);
        queue = run.catch(() => {});
        return run;
      },
      async close() {
        await client.close();
        lock?.release();
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}

/** Opens the database the environment names, without migrating it. */
export async function openDatabase(): Promise<DbHandle> {
  const e = env();
  return e.DATABASE_URL ? openPostgres(e.DATABASE_URL, e.LATTICE_DB_POOL_SIZE) : openPglite(e.LATTICE_DATA_DIR);
}

interface PostgresJsClient {
  unsafe(query: string, params: unknown[], options: { prepare: boolean }): Promise<unknown>;
}

/**
 * `db.execute(query)` as a prepared statement on PostgreSQL: for the few statements every run issues
 * (its start, its finish, its checkpoint). drizzle sends raw SQL unprepared, and postgres.js then asks the
 * server to describe each such statement before binding it — two round trips per statement; prepared, it
 * is described once per connection, then one round trip (and the server parses it once). Use it only for
 * statements whose text takes a few shapes: each shape is kept per connection. Prepared statements also
 * pipeline: several sent without awaiting go out together. PGlite runs `db.execute`.
 */
export async function executePrepared(db: Database | Transaction, query: SQL): Promise<unknown> {
  // The pool (a database), or the connection a transaction holds.
  const holder = db as { $client?: unknown; session?: { client?: unknown } };
  const client = (holder.$client ?? holder.session?.client) as Partial<PostgresJsClient> | undefined;
  if (typeof client?.unsafe !== "function") return db.execute(query);
  const dialect = (db as unknown as { dialect: { sqlToQuery(sql: SQL): { sql: string; params: unknown[] } } }).dialect;
  const { sql: text, params } = dialect.sqlToQuery(query);
  return client.unsafe(text, params, { prepare: true });
}

interface ReservedPostgresJs extends PostgresJsClient {
  release(): void;
}

/**
 * postgres.js writes less than 1 KB at the next `setImmediate`, and a busy event loop puts that off: the
 * run's graph starts while its start is in flight, so a bare COMMIT (the transaction's last, small write)
 * waited milliseconds for the graph to reach its first await, and with it the start and the first token.
 * Padded to 1 KB (a comment PostgreSQL skips), it is written at once, right behind the statements.
 */
const PADDED_COMMIT = `commit -- ${"-".repeat(1020)}`;

const SYNCHRONOUS_COMMIT_OFF = "set local synchronous_commit = off";

/**
 * Runs `statements` in one transaction, in order, and returns each one's rows — on PostgreSQL in ONE round
 * trip: BEGIN, the statements (prepared) and COMMIT are written together on a reserved connection instead
 * of BEGIN, statements and COMMIT one after another (postgres.js's `begin` waits for each). If a statement
 * fails, the transaction is aborted and PostgreSQL answers the COMMIT with a rollback: nothing is kept, and
 * the statement's error is thrown. For the few transactions every run makes (its start). PGlite runs them
 * in a drizzle transaction.
 *
 * `asyncCommit`: the COMMIT does not wait for its WAL record to reach the disk (`synchronous_commit = off`
 * for this transaction only). The transaction is committed and visible to every session as usual; only a
 * crash of the PostgreSQL server itself (not of the app) within about three `wal_writer_delay`s (600 ms by
 * default) can lose it, never half of it. PostgreSQL's documentation calls this safe for data one can
 * afford to lose that way. The run's start uses it: the fsync was the longest wait before a chat's first
 * token, and a run whose start a database crash lost has failed with that database anyway. The finish
 * (the answer) commits synchronously, and flushing its WAL flushes the start's before it.
 */
export async function pipelinedTransaction(
  db: Database,
  statements: SQL[],
  { asyncCommit = false }: { asyncCommit?: boolean } = {},
): Promise<unknown[][]> {
  const client = (db as { $client?: { reserve?: () => Promise<ReservedPostgresJs> } }).$client;
  if (typeof client?.reserve !== "function") {
    return db.transaction(async (tx) => {
      if (asyncCommit) await tx.execute(SYNCHRONOUS_COMMIT_OFF);
      const results: unknown[][] = [];
      for (const statement of statements) results.push(rowsOf(await tx.execute(statement)));
      return results;
    });
  }
  const dialect = (db as unknown as { dialect: { sqlToQuery(sql: SQL): { sql: string; params: unknown[] } } }).dialect;
  const reserved = await client.reserve();
  try {
    const begin = reserved.unsafe("begin", [], { prepare: true });
    const settings = asyncCommit ? [reserved.unsafe(SYNCHRONOUS_COMMIT_OFF, [], { prepare: true })] : [];
    const sent = statements.map((statement) => {
      const { sql: text, params } = dialect.sqlToQuery(statement);
      return reserved.unsafe(text, params, { prepare: true });
    });
    const commit = reserved.unsafe(PADDED_COMMIT, [], { prepare: true });
    // Every promise is awaited (a rejected one left alone would be an unhandled rejection).
    const settled = await Promise.allSettled([begin, ...settings, ...sent, commit]);
    const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
    if (failed) throw failed.reason;
    return settled
      .slice(1 + settings.length, -1)
      .map((outcome) => rowsOf((outcome as PromiseFulfilledResult<unknown>).value));
  } finally {
    reserved.release();
  }
}

/**
 * A drizzle prepared query (`.prepare(name)`), built once per database handle: for lookups every request
 * makes. `preparedPerDb(build)(db).execute(values)`.
 */
export function preparedPerDb<Q>(build: (db: Database) => Q): (db: Database) => Q {
  const built = new WeakMap<Database, Q>();
  return (db) => {
    let query = built.get(db);
    if (!query) built.set(db, (query = build(db)));
    return query;
  };
}

/** Rows of a raw `db.execute(sql\`…\`)`: postgres.js returns an array, PGlite `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

type Global = typeof globalThis & { __latticeDb?: Promise<DbHandle> };
const g = globalThis as Global;

/**
 * The process's database, opened, migrated and seeded on first call. Concurrent first callers share the
 * same promise; a failed open is forgotten so the next call retries.
 */
export function getDbHandle(): Promise<DbHandle> {
  if (!g.__latticeDb) {
    g.__latticeDb = (async () => {
      const handle = await openDatabase();
      try {
        const { migrateDatabase } = await import("./migrate");
        await migrateDatabase(handle);
        const { seedDatabase } = await import("./seed");
        await seedDatabase(handle);
        // At start: whether embeddings are compared with pgvector, said in the log when they cannot be.
        const { prepareVectorSupport } = await import("./vector");
        await prepareVectorSupport(handle);
      } catch (error) {
        await handle.close().catch(() => {});
        throw error;
      }
      return handle;
    })();
    g.__latticeDb.catch(() => {
      g.__latticeDb = undefined;
    });
  }
  return g.__latticeDb;
}

export async function getDb(): Promise<Database> {
  return (await getDbHandle()).db;
}

/** Closes the process's database (tests, scripts, graceful shutdown). */
export async function closeDb(): Promise<void> {
  const pending = g.__latticeDb;
  g.__latticeDb = undefined;
  if (pending) await (await pending).close();
}
