import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CalculatorError, evaluateExpression, formatNumber } from "@/lib/tools/calculator";

const calc = (s: string) => formatNumber(evaluateExpression(s));

describe("calculator", () => {
  it.each([
    ["2+2", "4"],
    ["2 + 3 * 4", "14"],
    ["(2 + 3) * 4", "20"],
    ["10 - 4 - 3", "3"],
    ["100 / 10 / 5", "2"],
    ["2^3^2", "512"],
    ["2**10", "1024"],
    ["-2^2", "-4"],
    ["(-2)^2", "4"],
    ["2^-1", "0.5"],
    ["--3", "3"],
    ["-(3 + 4) * 2", "-14"],
    ["3 * -2", "-6"],
    ["+5", "5"],
    ["7 % 3", "1"],
    ["5!", "120"],
    ["0.1 + 0.2", "0.3"],
    [".5 * 4", "2"],
    ["1e3 + 1", "1001"],
    ["1_000 * 3", "3000"],
    ["((((1))))", "1"],
    ["6 × 7 ÷ 2 − 1", "20"],
  ])("%s = %s (precedence, associativity, unary minus)", (expr, expected) => {
    expect(calc(expr)).toBe(expected);
  });

  it.each([
    ["sqrt(16)", "4"],
    ["sqrt(2)", "1.4142135623731"],
    ["round(2.5)", "3"],
    ["round(3.14159, 2)", "3.14"],
    ["round(1.005, 2)", "1.01"],
    ["floor(-1.5)", "-2"],
    ["ceil(1.2)", "2"],
    ["abs(-7)", "7"],
    ["min(3, 1, 2)", "1"],
    ["max(3, 1, 2) + 1", "4"],
    ["log(1000)", "3"],
    ["log(8, 2)", "3"],
    ["ln(e)", "1"],
    ["log2(1024)", "10"],
    ["sin(0) + cos(0)", "1"],
    ["round(sin(pi / 2), 6)", "1"],
    ["pow(2, 8)", "256"],
    ["hypot(3, 4)", "5"],
    ["SQRT(9)", "3"],
    ["2 * pi", formatNumber(2 * Math.PI)],
  ])("%s = %s (functions and constants)", (expr, expected) => {
    expect(calc(expr)).toBe(expected);
  });

  it.each([
    ["", /empty/],
    ["2 +", /ends too early/],
    ["(1 + 2", /Expected "\)"/],
    ["1 + 2)", /Unexpected "\)" at position 6/],
    ["2 2", /Unexpected "2" at position 3/],
    ["1 / 0", /Division by zero/],
    ["5 % 0", /Division by zero/],
    ["sqrt(-1)", /negative/],
    ["log(0)", /non-positive/],
    ["foo(1)", /Unknown name "foo"/],
    ["sqrt", /Expected "\("/],
    ["sqrt(1, 2)", /sqrt takes 1 argument, not 2/],
    ["max()", /max takes 1 to 32 arguments, not 0/],
    ["2 $ 3", /Unexpected character "\$" at position 3/],
    ["10^400", /too large/],
    ["171!", /factorial too large/],
    ["2.5!", /non-negative integer/],
    ["round(1, 99)", /digits/],
    [`${"(".repeat(100)}1${")".repeat(100)}`, /nested too deeply/],
    [`${"1+".repeat(600)}1`, /longer than 1000/],
  ])("rejects %j", (expr, message) => {
    expect(() => evaluateExpression(expr)).toThrow(CalculatorError);
    expect(() => evaluateExpression(expr)).toThrow(message);
  });

  it.each([
    "process.exit(1)",
    "constructor",
    "this",
    "globalThis",
    "__proto__",
    "toString(1)",
    "hasOwnProperty(1)",
    "x = 1",
    "[1]",
    "'a'",
    "`1`",
    "a => 1",
    "require('fs')",
  ])("reaches no JavaScript: %j is an error", (expr) => {
    expect(() => evaluateExpression(expr)).toThrow(CalculatorError);
  });

  it("is a parser, not eval", () => {
    const source = readFileSync(path.resolve(import.meta.dirname, "../../lib/tools/calculator.ts"), "utf8");
    expect(source).not.toMatch(/\beval\s*\(/);
    expect(source).not.toMatch(/\bFunction\s*\(/);
    expect(source).not.toMatch(/\bimport\s*\(/);
  });
});
