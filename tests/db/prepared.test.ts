/**
 * `executePrepared`: on PostgreSQL the statement reaches postgres.js as a prepared statement (one round
 * trip once it is known on a connection); inside a transaction it runs on the transaction's connection;
 * on PGlite it is a plain `db.execute`. Either way it answers like `db.execute`.
 */
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { executePrepared, rowsOf } from "@/lib/db/client";
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
      expect(calls.filter((c) => c.prepare === true).map((c) => c.query)).toEqual(["select $1::int + 1 as answer, $2::text as text"]);
    }
  });

  it("runs on the transaction's connection, and rolls back with it", async () => {
    const { db } = await testDb();
    const name = `prepared_${Date.now()}`;
    await expect(
      db.transaction(async (tx) => {
        await executePrepared(tx, sql`select set_config('lattice.test', ${name}, true)`);
        const [row] = rowsOf<{ value: string }>(await executePrepared(tx, sql`select current_setting('lattice.test', true) as value`));
        // Set transaction-locally on the same connection: visible only there.
        expect(row?.value).toBe(name);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    const [after] = rowsOf<{ value: string | null }>(await executePrepared(db, sql`select nullif(current_setting('lattice.test', true), '') as value`));
    expect(after?.value ?? null).toBeNull();
  });
});
