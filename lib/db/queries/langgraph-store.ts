/**
 * The LangGraph store's rows (lib/langgraph-api/store.ts): an owner's JSON documents by namespace and key.
 * Every statement is owner-scoped; an item past its time to live is never read, and a put removes the
 * owner's expired items in the same statement.
 */
import "server-only";
import { and, asc, desc, eq, gt, isNull, or, type SQL, sql } from "drizzle-orm";
import { getDb } from "../client";
import { langgraphStoreItems as items, type LanggraphStoreItem } from "../schema";

export type StoreItemRow = LanggraphStoreItem;

/** A text[] literal from labels, as bound parameters (the same on postgres.js and PGlite). */
function textArray(labels: readonly string[]): SQL {
  return sql`array[${sql.join(
    labels.map((label) => sql`${label}`),
    sql`, `,
  )}]::text[]`;
}

/** The owner's items that have not expired, and meet `more`. */
const visible = (ownerId: string, ...more: SQL[]) =>
  and(eq(items.ownerId, ownerId), or(isNull(items.expiresAt), gt(items.expiresAt, sql`now()`)), ...more);

/** The labels of `pattern` at the start (`from: "start"`) or the end of the namespace; "*" matches any label. */
function namespaceMatches(pattern: readonly string[], from: "start" | "end"): SQL[] {
  if (pattern.length === 0) return [];
  const conditions = [sql`cardinality(${items.namespace}) >= ${pattern.length}`];
  for (const [i, label] of pattern.entries()) {
    if (label === "*") continue;
    const index = from === "start" ? sql`${i + 1}` : sql`cardinality(${items.namespace}) - ${pattern.length - 1 - i}`;
    conditions.push(sql`${items.namespace}[${index}] = ${label}`);
  }
  return conditions;
}

export async function putStoreItem(row: {
  ownerId: string;
  namespace: string[];
  key: string;
  value: Record<string, unknown>;
  searchText: string | null;
  ttlMinutes: number | null;
}): Promise<void> {
  const db = await getDb();
  const expiresAt = row.ttlMinutes === null ? sql`null` : sql`now() + ${row.ttlMinutes} * interval '1 minute'`;
  await db.execute(sql`
    with expired as (
      delete from langgraph_store_items
      where owner_id = ${row.ownerId} and expires_at <= now()
        and not (namespace = ${textArray(row.namespace)} and key = ${row.key})
    )
    insert into langgraph_store_items (owner_id, namespace, key, value, search_text, ttl_minutes, expires_at)
    values (${row.ownerId}, ${textArray(row.namespace)}, ${row.key}, ${JSON.stringify(row.value)}::jsonb,
            ${row.searchText}, ${row.ttlMinutes}, ${expiresAt})
    on conflict (owner_id, namespace, key) do update set
      value = excluded.value,
      search_text = excluded.search_text,
      ttl_minutes = excluded.ttl_minutes,
      expires_at = excluded.expires_at,
      created_at = case when langgraph_store_items.expires_at <= now() then now()
                        else langgraph_store_items.created_at end,
      updated_at = now()`);
}

/** Extends the time to live of what was just read (items with one). */
async function refreshTtl(ownerId: string, rows: StoreItemRow[]): Promise<void> {
  const withTtl = rows.filter((row) => row.ttlMinutes !== null);
  if (withTtl.length === 0) return;
  const db = await getDb();
  await db
    .update(items)
    .set({ expiresAt: sql`now() + ${items.ttlMinutes} * interval '1 minute'` })
    .where(
      and(
        eq(items.ownerId, ownerId),
        or(...withTtl.map((row) => and(sql`${items.namespace} = ${textArray(row.namespace)}`, eq(items.key, row.key)))),
      ),
    );
}

