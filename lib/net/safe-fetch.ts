/**
 * The guarded HTTP client for everything a workflow fetches (the http_get tool, the http node).
 * A workflow author controls the URL, so without a guard a run could read cloud metadata or internal
 * services. The guard:
 * - resolves the host itself and refuses loopback, private, link-local, CGNAT, multicast, unspecified,
 *   reserved and cloud-metadata addresses (IPv4-mapped/NAT64/6to4 IPv6 forms are unwrapped first);
 * - connects to the very address it checked (a pinned DNS lookup), so DNS rebinding has no window;
 * - follows redirects by hand and re-checks every hop;
 * - caps time (whole exchange) and size (counted while reading, not trusted from Content-Length).
 * `LATTICE_HTTP_ALLOWLIST` (hostnames, `*.suffix` wildcards, IPs or CIDRs) opens chosen internal hosts.
 */
import "server-only";
import { lookup as dnsLookup } from "node:dns/promises";
import type { LookupAddress } from "node:dns";
import ipaddr from "ipaddr.js";
import { Agent, request } from "undici";
import { AppError } from "@/lib/errors";
import { env } from "@/lib/env";
import { splitAllowListEntry } from "@/lib/validation/network-targets";
import { abortable } from "@/lib/abortable";

export const SAFE_FETCH_DEFAULTS = {
  maxBytes: 2 * 1024 * 1024,
  timeoutMs: 10_000,
  maxRedirects: 5,
} as const;

/** Resolves a hostname to all its addresses (tests inject one to simulate DNS answers). */
export type HostLookup = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export interface SafeFetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  maxBytes?: number;
  timeoutMs?: number;
  maxRedirects?: number;
  /**
   * Headers meant for the first URL's origin only: dropped, like authorization and cookie always are, when
   * a redirect leads to another origin (a key the author gave one site).
   */
  originBoundHeaders?: string[];
  /** Extra allow-list entries on top of LATTICE_HTTP_ALLOWLIST (same syntax). */
  allowList?: string[];
  lookup?: HostLookup;
}

export interface SafeFetchResponse {
  status: number;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
  /** The final URL, after redirects. */
  url: string;
}

/** Addresses that are forbidden whatever ipaddr.js calls their range (cloud metadata endpoints). */
const METADATA_ADDRESSES = new Set([
  "169.254.169.254",
  "169.254.170.2",
  "100.100.100.200",
  "192.0.0.192",
  "fd00:ec2::254",
]);

interface AddressVerdict {
  /** Why the address is forbidden (a range name such as "loopback"); undefined when it is public. */
  reason?: string;
  /** The IPv4 address an IPv6 form (mapped, NAT64, 6to4) really reaches. */
  embeddedIPv4?: string;
}

function classifyAddress(ip: string): AddressVerdict {
  const bare = ip.startsWith("[") && ip.endsWith("]") ? ip.slice(1, -1) : ip;
  // A zone id ("fe80::1%eth0") only happens on link-local addresses.
  if (bare.includes("%")) return { reason: "linkLocal" };
  if (!ipaddr.isValid(bare)) return { reason: "invalid" };
  const addr = ipaddr.parse(bare);
  let v4: ipaddr.IPv4;
  let embeddedIPv4: string | undefined;
  if (addr.kind() === "ipv6") {
    const v6 = addr as ipaddr.IPv6;
    const range = v6.range();
    const parts = v6.parts;
    // IPv6 forms that carry an IPv4 address reach that IPv4 host: judge the embedded address.
    if (range === "ipv4Mapped" || range === "rfc6145" || range === "rfc6052") {
      v4 = new ipaddr.IPv4([parts[6]! >> 8, parts[6]! & 0xff, parts[7]! >> 8, parts[7]! & 0xff]);
    } else if (range === "6to4") {
      v4 = new ipaddr.IPv4([parts[1]! >> 8, parts[1]! & 0xff, parts[2]! >> 8, parts[2]! & 0xff]);
    } else {
      if (METADATA_ADDRESSES.has(v6.toString())) return { reason: "cloudMetadata" };
      // ::/16 holds the unspecified and loopback addresses and the deprecated IPv4-compatible form (::a.b.c.d).
      if (parts[0] === 0) return { reason: range === "unicast" ? "reserved" : range };
      return range === "unicast" ? {} : { reason: range };
    }
    embeddedIPv4 = v4.toString();
  } else {
    v4 = addr as ipaddr.IPv4;
  }
  if (METADATA_ADDRESSES.has(v4.toString()))
    return { reason: "cloudMetadata", ...(embeddedIPv4 ? { embeddedIPv4 } : {}) };
  const range = v4.range();
  return { ...(range === "unicast" ? {} : { reason: range }), ...(embeddedIPv4 ? { embeddedIPv4 } : {}) };
}

