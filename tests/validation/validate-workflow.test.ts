import { describe, expect, it } from "vitest";
import { builtinTemplates } from "@/lib/templates/builtin";
import {
  defaultValidationContext,
  validateWorkflow,
  VALIDATION_CODES,
  type ValidationCode,
  type ValidationContext,
  type ValidationResult,
  type ValidationUser,
} from "@/lib/validation";
import { edge, fullWorkflow, minimalWorkflow, node, withConfig } from "./fixtures";

const user = { id: "user-1" };

function codes(result: ValidationResult): ValidationCode[] {
  return [...result.errors, ...result.warnings].map((issue) => issue.code);
}

function issue(result: ValidationResult, code: ValidationCode) {
  const found = [...result.errors, ...result.warnings].find((i) => i.code === code);
  if (!found) throw new Error(`expected ${code}, got ${JSON.stringify(codes(result))}`);
  return found;
}

describe("validateWorkflow on valid definitions", () => {
  it("accepts a workflow with every node type with no errors and no warnings", () => {
    const result = validateWorkflow(fullWorkflow(), user, defaultValidationContext());
    expect(result).toEqual({ isValid: true, errors: [], warnings: [] });
  });

  it("accepts every built-in template", () => {
    for (const template of builtinTemplates) {
      const result = validateWorkflow(template.definition, user, defaultValidationContext());
      expect(result.errors, template.slug).toEqual([]);
    }
  });

  it("accepts a workflow without name or description, and uses a default context when none is given", () => {
    expect(validateWorkflow(minimalWorkflow(), user).isValid).toBe(true);
  });
});

interface Case {
  code: ValidationCode;
  definition: unknown;
  user?: ValidationUser;
  context?: Partial<ValidationContext>;
  /** What the issue must point at. */
  expect?: { nodeId?: string; edgeId?: string; path?: string; position?: number; message?: RegExp };
}

const full = fullWorkflow;

function mutate(change: (d: ReturnType<typeof fullWorkflow>) => void) {
  const definition = fullWorkflow();
  change(definition);
  return definition;
}

