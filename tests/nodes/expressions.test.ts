import { describe, expect, it } from "vitest";
import { evaluateCondition, evaluateExpression, ExpressionError, parseExpression, toBoolean } from "@/lib/expressions";

const scope = {
  input: { message: "What is 2 + 2?", variables: { lang: "en" } },
  variables: { count: 2, tags: ["a", "b"] },
  messages: [
    { role: "user", content: "hi" },
    { role: "assistant", content: "hello" },
  ],
};

describe("parseExpression", () => {
  it("returns the AST of a valid expression", () => {
    const parsed = parseExpression("variables.count > 1");
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.ast.type).toBe("binary");
  });

  it.each([
    ["an unclosed bracket", "items[0", 7, "S0203"],
    ["an unclosed call", "$length(input.message", 21, "S0203"],
    ["a dangling operator", "1 +", 3, "S0207"],
    ["an unterminated string", '"abc', 4, "S0101"],
  ])("reports %s with JSONata's position and code", (_label, source, position, code) => {
    const parsed = parseExpression(source);
    expect(parsed).toMatchObject({ ok: false, position, code });
    if (!parsed.ok) expect(parsed.message.length).toBeGreaterThan(5);
  });

  it("refuses empty, non-text and oversized expressions without throwing", () => {
    expect(parseExpression("   ")).toMatchObject({ ok: false, position: 0 });
    expect(parseExpression(42)).toMatchObject({ ok: false, position: 0 });
    expect(parseExpression(null)).toMatchObject({ ok: false });
    expect(parseExpression("1+".repeat(10_000))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/at most/),
    });
  });

  it("survives an expression nested deeper than the parser's stack", () => {
    expect(parseExpression(`${"(".repeat(4_000)}1${")".repeat(4_000)}`).ok).toBeTypeOf("boolean");
  });
});

describe("evaluateExpression", () => {
  it("evaluates JSONata over the scope and returns plain data", async () => {
    expect(await evaluateExpression("variables.count * 10", scope)).toBe(20);
    expect(await evaluateExpression("messages[role='assistant'].content", scope)).toBe("hello");
    const tags = await evaluateExpression("variables.tags.$uppercase($)", scope);
    expect(tags).toEqual(["A", "B"]);
    expect(Array.isArray(tags)).toBe(true);
    expect(JSON.stringify(await evaluateExpression("{ 'n': $count(messages) }", scope))).toBe('{"n":2}');
  });

  it("binds plain data as $variables and refuses functions", async () => {
    expect(await evaluateExpression("$limit - variables.count", scope, { bindings: { limit: 5 } })).toBe(3);
    await expect(evaluateExpression("$f()", scope, { bindings: { f: () => 1 } })).rejects.toBeInstanceOf(
      ExpressionError,
    );
  });

  it("stops an endless loop at the time limit", async () => {
    const started = Date.now();
    await expect(
      evaluateExpression("($f := function($n) { $f($n + 1) }; $f(0))", scope, { timeoutMs: 100 }),
    ).rejects.toMatchObject({ code: "D1012" });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("stops deep recursion at the depth limit", async () => {
    await expect(
      evaluateExpression("($f := function($n) { $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100000))", scope, { maxDepth: 50 }),
    ).rejects.toMatchObject({ code: "D1011" });
  });

  it("disables $eval, which would escape the limits", async () => {
    await expect(evaluateExpression('$eval("1 + 1")', scope)).rejects.toMatchObject({ code: "forbidden" });
  });

  it("caps $pad, so one call cannot allocate gigabytes", async () => {
    expect(await evaluateExpression('$pad("7", -3, "0")', scope)).toBe("007");
    await expect(evaluateExpression('$pad("x", 100000000)', scope)).rejects.toMatchObject({ code: "limit" });
  });

  it("refuses huge generated sequences", async () => {
    await expect(evaluateExpression("$count([1..5000000])", scope)).rejects.toBeInstanceOf(ExpressionError);
  });

  it("does not reach prototypes", async () => {
    expect(await evaluateExpression("variables.constructor", scope)).toBeUndefined();
    expect(await evaluateExpression("variables.__proto__", scope)).toBeUndefined();
  });

  it("rejects a syntax error with its position", async () => {
    await expect(evaluateExpression("variables.count >", scope)).rejects.toMatchObject({ position: 17 });
  });
});

describe("conditions", () => {
  it("uses JSONata's truthiness", async () => {
    expect(await evaluateCondition("variables.count > 1", scope)).toBe(true);
    expect(await evaluateCondition("variables.missing", scope)).toBe(false);
    expect(await evaluateCondition("$contains(input.message, '2 + 2')", scope)).toBe(true);
    expect([
      toBoolean(""),
      toBoolean("x"),
      toBoolean(0),
      toBoolean([]),
      toBoolean([0, 1]),
      toBoolean({}),
      toBoolean({ a: 1 }),
    ]).toEqual([false, true, false, false, true, false, true]);
  });
});
