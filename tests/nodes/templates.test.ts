import { describe, expect, it } from "vitest";
import { listTemplateVariables, parseTemplate, renderTemplate, TemplateError } from "@/lib/expressions";

const scope = {
  input: { message: "How do I reset my password?" },
  variables: { name: "Ada", count: 3, flags: { beta: true }, items: ["first", { title: "second" }] },
  retrieval_context: "Passwords are reset from the settings page.",
};

describe("renderTemplate", () => {
  it("fills placeholders from the scope", () => {
    expect(renderTemplate("Answer using {{retrieval_context}}: {{input.message}}", scope)).toBe(
      "Answer using Passwords are reset from the settings page.: How do I reset my password?",
    );
    expect(renderTemplate("Hi {{ variables.name }}, you have {{variables.count}} items", scope)).toBe(
      "Hi Ada, you have 3 items",
    );
  });

  it("indexes lists and writes objects as JSON", () => {
    expect(renderTemplate("{{variables.items[0]}} / {{variables.items.1.title}}", scope)).toBe("first / second");
    expect(renderTemplate("{{variables.flags}}", scope)).toBe('{"beta":true}');
  });

  it("renders missing values as empty by default, or keeps or refuses them when asked", () => {
    expect(renderTemplate("[{{variables.nope}}]", scope)).toBe("[]");
    expect(renderTemplate("[{{variables.nope}}]", scope, { missing: "keep" })).toBe("[{{variables.nope}}]");
    expect(() => renderTemplate("[{{variables.nope}}]", scope, { missing: "error" })).toThrow(TemplateError);
  });

  it("does not reach prototypes or run code", () => {
    expect(renderTemplate("{{variables.constructor}}{{__proto__}}{{variables.name.length}}", scope)).toBe("");
    expect(renderTemplate("{{ input.message }}", Object.create({ input: { message: "inherited" } }))).toBe("");
  });

  it("writes a literal {{ when escaped", () => {
    expect(renderTemplate("Use \\{{name}} for {{variables.name}}", scope)).toBe("Use {{name}} for Ada");
  });

  it("throws a TemplateError with the position of a syntax error", () => {
    expect(() => renderTemplate("Hello {{input.message", scope)).toThrow(TemplateError);
    try {
      renderTemplate("Hello {{input.message", scope);
    } catch (error) {
      expect((error as TemplateError).position).toBe(6);
    }
  });
});

describe("parseTemplate", () => {
  it("splits text and placeholders with their offsets", () => {
    const parsed = parseTemplate("Hi {{ variables.name }}!");
    expect(parsed).toEqual({
      ok: true,
      parts: [
        { kind: "text", value: "Hi " },
        { kind: "variable", path: ["variables", "name"], name: "variables.name", start: 3, end: 23 },
        { kind: "text", value: "!" },
      ],
    });
  });

  it.each([
    ["an unclosed placeholder", "a {{b", 2],
    ["an empty placeholder", "a {{ }}", 2],
    ["an expression instead of a path", "x {{ a + b }}", 2],
    ["a call", "{{ run() }}", 0],
    ["a non-numeric index", "{{ items[x] }}", 0],
    ["a placeholder opened inside another", "{{ a {{ b }}", 0],
  ])("reports %s with its position", (_label, source, position) => {
    const parsed = parseTemplate(source);
    expect(parsed).toMatchObject({ ok: false, position });
    if (!parsed.ok) expect(parsed.message.length).toBeGreaterThan(5);
  });

  it("accepts text with single braces (JSON bodies)", () => {
    expect(renderTemplate('{"count": {{variables.count}}}', scope)).toBe('{"count": 3}');
  });
});

describe("listTemplateVariables", () => {
  it("lists each variable once, in order of first use", () => {
    expect(listTemplateVariables("{{input.message}} {{variables.name}} {{input.message}} {{items[2].title}}")).toEqual([
      "input.message",
      "variables.name",
      "items.2.title",
    ]);
  });

  it("keeps listing the complete placeholders while a template is being typed", () => {
    expect(listTemplateVariables("Hi {{variables.name}}, {{inp")).toEqual(["variables.name"]);
    expect(listTemplateVariables(undefined)).toEqual([]);
    expect(listTemplateVariables("no placeholders")).toEqual([]);
  });
});
