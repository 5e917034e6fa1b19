import { describe, expect, it } from "vitest";
import { parseClipboard, serializeClipboard, type ClipboardPayload } from "@/components/editor/model/clipboard";
import { describeConfig, formEntries } from "@/components/editor/model/config-fields";
import { checkConnection } from "@/components/editor/model/connections";
import { nodeHandles, type EditorEdge, type EditorNode } from "@/components/editor/model/document";
import { configFieldOf, indexIssues } from "@/components/editor/model/issues";
import { completePlaceholder, openPlaceholder, upstreamVariables } from "@/components/editor/model/variables";
import { conditionalConfigSchema } from "@/lib/nodes/conditional/definition";
import { toolsConfigSchema } from "@/lib/nodes/tools/definition";
import { modelConfigSchema } from "@/lib/nodes/model/definition";
import { nodeDefinitions } from "@/lib/nodes/registry";
import { retrievalConfigSchema } from "@/lib/nodes/retrieval/definition";

const node = (id: string, type: string, config: Record<string, unknown> = {}): EditorNode => ({
  id,
  type,
  position: { x: 0, y: 0 },
  data: { label: id, config },
});
const edge = (source: string, target: string, sourceHandle = "out"): EditorEdge => ({
  id: `${source}-${target}`,
  source,
  target,
  sourceHandle,
});

describe("config form description", () => {
  it("reads every registry node type's schema without losing a field that has editor metadata", () => {
    for (const definition of nodeDefinitions) {
      const fields = describeConfig(definition.configSchema);
      expect(fields.map((f) => f.key)).toEqual(Object.keys(definition.configSchema.shape));
    }
  });

  it("reads kinds, bounds, options, defaults and groups from the zod schema", () => {
    const fields = describeConfig(modelConfigSchema);
    const temperature = fields.find((f) => f.key === "temperature")!;
    expect(temperature).toMatchObject({
      kind: "number",
      min: 0,
      max: 2,
      integer: false,
      defaultValue: 0.7,
      required: false,
    });
    expect(fields.find((f) => f.key === "maxTokens")).toMatchObject({ integer: true, min: 1 });
    const entries = formEntries(fields);
    expect(entries[0]).toMatchObject({ kind: "group", group: "model", widget: "model" });
    expect((entries[0] as { fields: Array<{ key: string }> }).fields.map((f) => f.key)).toEqual([
      "provider",
      "model",
      "credentialId",
    ]);
    expect(describeConfig(retrievalConfigSchema).find((f) => f.key === "knowledgeBaseId")).toMatchObject({
      required: true,
    });
  });

  it("describes list items with the widgets their metadata names", () => {
    const branches = describeConfig(conditionalConfigSchema)[0]!;
    expect(branches.itemFields).toEqual([
      { key: "key", kind: "string", optional: false, widget: "text", title: "Key" },
      { key: "label", kind: "string", optional: true, widget: "text", title: "Label" },
      { key: "expression", kind: "string", optional: false, widget: "expression", title: "Expression" },
    ]);
  });

  it("gives list items the titles and examples their metadata names", () => {
    const sites = describeConfig(toolsConfigSchema).find((field) => field.key === "httpSites")!;
    expect(sites.meta.usesSecrets).toBe(true);
    expect(sites.itemFields).toEqual([
      expect.objectContaining({ key: "origin", title: "Site", widget: "text", placeholder: "https://api.example.com" }),
      expect.objectContaining({ key: "headers", title: "Headers", widget: "json", optional: true }),
      expect.objectContaining({ key: "query", title: "Query values", widget: "json", optional: true }),
    ]);
  });
});

describe("handles", () => {
  it("draws one handle per branch plus default, and keeps them while a key is half-typed", () => {
    const branches = [
      { key: "yes", expression: "true" },
      { key: "no", expression: "false" },
    ];
    expect(nodeHandles("conditional", { branches }).outputs).toEqual(["yes", "no", "default"]);
    expect(nodeHandles("conditional", { branches: [...branches, { key: "", expression: "" }] }).outputs).toEqual([
      "yes",
      "no",
      "default",
    ]);
    expect(nodeHandles("end", {})).toEqual({ inputs: ["in"], outputs: [], error: false });
    expect(nodeHandles("start", {}).inputs).toEqual([]);
    expect(nodeHandles("loop", {}).outputs).toEqual(["body", "done"]);
  });
});

describe("connection rules", () => {
  it("allows a loop's body to lead back into the loop, but no other cycle", () => {
    const nodes = [node("s", "start"), node("loop", "loop"), node("step", "model"), node("e", "end")];
    const edges = [edge("s", "loop"), edge("loop", "step", "body"), edge("loop", "e", "done")];
    expect(checkConnection({ source: "step", target: "loop" }, nodes, edges)).toMatchObject({ ok: true });
    const plain = [node("a", "model"), node("b", "model")];
    expect(checkConnection({ source: "b", target: "a" }, plain, [edge("a", "b")])).toMatchObject({ ok: false });
  });

  it("lets any node but end route failures from its error handle", () => {
    const nodes = [node("m", "model"), node("h", "error"), node("e", "end")];
    expect(checkConnection({ source: "m", target: "h", sourceHandle: "error" }, nodes, [])).toMatchObject({
      ok: true,
      sourceHandle: "error",
    });
    expect(checkConnection({ source: "e", target: "h", sourceHandle: "error" }, nodes, [])).toMatchObject({
      ok: false,
    });
  });
});

