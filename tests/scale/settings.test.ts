import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { jobIdOf } from "@/lib/queue/job";

describe("scale-out settings", () => {
  it("defaults to inline runs, and queue mode needs PostgreSQL", () => {
    const e = parseEnv({});
    expect(e.LATTICE_RUN_MODE).toBe("inline");
    expect(e.LATTICE_WORKER_CONCURRENCY).toBe(8);
    expect(e.LATTICE_SHUTDOWN_DEADLINE_MS).toBe(25_000);
    expect(() => parseEnv({ LATTICE_RUN_MODE: "queue" })).toThrow(/LATTICE_RUN_MODE: queue mode needs DATABASE_URL/);
    expect(parseEnv({ LATTICE_RUN_MODE: "queue", DATABASE_URL: "postgres://db/lattice" }).LATTICE_RUN_MODE).toBe(
      "queue",
    );
    expect(() => parseEnv({ LATTICE_RUN_MODE: "batch" })).toThrow(/LATTICE_RUN_MODE/);
    expect(() => parseEnv({ LATTICE_WORKER_CONCURRENCY: "0" })).toThrow(/LATTICE_WORKER_CONCURRENCY/);
    expect(() => parseEnv({ LATTICE_QUEUE_SCHEMA: "pg-boss; drop" })).toThrow(/LATTICE_QUEUE_SCHEMA/);
  });

  it("derives one job id per execution: the ULID's 128 bits as a UUID", () => {
    expect(jobIdOf("00000000000000000000000000")).toBe("00000000-0000-0000-0000-000000000000");
    expect(jobIdOf("7ZZZZZZZZZZZZZZZZZZZZZZZZZ")).toBe("ffffffff-ffff-ffff-ffff-ffffffffffff");
    expect(jobIdOf("01ARZ3NDEKTSV4RRFFQ69G5FAV")).toBe("01563e3a-b5d3-d676-4c61-efb99302bd5b");
    expect(() => jobIdOf("not-a-ulid")).toThrow();
  });
});