/** Why an address is forbidden (a range name such as "loopback"), or undefined when it is public. */
export function forbiddenAddressReason(ip: string): string | undefined {
  return classifyAddress(ip).reason;
}

/** True when a fetch must not connect to `ip` (loopback, private, link-local, CGNAT, multicast, metadata…). */
export function isForbiddenAddress(ip: string): boolean {
  return forbiddenAddressReason(ip) !== undefined;
}

const REASON_LABELS: Record<string, string> = {
  loopback: "a loopback address",
  private: "a private-network address",
  linkLocal: "a link-local address",
  carrierGradeNat: "a carrier-grade NAT address",
  multicast: "a multicast address",
  unspecified: "the unspecified address",
  broadcast: "the broadcast address",
  uniqueLocal: "a unique-local (private) IPv6 address",
  cloudMetadata: "a cloud metadata endpoint",
  invalid: "not a valid address",
};

/** An allow-list entry may name a port (`host:port`, `[v6]:port`, `1.2.3.4:port`): then only that port. */
interface AllowList {
  hosts: Array<{ host: string; port?: string }>;
  suffixes: Array<{ suffix: string; port?: string }>;
  ranges: Array<{ range: [ipaddr.IPv4 | ipaddr.IPv6, number]; port?: string }>;
}

export function parseAllowList(entries: string[]): AllowList {
  const list: AllowList = { hosts: [], suffixes: [], ranges: [] };
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry.includes("/")) {
      try {
        const [net, bits] = ipaddr.parseCIDR(entry);
        list.ranges.push({ range: [net, bits] });
      } catch {
        throw new AppError("bad_request:http_allowlist", `LATTICE_HTTP_ALLOWLIST entry "${raw}" is not a valid CIDR.`);
      }
      continue;
    }
    const [bracketed, port] = splitAllowListEntry(entry);
    const host = bracketed.replace(/^\[|\]$/g, "");
    if (port !== undefined && !/^\d{1,5}$/.test(port)) {
      throw new AppError("bad_request:http_allowlist", `LATTICE_HTTP_ALLOWLIST entry "${raw}" has an invalid port.`);
    }
    const portOf = port !== undefined ? { port } : {};
    if (ipaddr.isValid(host)) {
      const ip = ipaddr.parse(host);
      list.ranges.push({ range: [ip, ip.kind() === "ipv4" ? 32 : 128], ...portOf });
    } else if (host.startsWith("*.")) {
      list.suffixes.push({ suffix: host.slice(1), ...portOf });
    } else {
      list.hosts.push({ host, ...portOf });
    }
  }
  return list;
}

/** An entry without a port allows every port; one with a port only that one (the URL's, "" for the default). */
const portMatches = (entry: { port?: string }, port: string) => entry.port === undefined || entry.port === port;

function hostAllowed(list: AllowList, hostname: string, port: string): boolean {
  const host = hostname.toLowerCase();
  return (
    list.hosts.some((e) => e.host === host && portMatches(e, port)) ||
    list.suffixes.some((e) => host.endsWith(e.suffix) && portMatches(e, port))
  );
}

function addressAllowed(list: AllowList, address: string, port: string): boolean {
  const ip = ipaddr.process(address);
  return list.ranges.some(({ range: [net, bits], ...entry }) => {
    const candidate = net.kind() === ip.kind() ? ip : undefined;
    return !!candidate?.match([net, bits] as [typeof candidate, number]) && portMatches(entry, port);
  });
}

