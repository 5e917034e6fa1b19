import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";

describe("environment", () => {
  it("needs nothing: a fresh clone runs on the embedded database", () => {
    const e = parseEnv({});
    expect(e.DATABASE_URL).toBeUndefined();
    expect(e.LATTICE_DATA_DIR).toBe(".data");
    expect(e.PORT).toBe(3000);
  });

  it("treats empty values as unset", () => {
    expect(parseEnv({ DATABASE_URL: "", AUTH_SECRET: " " }).DATABASE_URL).toBeUndefined();
  });

  it("names the bad variable in its message", () => {
    expect(() => parseEnv({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL: must be a postgres/);
    expect(() => parseEnv({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => parseEnv({ AUTH_SECRET: "short" })).toThrow(/AUTH_SECRET: must be at least 16/);
  });

  it("honours PORT and the data folder", () => {
    const e = parseEnv({ PORT: "4100", LATTICE_DATA_DIR: "/tmp/x" });
    expect(e.PORT).toBe(4100);
    expect(e.LATTICE_DATA_DIR).toBe("/tmp/x");
  });
});
