/**
 * Which outbound HTTP targets are refused: loopback, private, link-local (cloud metadata lives at
 * 169.254.169.254), unique-local, carrier-grade NAT, multicast, reserved and every other non-public range,
 * plus names that always mean "this machine" or "the metadata service". The validator applies it to URLs
 * written literally in a workflow; the run-time guard applies it again to the addresses DNS returns, since a
 * public-looking name may resolve to a private address. Client-safe (ipaddr.js is plain JS).
 */
import ipaddr from "ipaddr.js";

const FORBIDDEN_HOSTNAMES = new Set(["localhost", "metadata", "metadata.google.internal", "instance-data"]);
const FORBIDDEN_SUFFIXES = [".localhost", ".internal"];

/** Why an IP address is refused (its range name), or null when it is a public unicast address. */
export function forbiddenAddressRange(address: string): string | null {
  const bare = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  if (!ipaddr.isValid(bare)) return null;
  try {
    // process() turns IPv4-mapped IPv6 (::ffff:127.0.0.1) into the IPv4 address it carries.
    const range = ipaddr.process(bare).range();
    return range === "unicast" ? null : range;
  } catch {
    return "invalid";
  }
}

export function isIpAddress(host: string): boolean {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  return ipaddr.isValid(bare);
}

/** True when `hostname` matches an allow-list entry: "api.example.com", "*.example.com" or "host:port". */
export function isAllowListed(hostname: string, port: string, allowList: readonly string[]): boolean {
  const host = hostname.toLowerCase();
  return allowList.some((raw) => {
    const entry = raw.trim().toLowerCase();
    if (!entry) return false;
    const [entryHost = "", entryPort] = splitAllowListEntry(entry);
    if (entryPort !== undefined && entryPort !== port) return false;
    if (entryHost.startsWith("*.")) return host.endsWith(entryHost.slice(1));
    return host === entryHost;
  });
}

/**
 * An allow-list entry's host and port: `host:port`, `[v6]:port` (the host keeps its brackets, as
 * `URL.hostname` does), or no port — a bare IPv6 address (several colons) has one only when bracketed.
 */
export function splitAllowListEntry(entry: string): [string, string | undefined] {
  return entry.startsWith("[") ? splitBracketed(entry) : splitPort(entry);
}

function splitPort(entry: string): [string, string | undefined] {
  const colon = entry.lastIndexOf(":");
  if (colon === -1 || entry.indexOf(":") !== colon) return [entry, undefined];
  return [entry.slice(0, colon), entry.slice(colon + 1)];
}

function splitBracketed(entry: string): [string, string | undefined] {
  const close = entry.indexOf("]");
  const port = entry.slice(close + 1).startsWith(":") ? entry.slice(close + 2) : undefined;
  return [entry.slice(0, close + 1), port];
}

export type UrlTargetVerdict =
  | { kind: "allowed" }
  /** The host is computed at run time ({{template}}): only the run-time guard can judge it. */
  | { kind: "dynamic" }
  | { kind: "invalid"; reason: string }
  | { kind: "forbidden"; host: string; reason: string };

/** Judges a URL as written in a workflow, before any DNS lookup. */
export function checkUrlTarget(url: string, allowList: readonly string[] = []): UrlTargetVerdict {
  const trimmed = url.trim();
  const templateAt = trimmed.indexOf("{{");
  const authority = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(trimmed);
  // A placeholder in the scheme or host hides the target; one in the path or query does not.
  if (templateAt !== -1 && (!authority || templateAt < authority[0].length)) return { kind: "dynamic" };
  let parsed: URL;
  try {
    parsed = new URL(trimmed.replace(/\{\{[^}]*\}\}/g, "x"));
  } catch {
    return { kind: "invalid", reason: "is not a valid URL" };
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return {
      kind: "invalid",
      reason: `uses ${parsed.protocol.replace(/:$/, "")}, but only http and https are allowed`,
    };
  }
  if (parsed.username || parsed.password) {
    return { kind: "invalid", reason: "contains credentials; send them in a header instead" };
  }
  // WHATWG URL has already normalised numeric IPv4 forms (0x7f.1, 2130706433) to dotted quads.
  const hostname = parsed.hostname.replace(/\.+$/, "").toLowerCase();
  if (isAllowListed(hostname, parsed.port, allowList)) return { kind: "allowed" };
  if (isIpAddress(hostname)) {
    const range = forbiddenAddressRange(hostname);
    if (range) return { kind: "forbidden", host: hostname, reason: `a ${describeRange(range)} address` };
    return { kind: "allowed" };
  }
  if (FORBIDDEN_HOSTNAMES.has(hostname) || FORBIDDEN_SUFFIXES.some((suffix) => hostname.endsWith(suffix))) {
    return { kind: "forbidden", host: hostname, reason: "a name for this machine or an internal service" };
  }
  return { kind: "allowed" };
}

function describeRange(range: string): string {
  const names: Record<string, string> = {
    loopback: "loopback",
    private: "private-network",
    linkLocal: "link-local (cloud metadata)",
    uniqueLocal: "private-network (unique local)",
    unspecified: "unspecified",
    carrierGradeNat: "carrier-grade NAT",
    multicast: "multicast",
    broadcast: "broadcast",
    reserved: "reserved",
  };
  return names[range] ?? `non-public (${range})`;
}
