/**
 * A streaming `fetch` for an MCP connection behind the HTTP node's SSRF guard: before every request the URL is
 * checked by `checkOutboundUrl` (http(s), the host resolved and every address judged, LATTICE_HTTP_ALLOWLIST
 * applies), and the socket goes to the address the check resolved (a pinned lookup), so DNS rebinding has no
 * window. Redirects are not followed (a 3xx is the answer). Sockets are kept per checked address and reused by
 * the session's requests; `close` frees them. Answers stream (an MCP server may answer with SSE); the caller
 * bounds what it keeps.
 */
import "server-only";
import type { LookupAddress } from "node:dns";
import { lookup as dnsLookup } from "node:dns/promises";
import { type Agent, fetch as undiciFetch } from "undici";
import { AppError, isAppError } from "@/lib/errors";
import { checkOutboundUrl, type HostLookup, pinnedAgent } from "@/lib/net/safe-fetch";

export interface GuardedFetch {
  fetch: (url: string | URL, init?: RequestInit) => Promise<Response>;
  close(): Promise<void>;
}

const systemLookup: HostLookup = async (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** The address a request to `url` may connect to, as the guard judged it (throws the guard's AppError). */
async function checkedTarget(url: URL, lookup: HostLookup): Promise<LookupAddress> {
  let resolved: LookupAddress | undefined;
  await checkOutboundUrl(url.toString(), {
    lookup: async (hostname) => {
      const addresses = await lookup(hostname);
      resolved = addresses[0];
      return addresses;
    },
  });
  if (resolved) return resolved;
  // A literal IP is judged without a lookup: it is its own address.
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return { address: host, family: host.includes(":") ? 6 : 4 };
}

export function createGuardedFetch({ lookup = systemLookup }: { lookup?: HostLookup } = {}): GuardedFetch {
  const agents = new Map<string, Agent>();
  return {
    async fetch(input, init = {}) {
      const url = new URL(String(input));
      const target = await checkedTarget(url, lookup);
      const key = `${url.host}|${target.address}`;
      let agent = agents.get(key);
      if (!agent) {
        agent = pinnedAgent(target, 8);
        agents.set(key, agent);
      }
      try {
        const response = await undiciFetch(url, {
          ...(init as Parameters<typeof undiciFetch>[1]),
          redirect: "manual",
          dispatcher: agent,
        });
        return response as unknown as Response;
      } catch (error) {
        if (init.signal?.aborted) throw init.signal.reason;
        if (isAppError(error)) throw error;
        const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
        throw new AppError(
          "unavailable:http_request",
          `The request to ${url.origin} failed: ${cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error))}`,
          { cause: error },
        );
      }
    },
    async close() {
      const all = [...agents.values()];
      agents.clear();
      await Promise.all(all.map((agent) => agent.destroy().catch(() => {})));
    },
  };
}
