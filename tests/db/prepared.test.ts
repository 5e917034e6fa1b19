/**
 * `executePrepared`: on PostgreSQL the statement reaches postgres.js as a prepared statement (one round
 * trip once it is known on a connection); inside a transaction it runs on the transaction's connection;
 * on PGlite it is a plain `db.execute`. Either way it answers like `db.execute`.
 */
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { executePrepared, pipelinedTransaction, rowsOf } from "@/lib/db/client";
import { testDb } from "../helpers/db";

type Unsafe = (query: string, params?: unknown[], options?: { prepare?: boolean }) => unknown;

afterEach(() => {
  vi.restoreAllMocks();
});

describe("executePrepared", () => {
  it("answers like db.execute, as a prepared statement on PostgreSQL", async () => {
    const handle = await testDb();
    const client = (handle.db as unknown as { $client?: { unsafe?: Unsafe } }).$client;
    const calls: Array<{ query: string; prepare: boolean | undefined }> = [];
    if (handle.backend === "postgres") {
      const unsafe = client!.unsafe!.bind(client);
      vi.spyOn(client as { unsafe: Unsafe }, "unsafe").mockImplementation((query, params, options) => {
        calls.push({ query, prepare: options?.prepare });
        return unsafe(query, params, options);
      });
    }
    const query = sql`select ${41}::int + 1 as answer, ${"it's"}::text as text`;
    const prepared = rowsOf<{ answer: number; text: string }>(await executePrepared(handle.db, query));
    const plain = rowsOf<{ answer: number; text: string }>(await handle.db.execute(query));
    expect(prepared).toEqual([{ answer: 42, text: "it's" }]);
    expect(prepared).toEqual(plain);
    if (handle.backend === "postgres") {
      expect(calls.filter((c) => c.prepare === true).map((c) => c.query)).toEqual([
        "select $1::int + 1 as answer, $2::text as text",
      ]);
    }
  });

  it("runs on the transaction's connection, and rolls back with it", async () => {
    const { db } = await testDb();
    const name = `prepared_${Date.now()}`;
    await expect(
      db.transaction(async (tx) => {
        await executePrepared(tx, sql`select set_config('lattice.test', ${name}, true)`);
        const [row] = rowsOf<{ value: string }>(
          await executePrepared(tx, sql`select current_setting('lattice.test', true) as value`),
        );
        // Set transaction-locally on the same connection: visible only there.
        expect(row?.value).toBe(name);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    const [after] = rowsOf<{ value: string | null }>(
      await executePrepared(db, sql`select nullif(current_setting('lattice.test', true), '') as value`),
    );
    expect(after?.value ?? null).toBeNull();
  });
});

describe("pipelinedTransaction", () => {
  it("runs the statements in order in one transaction and returns each one's rows", async () => {
    const { db } = await testDb();
    const table = `pipelined_${Date.now()}`;
    await db.execute(sql.raw(`create table ${table} (n int primary key)`));
    try {
      const [inserted, counted] = await pipelinedTransaction(db, [
        sql`insert into ${sql.raw(table)} (n) values (1), (2) returning n`,
        sql`select count(*)::int as n from ${sql.raw(table)}`,
      ]);
      expect(inserted).toEqual([{ n: 1 }, { n: 2 }]);
      // The second statement sees the first one's rows: same transaction, run after it.
      expect(counted).toEqual([{ n: 2 }]);
    } finally {
      await db.execute(sql.raw(`drop table ${table}`));
    }
  });

  it("keeps nothing when a statement fails, throws its error, and leaves the connection usable", async () => {
    const { db } = await testDb();
    const table = `pipelined_fail_${Date.now()}`;
    await db.execute(sql.raw(`create table ${table} (n int primary key)`));
    try {
      await expect(
        pipelinedTransaction(db, [
          sql`insert into ${sql.raw(table)} (n) values (1)`,
          sql`insert into ${sql.raw(table)} (n) values (1)`,
        ]),
      ).rejects.toSatisfy((error: Error) =>
        /duplicate key/.test(`${error.message} ${(error.cause as Error | undefined)?.message ?? ""}`),
      );
      expect(rowsOf(await db.execute(sql.raw(`select n from ${table}`)))).toEqual([]);
      // Every pooled connection still works (none was left inside an aborted transaction).
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) => executePrepared(db, sql`select ${i}::int as i`)),
      );
      expect(answers.map((rows) => rowsOf<{ i: number }>(rows)[0]!.i)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    } finally {
      await db.execute(sql.raw(`drop table ${table}`));
    }
  });

  it("asyncCommit: that transaction alone commits without waiting for the WAL flush, and what it wrote is visible at once", async () => {
    const { db } = await testDb();
    const table = `pipelined_async_${Date.now()}`;
    await db.execute(sql.raw(`create table ${table} (n int primary key)`));
    const setting = sql`select current_setting('synchronous_commit') as s`;
    try {
      const [inserted, inside] = await pipelinedTransaction(
        db,
        [sql`insert into ${sql.raw(table)} (n) values (7) returning n`, setting],
        { asyncCommit: true },
      );
      expect(inserted).toEqual([{ n: 7 }]);
      expect(inside).toEqual([{ s: "off" }]);
      // Committed and visible to another statement (any pooled connection) as soon as the call returns.
      expect(rowsOf(await executePrepared(db, sql`select n from ${sql.raw(table)}`))).toEqual([{ n: 7 }]);
      // SET LOCAL ends with the transaction: no connection of the pool keeps it, and a plain one is synchronous.
      const after = await Promise.all(Array.from({ length: 12 }, () => executePrepared(db, setting)));
      expect(new Set(after.map((rows) => rowsOf<{ s: string }>(rows)[0]!.s))).toEqual(new Set(["on"]));
      const [plain] = await pipelinedTransaction(db, [setting]);
      expect(plain).toEqual([{ s: "on" }]);
    } finally {
      await db.execute(sql.raw(`drop table ${table}`));
    }
  });
});
