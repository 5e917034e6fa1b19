/**
 * Model nodes name a credential by id, which means nothing in another account. An export file carries the
 * credential's name instead (`credentialName`, never its key), and an import maps that name to the
 * importer's own credential of the same name and provider kind. A node whose credential the importer has
 * no match for is re-pointed at the default model, and the import's answer names it (`repointedNodes`), so
 * the person importing knows which nodes to check.
 */
import "server-only";
import type { RepointedNode } from "@/lib/contracts/workflows";
import { listCredentials } from "@/lib/db/queries/credentials";
import { DEFAULT_MODEL_PROVIDER } from "@/lib/models/catalog";

type NodeLike = {
  id?: unknown;
  data?: { config?: Record<string, unknown>; label?: unknown } & Record<string, unknown>;
} & Record<string, unknown>;

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

/**
 * The nodes with each credential name mapped to the importer's credential of that name and provider; the
 * nodes that have none (or name no credential, only a foreign id) now use the default model.
 */
export async function credentialIdsForImport<T>(
  ownerId: string,
  nodes: T[],
): Promise<{ nodes: T[]; repointedNodes: RepointedNode[] }> {
  const named = (config: Record<string, unknown>) =>
    typeof config.credentialName === "string" || typeof config.credentialId === "string";
  if (!nodes.some((node) => named((node as NodeLike)?.data?.config ?? {}))) return { nodes, repointedNodes: [] };
  const mine = await listCredentials({ ownerId, kind: "provider" });
  const repointedNodes: RepointedNode[] = [];
  const mapped = nodes.map((node) =>
    withConfig(node, (config) => {
      if (!named(config)) return null;
      // An id from a file is someone else's (or a guess): only a name is ever mapped.
      const { credentialName, credentialId: _foreign, ...rest } = config;
      const name = typeof credentialName === "string" ? credentialName : null;
      const match = name === null ? undefined : mine.find((c) => c.name === name && c.provider === config.provider);
      if (match) return { ...rest, credentialId: match.id };
      const { id, data } = node as NodeLike;
      repointedNodes.push({
        nodeId: String(id),
        ...(typeof data?.label === "string" && data.label ? { label: data.label } : {}),
        credentialName: name,
        provider: String(config.provider ?? ""),
        model: String(config.model ?? ""),
      });
      return { ...rest, provider: DEFAULT_MODEL_PROVIDER, model: "default" };
    }),
  );
  return { nodes: mapped, repointedNodes };
}
