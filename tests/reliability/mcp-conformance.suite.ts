/**
 * MCP conformance: `@modelcontextprotocol/conformance`'s server scenarios against the suite server's /api/mcp.
 *
 * The CLI needs Node ≥ 22 and the project runs on Node 20, so a Node 22 binary comes from the npm registry
 * (`node-<platform>-<arch>`, pinned, as the registry ships it) with the CLI, installed once into
 * node_modules/.cache/lattice-mcp-conformance — the project's own Node is left alone. The CLI sends no
 * credentials, so it talks to a loopback proxy here that adds an API key (and passes everything else, the Host
 * and Origin headers included, as sent).
 *
 * Scenarios for what Lattice does not offer are expected failures (mcp-conformance-baseline.yml); each such
 * failure must also say the reason it is listed for, so that a real failure cannot hide behind the list. The
 * CLI itself fails on an unexpected failure and on a listed scenario that passes.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callJson, signUpOverHttp } from "../helpers/http-client";
import { edge, graph, node, suiteServer } from "./lib/suite";

const ROOT = path.resolve(import.meta.dirname, "../..");
const CONFORMANCE = "@modelcontextprotocol/conformance@0.1.16";
const NODE_PACKAGE = `node-${process.platform === "win32" ? "win" : process.platform}-${process.arch}`;
const NODE_VERSION = "22.23.5";
const CACHE = path.join(ROOT, "node_modules", ".cache", "lattice-mcp-conformance");
const BASELINE = path.join(import.meta.dirname, "mcp-conformance-baseline.yml");

/** Why each listed scenario fails, as its failed checks say it. */
const NOT_OFFERED = /MCP error -32601: Method not found/;
const FIXTURE_TOOL = /There is no tool named "test_[a-z0-9_]+"/;
const EXPECTED_PASSES = [
  "server-initialize",
  "ping",
  "tools-list",
  "server-sse-multiple-streams",
  "dns-rebinding-protection",
];

function installed(name: string): string | undefined {
  try {
    return (
      JSON.parse(fs.readFileSync(path.join(CACHE, "node_modules", name, "package.json"), "utf8")) as {
        version: string;
      }
    ).version;
  } catch {
    return undefined;
  }
}

/** A Node ≥ 22 and the CLI's entry: this Node when it is new enough, else the registry's binary. */
function toolchain(): { node: string; cli: string } {
  const want = { [NODE_PACKAGE]: NODE_VERSION, "@modelcontextprotocol/conformance": CONFORMANCE.split("@").pop()! };
  const missing = Object.entries(want).filter(([name, version]) => installed(name) !== version);
  const ownIsNew = Number(process.versions.node.split(".")[0]) >= 22;
  const needed = missing.filter(([name]) => !(ownIsNew && name === NODE_PACKAGE));
  if (needed.length > 0) {
    fs.mkdirSync(CACHE, { recursive: true });
    const result = spawnSync(
      "npm",
      [
        "install",
        "--prefix",
        CACHE,
        "--no-save",
        "--no-package-lock",
        "--no-audit",
        "--no-fund",
        "--engine-strict=false",
        ...needed.map(([name, version]) => `${name}@${version}`),
      ],
      { encoding: "utf8", timeout: 300_000, env: { ...process.env, NODE_OPTIONS: "" } },
    );
    if (result.status !== 0) {
      throw new Error(
        `could not install ${needed.map(([n]) => n).join(", ")} from the npm registry:\n${result.stderr}`,
      );
    }
  }
  const binary = path.join(
    CACHE,
    "node_modules",
    NODE_PACKAGE,
    "bin",
    process.platform === "win32" ? "node.exe" : "node",
  );
  return {
    node: ownIsNew ? process.execPath : binary,
    cli: path.join(CACHE, "node_modules", "@modelcontextprotocol", "conformance", "dist", "index.js"),
  };
}

let proxy: http.Server;
let proxyUrl: string;
let apiKey: string;

