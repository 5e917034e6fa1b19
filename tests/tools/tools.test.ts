import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ToolMessage } from "@langchain/core/messages";
import { resetEnvCache } from "@/lib/env";
import { addTextDocument, createKnowledgeBase } from "@/lib/services/knowledge";
import { createTools, describeCurrentTime, toolDefinitions, TOOL_NAMES, type ToolRuntime } from "@/lib/tools";
import { createTestUser } from "@/tests/helpers/db";

function one(name: string, runtime: Partial<ToolRuntime> = {}) {
  const [t] = createTools([name], { ownerId: "nobody", depth: 0, ...runtime });
  return t!;
}

let server: http.Server;
let port: number;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === "/page") {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(
        "<html><head><style>p{}</style><script>alert(1)</script></head><body><h1>Title</h1><p>Hello &amp; welcome</p></body></html>",
      );
    } else if (req.url === "/slow") {
      setTimeout(() => res.end("late"), 3000).unref();
    } else {
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ ok: true, long: "z".repeat(500) }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
afterEach(() => {
  delete process.env.LATTICE_HTTP_ALLOWLIST;
  resetEnvCache();
  vi.useRealTimers();
});

describe("tool registry", () => {
  it("lists every tool with a label, description and schema, and builds them by name", () => {
    expect(TOOL_NAMES).toEqual(["calculator", "current_time", "http_get", "knowledge_search", "run_workflow"]);
    for (const d of toolDefinitions) {
      expect(d.label).not.toBe("");
      expect(d.description.length).toBeGreaterThan(20);
      expect(d.inputSchema.safeParse({}).success).toBe(d.name === "current_time");
    }
    const tools = createTools(["calculator", "current_time", "calculator"], { ownerId: "u", depth: 0 });
    expect(tools.map((t) => t.name)).toEqual(["calculator", "current_time"]);
  });

  it("refuses unknown tools by name", () => {
    expect(() => createTools(["calculator", "shell", "rm"], { ownerId: "u", depth: 0 })).toThrow(
      /Unknown tools: shell, rm/,
    );
  });
});

describe("calculator tool", () => {
  it("answers a tool call with a ToolMessage", async () => {
    const result = await one("calculator").invoke({
      id: "call_1",
      name: "calculator",
      args: { expression: "(2+3)*4" },
      type: "tool_call",
    });
    expect(result).toBeInstanceOf(ToolMessage);
    expect((result as ToolMessage).content).toBe("20");
    expect((result as ToolMessage).tool_call_id).toBe("call_1");
  });

  it("reports bad expressions as errors with the position", async () => {
    await expect(one("calculator").invoke({ expression: "2 +* 3" })).rejects.toMatchObject({
      code: "bad_request:calculator",
      message: expect.stringContaining("position 4"),
    });
  });
});

describe("current_time tool", () => {
  it("gives UTC and local time in the requested zone", async () => {
    vi.useFakeTimers({ now: new Date("2025-07-14T10:30:00Z"), toFake: ["Date"] });
    const paris = JSON.parse(await one("current_time").invoke({ timezone: "Europe/Paris" }));
    expect(paris).toEqual({
      utc: "2025-07-14T10:30:00.000Z",
      timezone: "Europe/Paris",
      local: "2025-07-14 12:30:00",
      weekday: "Monday",
      utcOffset: "+02:00",
    });
    const utc = JSON.parse(await one("current_time").invoke({}));
    expect(utc).toMatchObject({ timezone: "UTC", local: "2025-07-14 10:30:00", utcOffset: "+00:00" });
  });

  it("rejects unknown time zones", () => {
    expect(() => describeCurrentTime("Mars/Olympus")).toThrow(/Unknown time zone "Mars\/Olympus"/);
  });
});