const cases: Case[] = [
  { code: "schema.invalid", definition: { nodes: "many", edges: [] }, expect: { path: "nodes" } },
  {
    code: "node.unknown_type",
    definition: mutate((d) => {
      d.nodes.find((n) => n.id === "shout")!.type = "teleport";
    }),
    expect: { nodeId: "shout", path: "nodes.9.type", message: /“teleport”/ },
  },
  {
    code: "node.invalid_config",
    definition: withConfig("loop", { maxIterations: -1 }),
    expect: {
      nodeId: "loop",
      path: "nodes.10.data.config.maxIterations",
      message: /Loop node “Repeat”: Max iterations/,
    },
  },
  {
    code: "node.duplicate_id",
    definition: mutate((d) => {
      d.nodes.push(node("shout", "transform", {}, "Second shout"));
    }),
    expect: { nodeId: "shout", path: "nodes.16.id" },
  },
  {
    code: "node.unreachable",
    definition: mutate((d) => {
      d.nodes.push(node("island", "prompt", {}, "Island"));
      d.edges.push(edge("island", "end"));
    }),
    expect: { nodeId: "island", message: /cannot be reached/ },
  },
  {
    code: "node.no_outgoing",
    definition: mutate((d) => {
      d.edges = d.edges.filter((e) => e.source !== "shout");
    }),
    expect: { nodeId: "shout" },
  },
  {
    code: "node.unknown_config_field",
    definition: withConfig("model", { temprature: 0.2 }),
    expect: { nodeId: "model", path: "nodes.5.data.config.temprature" },
  },
  {
    code: "edge.duplicate_id",
    definition: mutate((d) => {
      d.edges.push({ ...d.edges[0]! });
    }),
    expect: { edgeId: "start-out-memory" },
  },
  {
    code: "edge.dangling_source",
    definition: mutate((d) => {
      d.edges.push({ id: "ghost-in", source: "ghost", target: "end" });
    }),
    expect: { edgeId: "ghost-in", path: "edges.21.source" },
  },
  {
    code: "edge.dangling_target",
    definition: mutate((d) => {
      d.edges.push({ id: "ghost-out", source: "shout", target: "ghost" });
    }),
    expect: { edgeId: "ghost-out", path: "edges.21.target" },
  },
  {
    code: "edge.unknown_handle",
    definition: mutate((d) => {
      d.edges.find((e) => e.id === "check-short-shout")!.sourceHandle = "long";
    }),
    expect: { edgeId: "check-short-shout", nodeId: "check", message: /“long”.*“short” and “default”/ },
  },
  {
    code: "edge.missing_handle",
    definition: mutate((d) => {
      delete (d.edges.find((e) => e.id === "approve-rejected-end") as { sourceHandle?: string }).sourceHandle;
    }),
    expect: { nodeId: "approve", message: /“approved” and “rejected”/ },
  },
  {
    code: "edge.invalid_target",
    definition: mutate((d) => {
      d.edges.push({ id: "back-to-start", source: "shout", target: "start" });
    }),
    expect: { edgeId: "back-to-start", nodeId: "start" },
  },
  {
    code: "branch.unconnected",
    definition: mutate((d) => {
      d.edges = d.edges.filter((e) => e.id !== "approve-rejected-end");
    }),
    expect: { nodeId: "approve", message: /“rejected” output/ },
  },
  {
    code: "graph.no_start",
    definition: mutate((d) => {
      d.nodes = d.nodes.filter((n) => n.id !== "start");
      d.edges = d.edges.filter((e) => e.source !== "start");
    }),
  },
  {
    code: "graph.multiple_starts",
    definition: mutate((d) => {
      d.nodes.push(node("start2", "start", {}, "Second start"));
      d.edges.push(edge("start2", "end"));
    }),
    expect: { nodeId: "start2" },
  },
  {
    code: "graph.no_reachable_end",
    definition: {
      nodes: [node("start", "start"), node("model", "model"), node("end", "end")],
      edges: [edge("start", "model")],
    },
  },
  {
    code: "graph.cycle_without_loop",
    definition: mutate((d) => {
      d.edges.push(edge("shout", "check"));
    }),
    expect: { nodeId: "check", message: /“Is it short\?” and Transform node “Shout” form a cycle/ },
  },
  {
    code: "loop.body_not_closed",
    definition: mutate((d) => {
      d.edges = d.edges.filter((e) => e.id !== "child-out-loop");
      d.edges.push(edge("child", "end"));
    }),
    expect: { nodeId: "loop" },
  },
  {
    code: "error_handler.not_on_error_handle",
    definition: mutate((d) => {
      d.edges.find((e) => e.id === "model-error-fallback")!.sourceHandle = undefined;
    }),
    expect: { nodeId: "fallback" },
  },
  {
    code: "expression.invalid",
    definition: withConfig("check", { branches: [{ key: "short", expression: "$length(input.message" }] }),
    expect: {
      nodeId: "check",
      path: "nodes.8.data.config.branches.0.expression",
      position: "$length(input.message".length,
    },
  },
  {
    code: "template.invalid",
    definition: withConfig("prompt", { template: "Answer {{input.message" }),
    expect: { nodeId: "prompt", path: "nodes.4.data.config.template", position: 7 },
  },
  {
    code: "auth.required",
    definition: full(),
    user: null,
    expect: { nodeId: "retrieval", path: "nodes.3.data.config.knowledgeBaseId" },
  },
  {
    code: "http.invalid_url",
    definition: withConfig("call", { url: "file:///etc/passwd" }),
    expect: { nodeId: "call", message: /only http and https/ },
  },
  {
    code: "http.forbidden_target",
    definition: withConfig("call", { url: "http://169.254.169.254/latest/meta-data/" }),
    expect: { nodeId: "call", path: "nodes.14.data.config.url", message: /169\.254\.169\.254/ },
  },
  {
    code: "secret.unknown",
    definition: withConfig("call", { url: "https://api.example.com/items", headers: { "X-Key": "{{secrets.NOPE}}" } }),
    context: { secretNames: ["KNOWN"] },
    expect: {
      nodeId: "call",
      path: "nodes.14.data.config.headers.X-Key",
      message: /\{\{secrets\.NOPE\}\}, which you have not set/,
    },
  },
  {
    code: "secret.not_allowed",
    definition: withConfig("call", { url: "https://api.example.com/items", body: "{{secrets.KNOWN}}" }),
    expect: { nodeId: "call", path: "nodes.14.data.config.body" },
  },
  {
    code: "model.unknown_provider",
    definition: withConfig("model", { provider: "skynet", model: "t800" }),
    expect: { nodeId: "model", message: /provider “skynet”/ },
  },
  {
    code: "model.not_configured",
    definition: withConfig("model", { provider: "openai", model: "gpt-4o-mini" }),
    context: {
      providers: [
        { id: "local", configured: true, models: ["echo"] },
        { id: "openai", configured: false, models: "any" },
      ],
    },
    expect: {
      nodeId: "model",
      path: "nodes.5.data.config.provider",
      message: /^Model node “Answer” uses provider “openai”, which is not configured\.$/,
    },
  },
  {
    code: "model.unknown_model",
    definition: withConfig("model", { model: "gpt-9" }),
    expect: { nodeId: "model", path: "nodes.5.data.config.model", message: /“gpt-9”/ },
  },
  {
    code: "tool.not_allowed",
    definition: full(),
    context: { allowedTools: ["calculator"] },
    expect: { nodeId: "tools", path: "nodes.7.data.config.tools.1", message: /“current_time”/ },
  },
  {
    code: "retrieval.unknown_knowledge_base",
    definition: full(),
    context: { knowledgeBaseIds: ["kb-other"] },
    expect: { nodeId: "retrieval" },
  },
  {
    code: "subworkflow.unknown_workflow",
    definition: full(),
    context: { workflowIds: ["wf-other"] },
    expect: { nodeId: "child" },
  },
  {
    code: "mcp.unknown_server",
    definition: withConfig("tools", { mcp: [{ serverId: "01JMCPSERVER0000000000000A", tools: ["add"] }] }),
    context: { mcpServerIds: ["01JMCPSERVER0000000000000B"] },
    expect: { nodeId: "tools", path: "nodes.7.data.config.mcp.0.serverId" },
  },
  {
    code: "subworkflow.self_reference",
    definition: full(),
    context: { definitionId: "wf-child" },
    expect: { nodeId: "child" },
  },
  {
    code: "limits.nodes",
    definition: full(),
    context: { limits: { ...defaultValidationContext().limits, maxNodes: 10 } },
    expect: { message: /16 nodes; the limit here is 10/ },
  },
  {
    code: "limits.loop_iterations",
    definition: withConfig("loop", { maxIterations: 500 }),
    expect: { nodeId: "loop", path: "nodes.10.data.config.maxIterations" },
  },
  {
    code: "limits.tool_calls",
    definition: withConfig("tools", { maxCalls: 80 }),
    expect: { nodeId: "tools", path: "nodes.7.data.config.maxCalls" },
  },
  {
    code: "limits.tokens",
    definition: withConfig("model", { maxTokens: 100_000 }),
    expect: { nodeId: "model", path: "nodes.5.data.config.maxTokens" },
  },
  {
    code: "limits.subworkflow_depth",
    definition: full(),
    context: { limits: { ...defaultValidationContext().limits, maxSubworkflowDepth: 0 } },
    expect: { nodeId: "child" },
  },
  {
    code: "validation.internal",
    definition: full(),
    // A context that breaks mid-validation stands in for a bug in a stage: the caller still gets a result.
    context: {
      get providers(): never {
        throw new Error("boom");
      },
    },
  },
];

