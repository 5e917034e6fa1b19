/**
 * An owner's registered MCP server as a connectable endpoint: loaded owner-scoped, its auth header opened
 * (sealed like a credential) and its {{secrets.NAME}} references filled from the owner's secrets. Every
 * message about it has those values redacted.
 */
import "server-only";
import { unseal } from "@/lib/credentials/crypto";
import { userModels } from "@/lib/credentials/user-models";
import { getSealedMcpServer, type SealedMcpServer } from "@/lib/db/queries/mcp-servers";
import { AppError } from "@/lib/errors";
import { renderTemplate } from "@/lib/expressions";
import { secretNamesIn } from "@/lib/nodes/secret-names";
import type { HostLookup } from "@/lib/net/safe-fetch";
import type { McpEndpoint } from "./client";

export function mcpServerNotFound(id: string): AppError {
  return new AppError(
    "not_found:mcp_server",
    `MCP server ${id} does not exist or is not yours: register it in Settings → MCP servers.`,
  );
}

/** Replaces each value with `[secret NAME]` (longest first, so a value containing another goes whole). */
function redactor(found: Map<string, string>): (text: string) => string {
  const forms = [...found]
    .flatMap(([name, value]) =>
      [...new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)])].map((form) => ({
        name,
        form,
      })),
    )
    .filter(({ form }) => form.length > 0)
    .sort((a, b) => b.form.length - a.form.length);
  return (text) => forms.reduce((out, { name, form }) => out.split(form).join(`[secret ${name}]`), text);
}

/** The endpoint of a loaded server row; `secrets` reads the owner's secrets by name. */
export async function endpointOf(
  ownerId: string,
  server: SealedMcpServer,
  secrets: (names: string[]) => Promise<Map<string, string>>,
  lookup?: HostLookup,
): Promise<McpEndpoint> {
  const headers: Record<string, string> = {};
  let redact = (text: string) => text;
  if (server.authHeaderName && server.auth) {
    const template = unseal(server.auth);
    const names = secretNamesIn([template]);
    const found = names.length ? await secrets(names) : new Map<string, string>();
    const missing = names.filter((name) => !found.has(name));
    if (missing.length > 0) {
      throw new AppError(
        "bad_request:mcp_secret",
        `The auth header of MCP server "${server.name}" uses ${missing.map((name) => `{{secrets.${name}}}`).join(", ")}, which you have not set: add ${missing.length === 1 ? "it" : "them"} in Settings → Secrets.`,
      );
    }
    const value = names.length ? renderTemplate(template, { secrets: Object.fromEntries(found) }) : template;
    headers[server.authHeaderName] = value;
    // The header's whole value is secret too when it was typed in literally.
    redact = redactor(new Map([...found, ...(names.length ? [] : [["auth header", value] as [string, string]])]));
  }
  return {
    ownerId,
    serverId: server.id,
    name: server.name,
    url: server.url,
    headers,
    timeoutMs: server.timeoutMs,
    redact,
    ...(lookup ? { lookup } : {}),
  };
}

/** One of the owner's servers as an endpoint; 404 `not_found:mcp_server` when it is not theirs. */
export async function loadMcpEndpoint({
  ownerId,
  serverId,
  lookup,
}: {
  ownerId: string;
  serverId: string;
  lookup?: HostLookup;
}): Promise<McpEndpoint> {
  const server = await getSealedMcpServer({ id: serverId, ownerId });
  if (!server) throw mcpServerNotFound(serverId);
  return endpointOf(ownerId, server, async (names) => (await userModels(ownerId)).secrets(names), lookup);
}
