/**
 * SSRF: the http node and the http_get tool refuse loopback, private, link-local, carrier-grade NAT,
 * unique-local and cloud metadata targets — as IP literals in every spelling, through DNS names, and
 * through redirects from an allowed host — and the internal server they aim at receives nothing.
 * The suite server allows one host, 127.0.0.2 (LATTICE_HTTP_ALLOWLIST), which serves the positive control and
 * the redirects.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callJson, readSse, request, signUpOverHttp, type HttpUser } from "../helpers/http-client";
import { edge, graph, node, suiteServer } from "./lib/suite";

const { baseUrl } = suiteServer();
let user: HttpUser;
let secret: http.Server;
let secretPort = 0;
let secretHits = 0;
let allowed: http.Server;
let allowedPort = 0;
let allowedHits = 0;

function listen(server: http.Server, host: string): Promise<number> {
  return new Promise((resolve) => server.listen(0, host, () => resolve((server.address() as AddressInfo).port)));
}

beforeAll(async () => {
  user = await signUpOverHttp(baseUrl, "ssrf");
  secret = http.createServer((_req, res) => {
    secretHits += 1;
    res.end("internal secret");
  });
  secretPort = await listen(secret, "127.0.0.1");
  allowed = http.createServer((req, res) => {
    allowedHits += 1;
    const to = new URL(req.url ?? "/", "http://x").searchParams.get("to");
    if (to) res.writeHead(302, { location: to }).end();
    else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
  });
  allowedPort = await listen(allowed, "127.0.0.2");
});

afterAll(async () => {
  await new Promise((r) => secret?.close(r));
  await new Promise((r) => allowed?.close(r));
});

/** start → http (GET url, rendered from the input so the validator cannot see it) → end. */
const httpGraph = (url: string) =>
  graph(
    [node("start", "start"), node("fetch", "http", { method: "GET", url, responseType: "text" }), node("end", "end")],
    [edge("start", "fetch"), edge("fetch", "end")],
  );

/** start → tools (a scripted model that calls http_get on `url`, then answers) → end. */
const toolGraph = (url: string) =>
  graph(
    [
      node("start", "start"),
      node("agent", "tools", {
        provider: "local",
        model: "scripted",
        tools: ["http_get"],
        maxToolCalls: 2,
        script: [`http_get(${JSON.stringify({ url })})`, "done"],
      }),
      node("end", "end"),
    ],
    [edge("start", "agent"), edge("agent", "end")],
  );

async function run(definition: ReturnType<typeof graph>, message = "") {
  const r = await callJson(baseUrl, "/api/executions", {
    method: "POST",
    apiKey: user.apiKey,
    body: { type: "CUSTOM", definition, input: { message } },
  });
  expect(r.status, r.text).toBeLessThan(500);
  return r;
}

/** What the http_get tool answered, from the run's tool_call events (a tool error is the model's to read, not the run's). */
async function toolAnswer(url: string): Promise<string> {
  const response = await request(baseUrl, "/api/executions", {
    method: "POST",
    apiKey: user.apiKey,
    headers: { accept: "text/event-stream" },
    body: { type: "CUSTOM", definition: toolGraph(url), input: { message: "" } },
  });
  expect(response.status).toBe(200);
  const events = await readSse(response);
  const calls = events.filter((m) => m.event === "tool_call" && m.data.data.name === "http_get");
  expect(calls.length, `${url}: no http_get call`).toBeGreaterThan(0);
  return JSON.stringify(calls.map((m) => ({ result: m.data.data.result, error: m.data.data.error })));
}

/** The run-time guard's words (lib/net/safe-fetch.ts): refused before connecting, for this reason. */
const REFUSAL =
  /Refusing to fetch .{0,300}? is (?:a loopback|a private-network|a link-local|a carrier-grade NAT|a unique-local|a cloud metadata|the unspecified)/;