describe("validateWorkflow issue codes", () => {
  it("has a case for every code", () => {
    expect(new Set(cases.map((c) => c.code))).toEqual(new Set(Object.keys(VALIDATION_CODES)));
  });

  it.each(cases)("$code", (testCase) => {
    const context = Object.defineProperties(
      defaultValidationContext(),
      Object.getOwnPropertyDescriptors(testCase.context ?? {}),
    ) as ValidationContext;
    const result = validateWorkflow(testCase.definition, testCase.user === undefined ? user : testCase.user, context);
    const found = issue(result, testCase.code);
    const severity = VALIDATION_CODES[testCase.code];
    expect(severity === "error" ? result.errors : result.warnings).toContain(found);
    expect(result.isValid).toBe(result.errors.length === 0);
    if (severity === "error") expect(result.isValid).toBe(false);
    expect(found.message.length).toBeGreaterThan(10);
    const { message, ...where } = testCase.expect ?? {};
    expect(found).toMatchObject(where);
    if (message) expect(found.message).toMatch(message);
  });

  it("keeps a warning-only workflow valid", () => {
    const result = validateWorkflow(
      mutate((d) => {
        d.edges = d.edges.filter((e) => e.id !== "approve-rejected-end");
      }),
      user,
      defaultValidationContext(),
    );
    expect(result.isValid).toBe(true);
    expect(result.errors).toEqual([]);
    expect(codes(result)).toEqual(["branch.unconnected"]);
  });
});

