/**
 * A connection whose backend is terminated while it runs a query (a restart, a failover, an operator's
 * pg_terminate_backend) comes back for the next query. postgres.js 3.4.9 kept the terminated backend's error
 * and failed the first query on the new connection with it (porsager/postgres#1223); patches/ fixes that
 * until a release does. PostgreSQL only: PGlite has no backends to terminate.
 */
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";

const url = process.env.TEST_BACKEND === "postgres" ? process.env.DATABASE_URL : undefined;

describe.skipIf(!url)("a pooled PostgreSQL connection after its backend is terminated", () => {
  const sql = postgres(url ?? "", { max: 1, onnotice: () => {}, connection: { application_name: "reconnect-test" } });
  const admin = postgres(url ?? "", { max: 1, onnotice: () => {} });
  afterAll(async () => {
    await sql.end({ timeout: 5 });
    await admin.end({ timeout: 5 });
  });

  it("fails the query it was running, then serves the next one on a new backend", async () => {
    const [first] = await sql<Array<{ pid: number }>>`select pg_backend_pid() as pid`;
    const before = first!.pid;
    const running = sql`select pg_sleep(30)`.then(
      () => undefined,
      (error: unknown) => error,
    );
    // Terminated while the query runs (it shows as active once it has started).
    for (let i = 0; i < 100; i++) {
      const [row] = await admin<Array<{ state: string | null }>>`
        select state from pg_stat_activity where pid = ${before}`;
      if (row?.state === "active") break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await admin`select pg_terminate_backend(${before})`;
    expect(await running).toBeInstanceOf(Error);

    const [next] = await sql<Array<{ pid: number; one: number }>>`select pg_backend_pid() as pid, 1 as one`;
    expect(next?.one).toBe(1);
    expect(next?.pid).not.toBe(before);
  });
});
