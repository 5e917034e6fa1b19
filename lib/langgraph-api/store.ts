/**
 * LangGraph's store (`/store/*`, the SDK's `client.store`): each user's JSON documents by namespace (a list of
 * labels) and key, in `langgraph_store_items` — owner-scoped, so one user never sees another's items.
 * - put (204), get (the item, or null), delete (204);
 * - search: items under a namespace prefix, `filter` on value fields (equality, or $eq/$ne/$gt/$gte/$lt/$lte;
 *   a dotted name reaches into objects), newest first; `query` is a plain text match (Lattice keeps no
 *   embeddings for the store): an item matches with the share of the query's words its text holds (`score`),
 *   best first. Its text is its value's (or the fields its `index` names; none with `index: false`);
 * - listNamespaces: the distinct namespaces, by prefix and suffix ("*" matches any label), cut at max_depth;
 * - `ttl` (minutes): an item is gone that long after its last write, or read (`refresh_ttl`, on by default).
 */
import "server-only";
import { AppError } from "@/lib/errors";
import {
  deleteStoreItem,
  type FieldCondition,
  getStoreItem,
  listStoreNamespaces,
  putStoreItem,
  searchStoreItems,
  type StoreItemRow,
} from "@/lib/db/queries/langgraph-store";
import type { z } from "zod";
import type {
  storeDeleteSchema,
  storeGetQuerySchema,
  storeNamespacesSchema,
  storePutSchema,
  storeSearchSchema,
} from "./schemas";

const MAX_QUERY_TERMS = 32;
const OPERATORS = new Set(["$eq", "$ne", "$gt", "$gte", "$lt", "$lte"]);

function toLgItem(row: StoreItemRow) {
  return {
    namespace: row.namespace,
    key: row.key,
    value: row.value as Record<string, unknown>,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

function invalid(path: string, message: string): AppError {
  return new AppError("validation:body", `Invalid body: ${path}: ${message}`, { issues: [{ path, message }] });
}

/** The text of a value's leaves (strings, numbers, booleans), lower case. */
function leafText(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value === "object")
    return (Array.isArray(value) ? value : Object.values(value as Record<string, unknown>)).flatMap(leafText);
  return [String(value).toLowerCase()];
}

function at(value: unknown, path: string[]): unknown {
  let current = value;
  for (const part of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** What a query matches of an item: its value's text, the fields `index` names, or nothing. */
function searchTextOf(value: Record<string, unknown>, index: false | string[] | null | undefined): string | null {
  if (index === false) return null;
  const parts = index ? index.flatMap((field) => leafText(at(value, field.split(".")))) : leafText(value);
  return parts.join(" ");
}

/** A search's filter as conditions on value fields; an unknown operator is a 422 naming it. */
function conditionsOf(filter: Record<string, unknown> | null | undefined): FieldCondition[] {
  const conditions: FieldCondition[] = [];
  for (const [field, condition] of Object.entries(filter ?? {})) {
    const path = field.split(".");
    if (path.some((part) => part === "")) throw invalid(`filter.${field}`, "a field name cannot have empty parts");
    const operators =
      condition !== null && typeof condition === "object" && !Array.isArray(condition)
        ? Object.entries(condition as Record<string, unknown>)
        : [];
    if (operators.length === 0 || !operators.every(([name]) => name.startsWith("$"))) {
      conditions.push({ path, op: "$eq", value: condition });
      continue;
    }
    for (const [op, value] of operators) {
      if (!OPERATORS.has(op))
        throw invalid(`filter.${field}.${op}`, "unknown operator (use $eq, $ne, $gt, $gte, $lt or $lte)");
      if (op !== "$eq" && op !== "$ne" && typeof value !== "number" && typeof value !== "string")
        throw invalid(`filter.${field}.${op}`, "compares with a number or a string");
      conditions.push({ path, op: op as FieldCondition["op"], value });
    }
  }
  return conditions;
}

export async function putItem(ownerId: string, body: z.output<typeof storePutSchema>): Promise<void> {
  await putStoreItem({
    ownerId,
    namespace: body.namespace,
    key: body.key,
    value: body.value,
    searchText: searchTextOf(body.value, body.index),
    ttlMinutes: body.ttl ?? null,
  });
}

export async function getItem(ownerId: string, query: z.output<typeof storeGetQuerySchema>) {
  const row = await getStoreItem({
    ownerId,
    namespace: query.namespace,
    key: query.key,
    refresh: query.refresh_ttl !== "false",
  });
  return row ? toLgItem(row) : null;
}

export async function deleteItem(ownerId: string, body: z.output<typeof storeDeleteSchema>): Promise<void> {
  await deleteStoreItem({ ownerId, namespace: body.namespace, key: body.key });
}

export async function searchItems(ownerId: string, body: z.output<typeof storeSearchSchema>) {
  const terms = [...new Set((body.query ?? "").toLowerCase().split(/\s+/).filter(Boolean))];
  if (terms.length > MAX_QUERY_TERMS) throw invalid("query", `may have at most ${MAX_QUERY_TERMS} words`);
  const rows = await searchStoreItems({
    ownerId,
    prefix: body.namespace_prefix ?? [],
    conditions: conditionsOf(body.filter),
    terms,
    limit: body.limit ?? 10,
    offset: body.offset ?? 0,
    refresh: body.refresh_ttl !== false,
  });
  return { items: rows.map((row) => ({ ...toLgItem(row), score: row.score })) };
}

export async function listNamespaces(ownerId: string, body: z.output<typeof storeNamespacesSchema>) {
  return {
    namespaces: await listStoreNamespaces({
      ownerId,
      prefix: body.prefix ?? [],
      suffix: body.suffix ?? [],
      maxDepth: body.max_depth ?? null,
      limit: body.limit ?? 100,
      offset: body.offset ?? 0,
    }),
  };
}