const systemLookup: HostLookup = async (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** Resolves a URL's host and returns the address to connect to, or throws `forbidden:http_target`. */
async function resolveTarget(
  url: URL,
  list: AllowList,
  lookup: HostLookup,
  signal: AbortSignal,
): Promise<LookupAddress> {
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  const literal = ipaddr.isValid(hostname);
  let addresses: LookupAddress[];
  if (literal) {
    addresses = [{ address: hostname, family: ipaddr.parse(hostname).kind() === "ipv4" ? 4 : 6 }];
  } else {
    try {
      addresses = await abortable(lookup(hostname), signal);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw new AppError("bad_request:http_target", `Cannot resolve host "${hostname}".`, { cause: error });
    }
    if (addresses.length === 0) throw new AppError("bad_request:http_target", `Host "${hostname}" has no address.`);
  }
  if (!literal && hostAllowed(list, hostname, url.port)) return addresses[0]!;
  // Every address must pass: connecting picks one, and a name that also points inside is not trusted.
  for (const { address } of addresses) {
    const { reason, embeddedIPv4 } = classifyAddress(address);
    if (reason && !addressAllowed(list, address, url.port)) {
      const shown = embeddedIPv4 ? `${address} (IPv4 ${embeddedIPv4})` : address;
      const what = literal ? shown : `"${hostname}" resolves to ${shown}, which`;
      throw new AppError(
        "forbidden:http_target",
        `Refusing to fetch ${url.origin}: ${what} is ${REASON_LABELS[reason] ?? `a ${reason} address`}. ` +
          "Add the host to LATTICE_HTTP_ALLOWLIST to allow it.",
      );
    }
  }
  return addresses[0]!;
}

/**
 * An undici dispatcher whose DNS lookup always answers with the already-checked address (`connections` > 1
 * keeps sockets alive for a client that sends many requests, an MCP session's).
 */
export function pinnedAgent(target: LookupAddress, connections = 1): Agent {
  const lookup = (
    _hostname: string,
    options: { all?: boolean },
    callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    if (options?.all) callback(null, [target]);
    else callback(null, target.address, target.family);
  };
  return new Agent({
    connect: { lookup } as Record<string, unknown>,
    connections,
    ...(connections === 1 ? { pipelining: 0 } : {}),
  });
}

function parseUrl(raw: string, base?: string): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new AppError("bad_request:http_url", `"${raw}" is not a valid URL.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new AppError("bad_request:http_url", `Only http and https URLs can be fetched, not ${url.protocol}`);
  }
  return url;
}

function charsetOf(contentType: string | undefined): string {
  const match = /charset=("?)([\w.:-]+)\1/i.exec(contentType ?? "");
  const label = match?.[2]?.toLowerCase() ?? "utf-8";
  try {
    new TextDecoder(label);
    return label;
  } catch {
    return "utf-8";
  }
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

export async function safeFetch(rawUrl: string, init: SafeFetchInit = {}): Promise<SafeFetchResponse> {
  const maxBytes = init.maxBytes ?? SAFE_FETCH_DEFAULTS.maxBytes;
  const timeoutMs = init.timeoutMs ?? SAFE_FETCH_DEFAULTS.timeoutMs;
  const maxRedirects = init.maxRedirects ?? SAFE_FETCH_DEFAULTS.maxRedirects;
  const list = parseAllowList([...(env().LATTICE_HTTP_ALLOWLIST?.split(",") ?? []), ...(init.allowList ?? [])]);
  const lookup = init.lookup ?? systemLookup;

  init.signal?.throwIfAborted();
  const timeout = new AbortController();
  const timer = setTimeout(
    () =>
      timeout.abort(
        new AppError("unavailable:http_timeout", `The request to ${rawUrl} took longer than ${timeoutMs} ms.`),
      ),
    timeoutMs,
  );
  const signal = init.signal ? AbortSignal.any([init.signal, timeout.signal]) : timeout.signal;

  let url = parseUrl(rawUrl);
  let method = (init.method ?? "GET").toUpperCase();
  let body = init.body;
  const headers: Record<string, string> = {
    "user-agent": "Lattice (+workflow http)",
    // Uncompressed bodies only: the size cap counts real bytes, and no decompression bomb gets in.
    "accept-encoding": "identity",
    ...Object.fromEntries(Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
  };

  try {
    for (let hop = 0; ; hop++) {
      const target = await resolveTarget(url, list, lookup, signal);
      signal.throwIfAborted();
      const agent = pinnedAgent(target);
      try {
        const response = await request(url, {
          method: method as "GET",
          headers,
          ...(body !== undefined ? { body } : {}),
          dispatcher: agent,
          signal,
        });
        const responseHeaders = flattenHeaders(response.headers);
        const location = responseHeaders.location;
        if (response.statusCode >= 300 && response.statusCode < 400 && location) {
          await response.body.dump();
          if (hop >= maxRedirects) {
            throw new AppError(
              "bad_request:http_redirects",
              `Too many redirects (more than ${maxRedirects}) from ${rawUrl}.`,
            );
          }
          const next = parseUrl(location, url.toString());
          // 303, and 301/302 after a POST, turn into GET as browsers do; 307/308 keep method and body.
          if (
            response.statusCode === 303 ||
            ((response.statusCode === 301 || response.statusCode === 302) && method === "POST")
          ) {
            method = "GET";
            body = undefined;
            delete headers["content-type"];
            delete headers["content-length"];
          }
          // Credentials meant for one origin never follow a redirect to another.
          if (next.origin !== url.origin) {
            delete headers.authorization;
            delete headers.cookie;
            for (const name of init.originBoundHeaders ?? []) delete headers[name.toLowerCase()];
          }
          url = next;
          continue;
        }

        const declared = Number(responseHeaders["content-length"]);
        if (Number.isFinite(declared) && declared > maxBytes) {
          discard(response.body);
          throw tooLarge(url, maxBytes);
        }
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of response.body as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > maxBytes) {
            discard(response.body);
            throw tooLarge(url, maxBytes);
          }
          chunks.push(chunk);
        }
        const text = new TextDecoder(charsetOf(responseHeaders["content-type"])).decode(Buffer.concat(chunks));
        return { status: response.statusCode, headers: responseHeaders, body: text, url: url.toString() };
      } finally {
        // The body is read (or abandoned): nothing on this one-request agent is worth waiting for.
        void agent.destroy().catch(() => {});
      }
    }
  } catch (error) {
    if (init.signal?.aborted) throw init.signal.reason;
    if (timeout.signal.aborted) throw timeout.signal.reason;
    if (error instanceof AppError) throw error;
    throw new AppError(
      "unavailable:http_request",
      `The request to ${url.origin} failed: ${describeNetworkError(error)}`,
      {
        cause: error,
      },
    );
  } finally {
    clearTimeout(timer);
  }
}

/** Drops a body we will not read; undici reports the destroy as an error event, which nobody needs. */
function discard(body: { on(event: "error", listener: () => void): unknown; destroy(): unknown }): void {
  body.on("error", () => {});
  body.destroy();
}

function tooLarge(url: URL, maxBytes: number): AppError {
  return new AppError(
    "payload_too_large:http_response",
    `The response from ${url.origin} is larger than ${maxBytes} bytes.`,
  );
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const code = (error as { code?: string })?.code ?? cause?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${code} (${message})` : message;
}

/**
 * Checks a URL the server will send requests to on a user's behalf without fetching it (a model credential's
 * base URL, which the provider clients connect to): http(s), and a host that passes the same guard as
 * `safeFetch` with LATTICE_HTTP_ALLOWLIST. Throws the guard's AppError.
 */
export async function checkOutboundUrl(
  rawUrl: string,
  {
    lookup = systemLookup,
    timeoutMs = SAFE_FETCH_DEFAULTS.timeoutMs,
  }: { lookup?: HostLookup; timeoutMs?: number } = {},
): Promise<void> {
  const url = parseUrl(rawUrl);
  const list = parseAllowList(env().LATTICE_HTTP_ALLOWLIST?.split(",") ?? []);
  await resolveTarget(url, list, lookup, AbortSignal.timeout(timeoutMs));
}