/** The validator's words, for a target written into the node (checked again at run time by the guard). */
const VALIDATOR_REFUSAL = /are refused|contains credentials/;

const secretUrls = () => [
  `http://127.0.0.1:${secretPort}/secret`,
  `http://localhost:${secretPort}/secret`,
  `http://127.1:${secretPort}/secret`,
  `http://2130706433:${secretPort}/secret`,
  `http://0x7f000001:${secretPort}/secret`,
  `http://0177.0.0.1:${secretPort}/secret`,
  `http://0.0.0.0:${secretPort}/secret`,
  `http://[::1]:${secretPort}/secret`,
  `http://[::ffff:127.0.0.1]:${secretPort}/secret`,
  `http://user:pass@127.0.0.1:${secretPort}/secret`,
];
const unreachableUrls = [
  "http://10.0.0.1/",
  "http://172.16.0.1/",
  "http://192.168.1.1/",
  "http://100.64.0.1/",
  "http://169.254.169.254/latest/meta-data/",
  "http://[fe80::1]/",
  "http://[fd00::1]/",
  "http://[fd00:ec2::254]/latest/meta-data/",
];

describe("SSRF guard", () => {
  it("the positive control: the allowed host is reachable through the http node and the tool", async () => {
    const viaNode = await run(httpGraph("{{input.message}}"), `http://127.0.0.2:${allowedPort}/ok`);
    expect(viaNode.json.status, viaNode.text).toBe("completed");
    const viaTool = await toolAnswer(`http://127.0.0.2:${allowedPort}/ok`);
    expect(viaTool).toMatch(/ok\W{0,8}true/);
    expect(allowedHits).toBeGreaterThanOrEqual(2);
  });

  it("the http node refuses internal targets, literal or named, and the internal server sees nothing", async () => {
    for (const url of [...secretUrls(), ...unreachableUrls]) {
      // Through the input (checked when fetched) and written into the node (checked by the validator too).
      for (const [definition, message, words] of [
        [httpGraph("{{input.message}}"), url, REFUSAL],
        [httpGraph(url), "", VALIDATOR_REFUSAL],
      ] as const) {
        const r = await run(definition, message);
        const text = JSON.stringify(r.json);
        expect(r.json.status === "completed", `${url}: ${text.slice(0, 300)}`).toBe(false);
        expect(text, `${url}: ${text.slice(0, 400)}`).toMatch(words);
      }
    }
    expect(secretHits).toBe(0);
  });

  it("the http_get tool refuses the same targets", async () => {
    for (const url of [...secretUrls(), ...unreachableUrls]) {
      const text = await toolAnswer(url);
      expect(text, `${url}: ${text.slice(0, 300)}`).toMatch(REFUSAL);
      expect(text).not.toContain("internal secret");
    }
    expect(secretHits).toBe(0);
  });

  it("a redirect from an allowed host to an internal one is refused", async () => {
    const before = allowedHits;
    const targets = [
      `http://127.0.0.1:${secretPort}/secret`,
      `http://localhost:${secretPort}/secret`,
      "http://169.254.169.254/latest/meta-data/",
      `http://[::1]:${secretPort}/`,
    ];
    for (const to of targets) {
      const redirector = `http://127.0.0.2:${allowedPort}/go?to=${encodeURIComponent(to)}`;
      const viaNode = await run(httpGraph("{{input.message}}"), redirector);
      expect(JSON.stringify(viaNode.json), `${to}: ${JSON.stringify(viaNode.json).slice(0, 1500)}`).toMatch(REFUSAL);
      expect(viaNode.json.status).not.toBe("completed");
      const viaTool = await toolAnswer(redirector);
      expect(viaTool, to).toMatch(REFUSAL);
    }
    // The allowed host was asked (so the redirect, not the first hop, was refused); the internal one never.
    expect(allowedHits - before).toBe(targets.length * 2);
    expect(secretHits).toBe(0);
  });
});
