import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import { resetEnvCache } from "@/lib/env";
import { isForbiddenAddress, safeFetch, type HostLookup } from "@/lib/net/safe-fetch";

/** A local server standing in for "the internet" (reachable only when a test allow-lists it). */
let server: http.Server;
let port: number;
const hits: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(req.url ?? "");
    const url = new URL(req.url ?? "/", "http://x");
    switch (url.pathname) {
      case "/hello":
        res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end("hello from the test server");
        return;
      case "/to-final":
        res.writeHead(302, { location: "/final" }).end();
        return;
      case "/final":
        res.writeHead(200).end("final");
        return;
      case "/to-loopback":
        res.writeHead(302, { location: `http://127.0.0.1:${port}/secret` }).end();
        return;
      case "/to-localhost":
        res.writeHead(301, { location: `http://localhost:${port}/secret` }).end();
        return;
      case "/to-metadata":
        res.writeHead(307, { location: "http://169.254.169.254/latest/meta-data/" }).end();
        return;
      case "/loop":
        res.writeHead(302, { location: "/loop" }).end();
        return;
      case "/secret":
        res.writeHead(200).end("internal secret");
        return;
      case "/big":
        res.writeHead(200, { "content-length": "10000" }).end("x".repeat(10_000));
        return;
      case "/big-chunked":
        res.writeHead(200);
        for (let i = 0; i < 10; i++) res.write("y".repeat(1000));
        res.end();
        return;
      case "/slow":
        setTimeout(() => res.writeHead(200).end("late"), 3000).unref();
        return;
      default:
        res.writeHead(404).end("no");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Fake DNS: names under .test resolve where the test says; lookups are counted. */
function fakeDns(table: Record<string, string[]>) {
  const calls: string[] = [];
  const lookup: HostLookup = async (hostname) => {
    calls.push(hostname);
    const answers = table[hostname];
    if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return answers.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return { lookup, calls };
}

async function expectRefused(promise: Promise<unknown>, address: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isAppError(error), `expected an AppError, got ${String(error)}`).toBe(true);
  expect((error as { code: string }).code).toBe("forbidden:http_target");
  expect((error as Error).message).toContain(address);
}

describe("isForbiddenAddress", () => {
  it.each([
    "127.0.0.1",
    "127.1.2.3",
    "::1",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "100.100.100.200",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::",
    "::127.0.0.1",
    "fd00::1",
    "fd00:ec2::254",
    "fe80::1",
    "fe80::1%eth0",
    "ff02::1",
    "64:ff9b::7f00:1",
    "2002:7f00:1::1",
    "not-an-ip",
  ])("refuses %s", (ip) => {
    expect(isForbiddenAddress(ip)).toBe(true);
  });

  it.each(["8.8.8.8", "93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"])(
    "allows public %s",
    (ip) => {
      expect(isForbiddenAddress(ip)).toBe(false);
    },
  );
});

describe("safeFetch", () => {
  it.each([
    ["http://127.0.0.1:PORT/secret", "127.0.0.1"],
    ["http://[::1]:PORT/secret", "::1"],
    ["http://10.0.0.1/", "10.0.0.1"],
    ["http://169.254.169.254/latest/meta-data/", "169.254.169.254"],
    ["http://[::ffff:127.0.0.1]:PORT/secret", "127.0.0.1"],
    ["http://0.0.0.0:PORT/secret", "0.0.0.0"],
    ["http://2130706433:PORT/secret", "127.0.0.1"],
    ["http://localhost:PORT/secret", "localhost"],
  ])("refuses %s before connecting", async (raw, address) => {
    const before = hits.length;
    await expectRefused(safeFetch(raw.replace("PORT", String(port))), address);
    expect(hits.length).toBe(before);
  });

  it("refuses a DNS name that resolves to loopback, naming the address", async () => {
    const dns = fakeDns({ "evil.test": ["93.184.216.34", "127.0.0.1"] });
    await expectRefused(safeFetch(`http://evil.test:${port}/secret`, { lookup: dns.lookup }), "127.0.0.1");
    expect(dns.calls).toEqual(["evil.test"]);
  });

  it("connects to the address it checked (no second DNS lookup) for an allow-listed host", async () => {
    // "wire.test" exists only in the fake DNS: if anything resolved it again, the request would fail.
    const dns = fakeDns({ "wire.test": ["127.0.0.1"] });
    const res = await safeFetch(`http://wire.test:${port}/hello`, { lookup: dns.lookup, allowList: ["wire.test"] });
    expect(res).toMatchObject({
      status: 200,
      body: "hello from the test server",
      url: `http://wire.test:${port}/hello`,
    });
    expect(res.headers["content-type"]).toContain("text/plain");
    expect(dns.calls).toEqual(["wire.test"]);
  });

  it("follows a redirect within the allowed host and re-checks each hop", async () => {
    const dns = fakeDns({ "wire.test": ["127.0.0.1"] });
    const res = await safeFetch(`http://wire.test:${port}/to-final`, { lookup: dns.lookup, allowList: ["wire.test"] });
    expect(res).toMatchObject({ status: 200, body: "final", url: `http://wire.test:${port}/final` });
    expect(dns.calls).toEqual(["wire.test", "wire.test"]);
  });

  it.each([
    ["/to-loopback", "127.0.0.1"],
    ["/to-localhost", "localhost"],
    ["/to-metadata", "169.254.169.254"],
  ])("refuses a redirect from an allowed server to an internal address (%s)", async (path, address) => {
    const dns = fakeDns({ "wire.test": ["127.0.0.1"], localhost: ["127.0.0.1"] });
    const before = hits.filter((h) => h === "/secret").length;
    await expectRefused(
      safeFetch(`http://wire.test:${port}${path}`, { lookup: dns.lookup, allowList: ["wire.test"] }),
      address,
    );
    expect(hits.filter((h) => h === "/secret").length).toBe(before);
  });

  it("stops after too many redirects", async () => {
    const dns = fakeDns({ "wire.test": ["127.0.0.1"] });
    await expect(
      safeFetch(`http://wire.test:${port}/loop`, { lookup: dns.lookup, allowList: ["wire.test"], maxRedirects: 3 }),
    ).rejects.toMatchObject({ code: "bad_request:http_redirects" });
  });

  it("caps the response size, declared or streamed", async () => {
    const opts = { lookup: fakeDns({ "wire.test": ["127.0.0.1"] }).lookup, allowList: ["wire.test"], maxBytes: 1000 };
    await expect(safeFetch(`http://wire.test:${port}/big`, opts)).rejects.toMatchObject({
      code: "payload_too_large:http_response",
    });
    await expect(safeFetch(`http://wire.test:${port}/big-chunked`, opts)).rejects.toMatchObject({
      code: "payload_too_large:http_response",
    });
    const ok = await safeFetch(`http://wire.test:${port}/big`, { ...opts, maxBytes: 20_000 });
    expect(ok.body.length).toBe(10_000);
  });

  it("caps the time", async () => {
    const started = Date.now();
    await expect(
      safeFetch(`http://wire.test:${port}/slow`, {
        lookup: fakeDns({ "wire.test": ["127.0.0.1"] }).lookup,
        allowList: ["wire.test"],
        timeoutMs: 200,
      }),
    ).rejects.toMatchObject({ code: "unavailable:http_timeout" });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it("caps the time spent waiting for DNS too", async () => {
    const hangingDns: HostLookup = () => new Promise(() => {});
    const started = Date.now();
    await expect(safeFetch("http://stuck.test/", { lookup: hangingDns, timeoutMs: 150 })).rejects.toMatchObject({
      code: "unavailable:http_timeout",
    });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("stops when the caller aborts", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("run cancelled")), 100);
    await expect(
      safeFetch(`http://wire.test:${port}/slow`, {
        lookup: fakeDns({ "wire.test": ["127.0.0.1"] }).lookup,
        allowList: ["wire.test"],
        signal: controller.signal,
      }),
    ).rejects.toThrow("run cancelled");
  });

  it("opens CIDRs listed in LATTICE_HTTP_ALLOWLIST", async () => {
    const previous = process.env.LATTICE_HTTP_ALLOWLIST;
    process.env.LATTICE_HTTP_ALLOWLIST = "example.invalid, 127.0.0.0/8";
    resetEnvCache();
    try {
      const res = await safeFetch(`http://127.0.0.1:${port}/hello`);
      expect(res.body).toBe("hello from the test server");
      // Still closed: other private ranges.
      await expectRefused(safeFetch("http://10.0.0.1/"), "10.0.0.1");
    } finally {
      if (previous === undefined) delete process.env.LATTICE_HTTP_ALLOWLIST;
      else process.env.LATTICE_HTTP_ALLOWLIST = previous;
      resetEnvCache();
    }
  });

  it("honours a port in an allow-list entry, as the validator does: that port only", async () => {
    const dns = fakeDns({ "wire.test": ["127.0.0.1"] });
    const ok = await safeFetch(`http://wire.test:${port}/hello`, {
      lookup: dns.lookup,
      allowList: [`wire.test:${port}`],
    });
    expect(ok.body).toBe("hello from the test server");
    const byAddress = await safeFetch(`http://127.0.0.1:${port}/hello`, { allowList: [`127.0.0.1:${port}`] });
    expect(byAddress.body).toBe("hello from the test server");
    await expectRefused(
      safeFetch(`http://wire.test:${port}/hello`, { lookup: dns.lookup, allowList: [`wire.test:${port + 1}`] }),
      "127.0.0.1",
    );
    await expectRefused(safeFetch(`http://127.0.0.1:${port}/hello`, { allowList: ["127.0.0.1:1"] }), "127.0.0.1");
    await expect(safeFetch("http://example.com/", { allowList: ["example.com:http"] })).rejects.toMatchObject({
      code: "bad_request:http_allowlist",
    });
  });

  it("refuses other schemes and garbage", async () => {
    await expect(safeFetch("file:///etc/passwd")).rejects.toMatchObject({ code: "bad_request:http_url" });
    await expect(safeFetch("not a url")).rejects.toMatchObject({ code: "bad_request:http_url" });
  });
});