export async function getStoreItem({
  ownerId,
  namespace,
  key,
  refresh,
}: {
  ownerId: string;
  namespace: string[];
  key: string;
  refresh: boolean;
}): Promise<StoreItemRow | null> {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(items)
    .where(visible(ownerId, sql`${items.namespace} = ${textArray(namespace)}`, eq(items.key, key)))
    .limit(1);
  if (row && refresh) await refreshTtl(ownerId, [row]);
  return row ?? null;
}

export async function deleteStoreItem({
  ownerId,
  namespace,
  key,
}: {
  ownerId: string;
  namespace: string[];
  key: string;
}) {
  const db = await getDb();
  await db
    .delete(items)
    .where(and(eq(items.ownerId, ownerId), sql`${items.namespace} = ${textArray(namespace)}`, eq(items.key, key)));
}

/** A filter's condition on one value field (a dotted path): equality, or LangGraph's $eq/$ne/$gt/$gte/$lt/$lte. */
export type FieldCondition = { path: string[]; op: "$eq" | "$ne" | "$gt" | "$gte" | "$lt" | "$lte"; value: unknown };

function fieldCondition({ path, op, value }: FieldCondition): SQL {
  const field = sql`(${items.value} #> ${textArray(path)})`;
  const json = sql`${JSON.stringify(value)}::jsonb`;
  if (op === "$eq") return sql`${field} = ${json}`;
  if (op === "$ne") return sql`${field} is distinct from ${json}`;
  const compare = { $gt: sql`>`, $gte: sql`>=`, $lt: sql`<`, $lte: sql`<=` }[op];
  // Ordered comparisons between values of one JSON type (numbers as numbers, strings as text).
  return sql`(jsonb_typeof(${field}) = jsonb_typeof(${json}) and ${field} ${compare} ${json})`;
}

export async function searchStoreItems({
  ownerId,
  prefix,
  conditions,
  terms,
  limit,
  offset,
  refresh,
}: {
  ownerId: string;
  prefix: string[];
  conditions: FieldCondition[];
  /** The query's words, lower case: an item matches with the share of them its text contains. */
  terms: string[];
  limit: number;
  offset: number;
  refresh: boolean;
}): Promise<Array<StoreItemRow & { score: number | null }>> {
  const db = await getDb();
  const score = terms.length
    ? sql<number>`(${sql.join(
        terms.map((term) => sql`(strpos(coalesce(${items.searchText}, ''), ${term}) > 0)::int`),
        sql` + `,
      )})::float8 / ${terms.length}`
    : sql<null>`null::float8`;
  const rows = await db
    .select({ item: items, score: score.mapWith(Number) })
    .from(items)
    .where(
      visible(
        ownerId,
        ...namespaceMatches(prefix, "start"),
        ...conditions.map(fieldCondition),
        ...(terms.length ? [sql`${score} > 0`] : []),
      ),
    )
    .orderBy(...(terms.length ? [sql`${score} desc`] : []), desc(items.updatedAt), asc(items.namespace), asc(items.key))
    .limit(limit)
    .offset(offset);
  const found = rows.map((r) => ({ ...r.item, score: terms.length ? r.score : null }));
  if (refresh) await refreshTtl(ownerId, found);
  return found;
}

export async function listStoreNamespaces({
  ownerId,
  prefix,
  suffix,
  maxDepth,
  limit,
  offset,
}: {
  ownerId: string;
  prefix: string[];
  suffix: string[];
  maxDepth: number | null;
  limit: number;
  offset: number;
}): Promise<string[][]> {
  const db = await getDb();
  const ns = maxDepth === null ? sql`${items.namespace}` : sql`${items.namespace}[1:${maxDepth}]`;
  const rows = await db
    .selectDistinct({ namespace: sql<string[]>`${ns}`.as("ns") })
    .from(items)
    .where(visible(ownerId, ...namespaceMatches(prefix, "start"), ...namespaceMatches(suffix, "end")))
    .orderBy(sql`ns`)
    .limit(limit)
    .offset(offset);
  return rows.map((r) => r.namespace);
}