describe("validateWorkflow stages", () => {
  it("stops after a failing schema stage", () => {
    const result = validateWorkflow(
      { nodes: [{ id: "a b", type: "start" }], edges: [] },
      user,
      defaultValidationContext(),
    );
    expect(codes(result)).toEqual(["schema.invalid"]);
    expect(result.errors[0]).toMatchObject({ path: "nodes.0.id" });
    expect(result.errors[0]!.message).toMatch(/^Node “a b”, field id: may contain only/);
  });

  it("names the node and edge of a schema issue when they have ids", () => {
    const result = validateWorkflow(
      { nodes: [{ id: "n1", type: "start", position: { x: "left", y: 0 } }], edges: [{ id: "e1", source: "n1" }] },
      user,
      defaultValidationContext(),
    );
    expect(result.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: "schema.invalid", nodeId: "n1", path: "nodes.0.position.x" }),
        expect.objectContaining({ code: "schema.invalid", edgeId: "e1", path: "edges.0.target" }),
      ]),
    );
  });

  it("runs every later stage and reports all their issues together", () => {
    const definition = withConfig("model", { provider: "skynet", maxTokens: 100_000 });
    definition.nodes.find((n) => n.id === "call")!.data!.config = { url: "http://localhost:8080/admin" };
    const result = validateWorkflow(definition, user, defaultValidationContext());
    expect(codes(result)).toEqual(
      expect.arrayContaining(["http.forbidden_target", "model.unknown_provider", "limits.tokens"]),
    );
  });

  it("treats a cycle through a loop's body as bounded, but not one through its done handle", () => {
    expect(codes(validateWorkflow(fullWorkflow(), user))).not.toContain("graph.cycle_without_loop");
    const result = validateWorkflow(
      mutate((d) => {
        d.edges.push(edge("call", "loop"));
      }),
      user,
    );
    expect(issue(result, "graph.cycle_without_loop").message).toMatch(/Loop node “Repeat”/);
  });

  it("accepts a tools node with only MCP tools, and refuses one with no tool at all at its tools field", () => {
    const mcpOnly = withConfig("tools", {
      tools: [],
      mcp: [{ serverId: "01JMCPSERVER0000000000000A", tools: ["add"] }],
    });
    const context = { ...defaultValidationContext(), mcpServerIds: ["01JMCPSERVER0000000000000A"] };
    expect(validateWorkflow(mcpOnly, user, context).errors).toEqual([]);
    const none = validateWorkflow(withConfig("tools", { tools: [], mcp: [] }), user, context);
    expect(none.isValid).toBe(false);
    expect(issue(none, "node.invalid_config")).toMatchObject({
      nodeId: "tools",
      path: "nodes.7.data.config.tools",
    });
    expect(issue(none, "node.invalid_config").message).toMatch(/at least one tool \(built-in or from an MCP server\)/);
  });

  it("accepts a model provider that takes any model name", () => {
    const context: ValidationContext = {
      ...defaultValidationContext(),
      providers: [
        { id: "local", configured: true, models: ["echo"] },
        { id: "ollama", configured: true, models: "any" },
      ],
    };
    expect(
      validateWorkflow(withConfig("model", { provider: "ollama", model: "qwen2.5:7b" }), user, context).errors,
    ).toEqual([]);
  });

  it("lets the allow list exempt an internal host", () => {
    const definition = withConfig("call", { url: "http://ollama.internal:11434/api/tags" });
    expect(codes(validateWorkflow(definition, user))).toContain("http.forbidden_target");
    const context = { ...defaultValidationContext(), httpAllowList: ["ollama.internal:11434"] };
    expect(validateWorkflow(definition, user, context).errors).toEqual([]);
  });

  it("leaves URLs whose host is a template to the run-time guard", () => {
    expect(validateWorkflow(withConfig("call", { url: "{{variables.endpoint}}/items" }), user).errors).toEqual([]);
  });

  it("checks every branch expression of a conditional", () => {
    const result = validateWorkflow(
      withConfig("check", {
        branches: [
          { key: "short", expression: "$length(input.message) < 20" },
          { key: "empty", expression: "input.message = " },
        ],
      }),
      user,
    );
    expect(issue(result, "expression.invalid")).toMatchObject({ path: "nodes.8.data.config.branches.1.expression" });
  });

  it("reports duplicate branch keys as invalid config on the second key", () => {
    const result = validateWorkflow(
      withConfig("check", {
        branches: [
          { key: "short", expression: "true" },
          { key: "short", expression: "false" },
        ],
      }),
      user,
    );
    expect(issue(result, "node.invalid_config")).toMatchObject({ path: "nodes.8.data.config.branches.1.key" });
  });
});
