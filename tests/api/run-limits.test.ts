import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { RunLimiter } from "@/lib/services/run-limits";

function limiter(limits: { maxConcurrent: number; perMinute: number }) {
  let now = 1_000_000;
  const l = new RunLimiter(
    () => limits,
    () => now,
  );
  return { l, advance: (ms: number) => (now += ms) };
}

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("RunLimiter", () => {
  it("allows up to the concurrent limit, refuses one more with 429, and frees a slot on release (once)", () => {
    const { l } = limiter({ maxConcurrent: 2, perMinute: 100 });
    const a = l.acquire("u");
    l.acquire("u");
    const refused = refusal(() => l.acquire("u"));
    expect(refused.status).toBe(429);
    expect(refused.code).toBe("rate_limit:concurrent_runs");
    expect(refused.options.retryAfterSeconds).toBeGreaterThan(0);
    a.release();
    a.release(); // idempotent: does not free a second slot
    l.acquire("u");
    expect(refusal(() => l.acquire("u")).code).toBe("rate_limit:concurrent_runs");
    expect(l.activeRuns("u")).toBe(2);
  });

  it("counts starts in a sliding minute and says when the oldest leaves the window", () => {
    const { l, advance } = limiter({ maxConcurrent: 100, perMinute: 3 });
    l.acquire("u").release();
    advance(20_000);
    l.acquire("u").release();
    l.acquire("u").release();
    const refused = refusal(() => l.acquire("u"));
    expect(refused.code).toBe("rate_limit:runs");
    expect(refused.options.retryAfterSeconds).toBe(40);
    advance(40_001);
    l.acquire("u").release();
    expect(refusal(() => l.acquire("u")).code).toBe("rate_limit:runs");
  });

  it("keeps users apart, and a refused start takes no slot", () => {
    const { l } = limiter({ maxConcurrent: 1, perMinute: 2 });
    l.acquire("a");
    refusal(() => l.acquire("a"));
    l.acquire("b");
    expect(l.activeRuns("a")).toBe(1);
    expect(l.activeRuns("b")).toBe(1);
  });
});
