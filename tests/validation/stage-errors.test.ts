/**
 * A stage that throws (a bug) gives the caller a result with `validation.internal` — and is logged with the
 * stage's name, not swallowed (issue 14, item 15).
 */
import { describe, expect, it, vi } from "vitest";
import { defaultValidationContext, validateWorkflow, type ValidationContext } from "@/lib/validation";
import { fullWorkflow } from "./fixtures";

describe("validateWorkflow when a stage throws", () => {
  it("reports validation.internal and logs the stage and the error", () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const bug = new Error("boom in a stage");
    const context = {
      ...defaultValidationContext(),
      get providers(): never {
        throw bug;
      },
    } as unknown as ValidationContext;
    const result = validateWorkflow(fullWorkflow(), { id: "user-1" }, context);
    expect(result.isValid).toBe(false);
    expect(result.errors.map((e) => e.code)).toEqual(["validation.internal"]);
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/^\[validation\] the \w+ stage threw/), bug);
    log.mockRestore();
  });
});