beforeAll(async () => {
  const { baseUrl } = suiteServer();
  const user = await signUpOverHttp(baseUrl, "conformance");
  apiKey = user.apiKey;
  const saved = await callJson(baseUrl, "/api/workflows", {
    method: "POST",
    apiKey,
    body: {
      name: "Echo tool",
      description: "Answers with what it received",
      ...graph(
        [node("start", "start"), node("answer", "model", { provider: "local", model: "echo" }), node("end", "end")],
        [edge("start", "answer"), edge("answer", "end")],
      ),
    },
  });
  expect(saved.status, saved.text).toBe(201);
  const offered = await callJson(baseUrl, `/api/workflows/${saved.json.workflow.id}/mcp-tool`, {
    method: "PUT",
    apiKey,
    body: { offered: true },
  });
  expect(offered.status, offered.text).toBe(200);

  const target = new URL(baseUrl);
  proxy = http.createServer((req, res) => {
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, authorization: `Bearer ${apiKey}` },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    res.on("close", () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/api/mcp`;
}, 120_000);

afterAll(async () => {
  proxy?.closeAllConnections();
  await new Promise((resolve) => proxy?.close(resolve));
});

interface Check {
  id: string;
  status: string;
  errorMessage?: string;
}

describe("@modelcontextprotocol/conformance server scenarios", () => {
  it("passes every scenario for what /api/mcp offers; the rest fail only for their listed reason", async () => {
    const { node: nodeBinary, cli } = toolchain();
    expect(spawnSync(nodeBinary, ["--version"], { encoding: "utf8" }).stdout.trim(), "a Node ≥ 22 for the CLI").toMatch(
      /^v(2[2-9]|[3-9]\d)\./,
    );
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-conformance-"));
    try {
      const run = spawn(
        nodeBinary,
        [cli, "server", "--url", proxyUrl, "--expected-failures", BASELINE, "--output-dir", out],
        { env: { ...process.env, NODE_OPTIONS: "" }, stdio: ["ignore", "pipe", "pipe"] },
      );
      let output = "";
      run.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      run.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => run.once("exit", resolve));
      const summary = output.slice(output.indexOf("=== SUMMARY ==="));
      console.log(`conformance (${CONFORMANCE}, Node ${spawnSync(nodeBinary, ["--version"]).stdout}):\n${summary}`);

      // Each scenario's checks, by scenario (folders are "server-<scenario>-<timestamp>").
      const results = new Map<string, Check[]>();
      for (const folder of fs.readdirSync(out)) {
        const scenario = folder.replace(/^server-/, "").replace(/-\d{4}-\d{2}-\d{2}T.*$/, "");
        results.set(scenario, JSON.parse(fs.readFileSync(path.join(out, folder, "checks.json"), "utf8")) as Check[]);
      }
      for (const scenario of EXPECTED_PASSES) {
        const checks = results.get(scenario);
        expect(checks?.length, `${scenario} ran`).toBeGreaterThan(0);
        for (const check of checks ?? []) expect(check, scenario).toMatchObject({ status: "SUCCESS" });
      }
      const listed = fs
        .readFileSync(BASELINE, "utf8")
        .split("\n")
        .map((line) => /^\s+-\s+([a-z0-9-]+)/.exec(line)?.[1])
        .filter((name): name is string => !!name);
      for (const scenario of listed) {
        const failed = (results.get(scenario) ?? []).filter((check) => check.status !== "SUCCESS");
        expect(failed.length, `${scenario} fails`).toBeGreaterThan(0);
        for (const check of failed) {
          const reason = /^(resources|prompts|completion|logging)-|with-logging$/.test(scenario)
            ? NOT_OFFERED
            : FIXTURE_TOOL;
          expect(check.errorMessage, `${scenario}: ${check.id}`).toMatch(reason);
        }
      }
      // Every scenario the CLI ran is accounted for: passing, or listed with its reason.
      expect([...results.keys()].filter((s) => !EXPECTED_PASSES.includes(s) && !listed.includes(s))).toEqual([]);
      expect(code, output.slice(-4_000)).toBe(0);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 600_000);
});