describe("http_get tool", () => {
  it("goes through the SSRF guard", async () => {
    await expect(one("http_get").invoke({ url: `http://127.0.0.1:${port}/page` })).rejects.toMatchObject({
      code: "forbidden:http_target",
    });
    await expect(one("http_get").invoke({ url: "http://169.254.169.254/latest/meta-data/" })).rejects.toMatchObject({
      code: "forbidden:http_target",
    });
  });

  it("returns status and visible text of allowed pages, truncated on request", async () => {
    process.env.LATTICE_HTTP_ALLOWLIST = "127.0.0.1/32";
    resetEnvCache();
    const page = JSON.parse(await one("http_get").invoke({ url: `http://127.0.0.1:${port}/page` }));
    expect(page).toMatchObject({ status: 200, contentType: "text/html", body: "Title\nHello & welcome" });
    const json = JSON.parse(await one("http_get").invoke({ url: `http://127.0.0.1:${port}/data`, maxChars: 100 }));
    expect(json.body).toHaveLength(100);
    expect(json).toMatchObject({ truncated: true, totalChars: 521 });
  });

  it("stops when the run is cancelled", async () => {
    process.env.LATTICE_HTTP_ALLOWLIST = "127.0.0.1/32";
    resetEnvCache();
    const controller = new AbortController();
    const pending = one("http_get", { signal: controller.signal }).invoke({ url: `http://127.0.0.1:${port}/slow` });
    setTimeout(() => controller.abort(new Error("cancelled by user")), 50);
    const started = Date.now();
    await expect(pending).rejects.toThrow("cancelled by user");
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe("knowledge_search tool", () => {
  it("finds the owner's passages only, within the run's knowledge bases", async () => {
    const owner = await createTestUser();
    const stranger = await createTestUser();
    const kb = await createKnowledgeBase({ ownerId: owner.id, name: "Docs" });
    const other = await createKnowledgeBase({ ownerId: owner.id, name: "Other" });
    await addTextDocument({
      ownerId: owner.id,
      knowledgeBaseId: kb.id,
      title: "Refunds",
      text: "Refunds reach the card within seven days.",
    });
    await addTextDocument({
      ownerId: owner.id,
      knowledgeBaseId: other.id,
      title: "Elsewhere",
      text: "Refunds are also described here.",
    });

    const scoped = JSON.parse(
      await one("knowledge_search", { ownerId: owner.id, knowledgeBaseIds: [kb.id] }).invoke({ query: "refunds" }),
    );
    expect(scoped).toEqual([
      expect.objectContaining({ title: "Refunds", content: "Refunds reach the card within seven days." }),
    ]);

    for (const knowledgeBaseIds of [undefined, []]) {
      const all = JSON.parse(
        await one("knowledge_search", { ownerId: owner.id, knowledgeBaseIds }).invoke({ query: "refunds", topK: 5 }),
      );
      expect(all.map((h: { title: string }) => h.title).sort()).toEqual(["Elsewhere", "Refunds"]);
    }

    await expect(
      one("knowledge_search", { ownerId: owner.id, knowledgeBaseIds: [kb.id] }).invoke({
        query: "refunds",
        knowledgeBaseId: other.id,
      }),
    ).rejects.toMatchObject({ code: "forbidden:knowledge_search" });

    expect(
      await one("knowledge_search", { ownerId: stranger.id, knowledgeBaseIds: [kb.id] }).invoke({ query: "refunds" }),
    ).toBe("No matching passages were found.");
  });
});

describe("run_workflow tool", () => {
  it("runs the workflow through the engine's callback", async () => {
    const calls: unknown[] = [];
    const runWorkflow = async (args: { definitionId: string; input: unknown }) => {
      calls.push(args);
      return "child answer";
    };
    const result = await one("run_workflow", { runWorkflow, depth: 1 }).invoke({
      definitionId: "01J0000000000000000000000A",
      message: "hi",
      variables: { x: 1 },
    });
    expect(result).toBe("child answer");
    expect(calls).toEqual([
      { definitionId: "01J0000000000000000000000A", input: { message: "hi", variables: { x: 1 } } },
    ]);
  });

  it("refuses past the depth limit, without a callback, or once cancelled", async () => {
    const runWorkflow = vi.fn(async () => "never");
    await expect(
      one("run_workflow", { runWorkflow, depth: 5 }).invoke({ definitionId: "d", message: "m" }),
    ).rejects.toThrow(/at most 5 deep/);
    await expect(one("run_workflow").invoke({ definitionId: "d", message: "m" })).rejects.toThrow(/not available/);
    const controller = new AbortController();
    controller.abort(new Error("cancelled"));
    await expect(
      one("run_workflow", { runWorkflow, signal: controller.signal }).invoke({ definitionId: "d", message: "m" }),
    ).rejects.toThrow("cancelled");
    expect(runWorkflow).not.toHaveBeenCalled();
  });
});
