/**
 * Model nodes name a credential by id, which means nothing in another account. An export file carries the
 * credential's name instead (`credentialName`, never its key), and an import maps that name to the
 * importer's own credential of the same name and provider; without one the node falls back to the
 * provider's server-wide settings, which the import's validation names when they are missing.
 */
import "server-only";
import { listCredentials } from "@/lib/db/queries/credentials";

type NodeLike = { data?: { config?: Record<string, unknown> } & Record<string, unknown> } & Record<string, unknown>;

function withConfig<T>(node: T, change: (config: Record<string, unknown>) => Record<string, unknown> | null): T {
  const n = node as NodeLike;
  const config = n?.data?.config;
  if (!config || typeof config !== "object") return node;
  const next = change(config);
  return next ? ({ ...n, data: { ...n.data, config: next } } as T) : node;
}

/** The nodes with each credential id replaced by the credential's name. */
export async function credentialNamesForExport<T>(ownerId: string, nodes: T[]): Promise<T[]> {
  if (!nodes.some((node) => typeof (node as NodeLike)?.data?.config?.credentialId === "string")) return nodes;
  const names = new Map((await listCredentials({ ownerId, kind: "provider" })).map((c) => [c.id, c.name]));
  return nodes.map((node) =>
    withConfig(node, (config) => {
      if (typeof config.credentialId !== "string") return null;
      const { credentialId, ...rest } = config;
      const name = names.get(credentialId);
      return name ? { ...rest, credentialName: name } : rest;
    }),
  );
}

/** The nodes with each credential name mapped to the importer's credential of that name and provider. */
export async function credentialIdsForImport<T>(ownerId: string, nodes: T[]): Promise<T[]> {
  const named = (config: Record<string, unknown>) =>
    typeof config.credentialName === "string" || typeof config.credentialId === "string";
  if (!nodes.some((node) => named((node as NodeLike)?.data?.config ?? {}))) return nodes;
  const mine = await listCredentials({ ownerId, kind: "provider" });
  return nodes.map((node) =>
    withConfig(node, (config) => {
      if (!named(config)) return null;
      // An id from a file is someone else's (or a guess): only a name is ever mapped.
      const { credentialName, credentialId: _foreign, ...rest } = config;
      const match = mine.find((c) => c.name === credentialName && c.provider === config.provider);
      return match ? { ...rest, credentialId: match.id } : rest;
    }),
  );
}
