/**
 * The address a request comes from, for the sign-in throttle's per-address limit.
 *
 * - With `LATTICE_TRUST_PROXY` (a proxy is in front): the X-Forwarded-For entry that many hops from its right
 *   end — each proxy appends the address it was called from, so that entry was written by a proxy we trust,
 *   and anything a client put further left is ignored.
 * - Otherwise: the TCP peer's address. Route handlers only see headers, and Next.js fills X-Forwarded-For
 *   from the socket only when the client did not send one (so a client could choose it); instead the server
 *   start installs a hook (`installPeerAddressHook`) that writes the socket's address into a header of our
 *   own on every incoming request, overwriting whatever a client sent under that name.
 * - Neither available (the hook is not installed in this process, e.g. a custom server): null, and the
 *   caller uses one shared bucket.
 *
 * IPv6 addresses are reduced to their /64 (one host usually has a whole /64 to pick addresses from);
 * IPv4-mapped IPv6 addresses are their IPv4 address.
 */
import "server-only";
import diagnosticsChannel from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import ipaddr from "ipaddr.js";
import { env } from "@/lib/env";

/** Set by the server on every request to the TCP peer's address (a client's own value is overwritten). */
export const PEER_ADDRESS_HEADER = "x-lattice-peer-address";

const g = globalThis as typeof globalThis & { __latticePeerAddressHook?: boolean };

function stampPeerAddress(message: unknown): void {
  const { request, socket } = message as { request?: IncomingMessage; socket?: Socket };
  if (!request) return;
  const address = socket?.remoteAddress ?? request.socket?.remoteAddress;
  if (address) request.headers[PEER_ADDRESS_HEADER] = address;
  else delete request.headers[PEER_ADDRESS_HEADER];
}

/**
 * Writes the TCP peer's address into PEER_ADDRESS_HEADER of every request this process's HTTP servers
 * receive, before any handler sees it (Node's `http.server.request.start` diagnostics channel). Idempotent.
 */
export function installPeerAddressHook(): void {
  if (g.__latticePeerAddressHook) return;
  diagnosticsChannel.subscribe("http.server.request.start", stampPeerAddress);
  g.__latticePeerAddressHook = true;
}

/** Whether this process stamps the peer address (tests use it to simulate a server). */
export function peerAddressHookInstalled(): boolean {
  return g.__latticePeerAddressHook === true;
}

/** The bucket an address counts in: IPv4 as is, IPv6 by its /64. Null when it is not an IP address. */
export function normalizeAddress(value: string | null | undefined): string | null {
  if (!value) return null;
  let text = value.trim();
  // "[::1]:1234", "1.2.3.4:5678": proxies sometimes include the port.
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(":"));
  text = text.replace(/%.*$/, ""); // zone index (fe80::1%eth0)
  if (!ipaddr.isValid(text)) return null;
  let address = ipaddr.parse(text);
  if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    address = (address as ipaddr.IPv6).toIPv4Address();
  }
  if (address.kind() === "ipv4") return address.toString();
  const parts = (address as ipaddr.IPv6).toNormalizedString().split(":").slice(0, 4);
  return `${parts.join(":")}::/64`;
}

/**
 * The client's address for throttling (see above), or null when it cannot be known. `trustProxy` is the
 * number of proxies in front (LATTICE_TRUST_PROXY; 0: none).
 */
export function clientAddress(
  headers: Headers,
  { trustProxy = env().LATTICE_TRUST_PROXY, peerHook = peerAddressHookInstalled() } = {},
): string | null {
  if (trustProxy > 0) {
    const hops = (headers.get("x-forwarded-for") ?? "")
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean);
    // Fewer entries than proxies: the request skipped one; the leftmost is the furthest we can see.
    const entry = hops.length === 0 ? null : hops[Math.max(0, hops.length - trustProxy)];
    return normalizeAddress(entry ?? (peerHook ? headers.get(PEER_ADDRESS_HEADER) : null));
  }
  return peerHook ? normalizeAddress(headers.get(PEER_ADDRESS_HEADER)) : null;
}
