/**
 * LangGraph's own checkpointer conformance suite (@langchain/langgraph-checkpoint-validation) against
 * DbCheckpointSaver, on whichever backend this run uses (PGlite, or PostgreSQL with TEST_BACKEND=postgres).
 * The suite needs each saver instance to see only its own data, so it gets a database of its own
 * (a fresh in-memory PGlite, or a fresh PostgreSQL database) that is emptied before every instance.
 */
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { deltaChannelHistoryTests, validate } from "@langchain/langgraph-checkpoint-validation";
import { DbCheckpointSaver } from "@/lib/db/checkpointer";
import { openPglite, openPostgres, type DbHandle } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";

// The suite is written against Jest-style globals.
Object.assign(globalThis, { describe, it, expect, beforeAll, afterAll, beforeEach, afterEach });

let handle: DbHandle | undefined;
let dropDatabase: (() => Promise<void>) | undefined;

async function openDedicatedDatabase(): Promise<DbHandle> {
  const url = process.env.DATABASE_URL;
  if (!url) return openPglite("memory://");
  const { default: postgres } = await import("postgres");
  const name = `lattice_ckpt_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const own = new URL(url);
  own.pathname = `/${name}`;
  dropDatabase = async () => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  };
  return openPostgres(own.toString(), 4);
}

const initializer = {
  checkpointerName: "lattice-db-checkpointer",
  beforeAllTimeout: 60_000,
  async beforeAll() {
    handle = await openDedicatedDatabase();
    await migrateDatabase(handle);
  },
  async afterAll() {
    await handle?.close();
    await dropDatabase?.();
  },
  async createCheckpointer() {
    if (!handle) throw new Error("database not open");
    await handle.db.execute(sql`truncate checkpoints, checkpoint_blobs, checkpoint_writes`);
    return new DbCheckpointSaver(handle.db);
  },
};

validate(initializer);
deltaChannelHistoryTests(initializer);
