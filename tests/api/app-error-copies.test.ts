/**
 * An AppError is recognised across copies of lib/errors.ts: a production build bundles the module more than
 * once (the instrumentation entry that starts the tracker, and the routes), and a run limit's 429 thrown by
 * the tracker's copy must be answered as a 429 by the route wrapper's copy — not as a 500.
 */
import { describe, expect, it } from "vitest";
import { AppError, isAppError } from "@/lib/errors";
import { WorkflowValidationError } from "@/lib/engine/prepared";

describe("AppError across module copies", () => {
  it("an AppError from another copy of the module is an AppError here, and the other way round", async () => {
    // A query string makes Vite load a second, separate instance of the module.
    const secondCopy = "../../lib/errors.ts?second-copy";
    const copy = (await import(/* @vite-ignore */ secondCopy)) as typeof import("@/lib/errors");
    expect(copy.AppError).not.toBe(AppError);
    const refusal = new copy.AppError("rate_limit:concurrent_runs", "Wait", { retryAfterSeconds: 2 });
    expect(refusal instanceof AppError).toBe(true);
    expect(isAppError(refusal)).toBe(true);
    expect(new AppError("not_found:x", "No") instanceof copy.AppError).toBe(true);
    expect(new Error("plain") instanceof AppError).toBe(false);
    expect(isAppError({ code: "rate_limit:runs", message: "looks like one" })).toBe(false);
  });

  it("subclasses keep the ordinary check", () => {
    const plain = new AppError("validation:workflow", "Invalid");
    expect(plain instanceof WorkflowValidationError).toBe(false);
    const specific = new WorkflowValidationError({ isValid: false, errors: [], warnings: [] });
    expect(specific instanceof WorkflowValidationError).toBe(true);
    expect(specific instanceof AppError).toBe(true);
  });
});