describe("issues", () => {
  it("indexes issues by node and edge and finds the config field an issue points at", () => {
    const index = indexIssues({
      isValid: false,
      errors: [
        { code: "node.invalid_config", message: "bad", nodeId: "m", path: "nodes.2.data.config.branches.0.expression" },
        { code: "edge.dangling_target", message: "dangling", edgeId: "e1", path: "edges.0.target" },
        { code: "graph.no_start", message: "no start" },
      ],
      warnings: [{ code: "node.no_outgoing", message: "stops", nodeId: "m" }],
    });
    expect(index.byNode.get("m")!.map((i) => i.severity)).toEqual(["error", "warning"]);
    expect(index.byEdge.get("e1")).toHaveLength(1);
    expect(index.general.map((i) => i.code)).toEqual(["graph.no_start"]);
    expect(configFieldOf("nodes.2.data.config.branches.0.expression")).toBe("branches.0.expression");
    expect(configFieldOf("nodes.2")).toBeNull();
  });
});

describe("variables for autocompletion", () => {
  it("offers what upstream nodes write, not what downstream ones do", () => {
    const nodes = [
      node("s", "start", { variables: { tone: "friendly" } }),
      node("r", "retrieval", { knowledgeBaseId: "kb" }),
      node("v", "variable", { assignments: [{ name: "topic", expression: "input.message" }] }),
      node("m", "model"),
      node("after", "http", { responseVariable: "weather" }),
    ];
    const edges = [edge("s", "r"), edge("r", "v"), edge("v", "m"), edge("m", "after")];
    const names = upstreamVariables("m", nodes, edges).map((v) => v.name);
    expect(names).toEqual(
      expect.arrayContaining(["input.message", "variables.tone", "retrieval_context", "sources", "variables.topic"]),
    );
    expect(names).not.toContain("variables.weather");
  });

  it("finds the placeholder being typed and completes it", () => {
    expect(openPlaceholder("Answer {{inp", 12)).toEqual({ start: 9, query: "inp" });
    expect(openPlaceholder("{{a}} done", 10)).toBeNull();
    expect(completePlaceholder("Answer {{inp", 9, 12, "input.message")).toEqual({
      text: "Answer {{input.message}}",
      caret: 24,
    });
    expect(completePlaceholder("{{inp}} x", 2, 5, "input.message").text).toBe("{{input.message}} x");
  });
});

describe("clipboard", () => {
  it("round-trips a selection and ignores text that is not one", () => {
    const payload = {
      format: "lattice.nodes",
      nodes: [{ id: "m", type: "model", position: { x: 1, y: 2 }, data: { config: {} } }],
      edges: [],
    } as ClipboardPayload;
    expect(parseClipboard(serializeClipboard(payload))).toEqual(payload);
    expect(parseClipboard("hello")).toBeNull();
    expect(parseClipboard('{"format":"lattice.nodes","nodes":[]}')).toBeNull();
    expect(parseClipboard("{lattice.nodes")).toBeNull();
  });
});

describe("node drawing", () => {
  it("has an icon for every registry node type and a summary for every default config", async () => {
    const { NODE_ICONS } = await import("@/components/editor/node-icons");
    const { nodeSummary } = await import("@/components/editor/model/node-summary");
    for (const definition of nodeDefinitions) {
      expect(NODE_ICONS[definition.icon], `icon ${definition.icon} of ${definition.type}`).toBeDefined();
      expect(nodeSummary(definition.type, definition.defaultConfig() as Record<string, unknown>)).toEqual(
        expect.any(String),
      );
    }
    expect(nodeSummary("model", { provider: "openai", model: "gpt-4o" })).toBe("openai · gpt-4o");
    expect(nodeSummary("model", { provider: "default", model: "default" })).toBe("Default model");
    const credential = { provider: "openai", model: "gpt-4o", credentialId: "01J0000000000000000000000C" };
    expect(nodeSummary("model", credential, { credentialName: () => "Team key" })).toBe("openai · gpt-4o (Team key)");
    expect(nodeSummary("model", credential)).toBe("openai · gpt-4o (missing credential)");
    const tools = { provider: "local", model: "echo", tools: ["calculator"] };
    expect(nodeSummary("tools", { ...tools, mcp: [{ serverId: "s1", tools: ["add", "shout"] }] })).toBe(
      "local · echo — 3 tools (2 MCP)",
    );
    expect(nodeSummary("tools", tools)).toBe("local · echo — 1 tool");
    expect(nodeSummary("retrieval", { knowledgeBaseId: "kb1", topK: 3 }, { knowledgeBaseName: () => "Handbook" })).toBe(
      "Top 3 from Handbook",
    );
    expect(nodeSummary("teleport", {})).toBeNull();
  });
});

describe("placing a node added from the keyboard", () => {
  it("moves it down until it overlaps no other node", async () => {
    const { freeSpot } = await import("@/components/editor/palette");
    const taken = [node("a", "model"), { ...node("b", "model"), position: { x: 0, y: 120 } }];
    expect(freeSpot(taken, { x: 500, y: 0 })).toEqual({ x: 500, y: 0 });
    const spot = freeSpot(taken, { x: 20, y: 10 });
    expect(spot.x).toBe(20);
    expect(spot.y).toBeGreaterThanOrEqual(120 + 88 + 24);
  });
});
