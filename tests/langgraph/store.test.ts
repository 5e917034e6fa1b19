/**
 * The store with the official SDK's `client.store`: put, get, delete; search under a namespace prefix with a
 * filter on value fields, limit/offset and a text query; listNamespaces by prefix, suffix and depth; time to
 * live; 422s for bad namespaces and bodies; one user's items invisible to another. In process by default;
 * against a server with LG_TEST_URL (tests/langgraph/run.ts: PGlite and PostgreSQL).
 */
import type { Client } from "@langchain/langgraph-sdk";
import { beforeAll, describe, expect, it } from "vitest";
import { harness, type Harness } from "./harness";

let h: Harness;
let owner: { id: string; apiKey: string };
let other: { id: string; apiKey: string };
let client: Client;
let otherClient: Client;

beforeAll(async () => {
  h = await harness();
  [owner, other] = await Promise.all([h.newUser(), h.newUser()]);
  client = h.client(owner.apiKey);
  otherClient = h.client(other.apiKey);
}, 120_000);

const keysOf = (items: Array<{ key: string }>) => items.map((i) => i.key);

describe("the store", () => {
  it("says so in /info", async () => {
    const info = (await (await h.raw("/info")).json()) as { flags: Record<string, boolean> };
    expect(info.flags.store).toBe(true);
  });

  it("puts, gets, overwrites and deletes an item", async () => {
    expect(await client.store.getItem(["prefs", "alice"], "theme")).toBeNull();
    await client.store.putItem(["prefs", "alice"], "theme", { color: "dark", size: 12 });
    const item = await client.store.getItem(["prefs", "alice"], "theme");
    expect(item).toMatchObject({ namespace: ["prefs", "alice"], key: "theme", value: { color: "dark", size: 12 } });
    expect(Date.parse(item!.createdAt)).toBeGreaterThan(0);
    expect(item!.updatedAt).toBe(item!.createdAt);

    await new Promise((resolve) => setTimeout(resolve, 20));
    await client.store.putItem(["prefs", "alice"], "theme", { color: "light" });
    const changed = await client.store.getItem(["prefs", "alice"], "theme");
    expect(changed!.value).toEqual({ color: "light" });
    expect(changed!.createdAt).toBe(item!.createdAt);
    expect(Date.parse(changed!.updatedAt)).toBeGreaterThan(Date.parse(item!.updatedAt));
    // Another namespace, or a part of this one, is another place.
    expect(await client.store.getItem(["prefs"], "theme")).toBeNull();

    await client.store.deleteItem(["prefs", "alice"], "theme");
    expect(await client.store.getItem(["prefs", "alice"], "theme")).toBeNull();
    await client.store.deleteItem(["prefs", "alice"], "theme");
  });

  it("searches by namespace prefix and filter, pages, and matches a text query", async () => {
    const put = (ns: string[], key: string, value: Record<string, unknown>, index?: false | string[]) =>
      client.store.putItem(ns, key, value, index === undefined ? {} : { index });
    await put(["docs", "a"], "one", { kind: "note", n: 1, text: "Apples and pears" });
    await put(["docs", "a"], "two", { kind: "note", n: 2, text: "Pears only", meta: { lang: "en" } });
    await put(["docs", "b"], "three", { kind: "todo", n: 3, text: "Buy apples" });
    await put(["docs", "b"], "four", { kind: "note", n: 4, text: "apples hidden" }, false);
    await put(["docs", "b"], "five", { kind: "note", n: 5, title: "plums", text: "apples" }, ["title"]);
    await put(["misc"], "six", { kind: "note", n: 6, text: "apples elsewhere" });

    const all = await client.store.searchItems(["docs"], { limit: 50 });
    expect(keysOf(all.items)).toEqual(["five", "four", "three", "two", "one"]);
    expect(keysOf((await client.store.searchItems(["docs", "b"])).items).sort()).toEqual(["five", "four", "three"]);
    expect(keysOf((await client.store.searchItems([], { limit: 50 })).items)).toContain("six");

    const notes = await client.store.searchItems(["docs"], { filter: { kind: "note" }, limit: 50 });
    expect(keysOf(notes.items)).toEqual(["five", "four", "two", "one"]);
    const big = await client.store.searchItems(["docs"], { filter: { n: { $gte: 3 }, kind: { $ne: "todo" } } });
    expect(keysOf(big.items)).toEqual(["five", "four"]);
    const nested = await client.store.searchItems(["docs"], { filter: { "meta.lang": "en" } });
    expect(keysOf(nested.items)).toEqual(["two"]);

    const page = await client.store.searchItems(["docs"], { limit: 2, offset: 1 });
    expect(keysOf(page.items)).toEqual(["four", "three"]);

    // A query: the items whose text holds its words, the best share first, then the newest (index false:
    // never; a listed field: only that field's text).
    const found = await client.store.searchItems(["docs"], { query: "apples pears" });
    expect(keysOf(found.items)).toEqual(["one", "three", "two"]);
    expect(found.items.map((i) => i.score)).toEqual([1, 0.5, 0.5]);
    expect(keysOf((await client.store.searchItems(["docs"], { query: "PLUMS" })).items)).toEqual(["five"]);
    expect(keysOf((await client.store.searchItems(["docs"], { query: "hidden" })).items)).toEqual([]);
  });

  it("lists namespaces by prefix, suffix and depth", async () => {
    await client.store.putItem(["tree", "x", "leaf"], "k", { v: 1 });
    await client.store.putItem(["tree", "y", "leaf"], "k", { v: 2 });
    await client.store.putItem(["tree", "y", "other"], "k", { v: 3 });
    const { namespaces } = await client.store.listNamespaces({ prefix: ["tree"] });
    expect(namespaces).toEqual([
      ["tree", "x", "leaf"],
      ["tree", "y", "leaf"],
      ["tree", "y", "other"],
    ]);
    expect((await client.store.listNamespaces({ prefix: ["tree"], maxDepth: 2 })).namespaces).toEqual([
      ["tree", "x"],
      ["tree", "y"],
    ]);
    expect((await client.store.listNamespaces({ prefix: ["tree"], suffix: ["leaf"] })).namespaces).toEqual([
      ["tree", "x", "leaf"],
      ["tree", "y", "leaf"],
    ]);
    expect((await client.store.listNamespaces({ prefix: ["tree", "*", "other"] })).namespaces).toEqual([
      ["tree", "y", "other"],
    ]);
    expect((await client.store.listNamespaces({ prefix: ["tree"], limit: 1, offset: 1 })).namespaces).toEqual([
      ["tree", "y", "leaf"],
    ]);
  });

  it("keeps an item for its time to live, extended by the reads that ask for it", async () => {
    const ttl = 0.05; // minutes: 3 s
    await client.store.putItem(["ttl"], "short", { v: 1 }, { ttl });
    await client.store.putItem(["ttl"], "kept", { v: 2 }, { ttl });
    await client.store.putItem(["ttl"], "long", { v: 3 }, { ttl: 60 });
    expect(await client.store.getItem(["ttl"], "short", { refreshTtl: false })).not.toBeNull();
    // "kept" is read (refreshing its time) every second for longer than its time to live.
    const started = Date.now();
    while (Date.now() - started < 4500) {
      expect(await client.store.getItem(["ttl"], "kept"), "kept").not.toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    await expect
      .poll(() => client.store.getItem(["ttl"], "short", { refreshTtl: false }), { timeout: 15_000, interval: 250 })
      .toBeNull();
    const left = await client.store.searchItems(["ttl"], { refreshTtl: false });
    expect(keysOf(left.items).sort()).toEqual(["kept", "long"]);
    // Written again, it is a new item.
    await client.store.putItem(["ttl"], "short", { v: 4 });
    const again = await client.store.getItem(["ttl"], "short");
    expect(again!.value).toEqual({ v: 4 });
    expect(again!.createdAt).toBe(again!.updatedAt);
  }, 30_000);

  it("keeps each user's items to that user", async () => {
    await client.store.putItem(["private"], "secret", { v: "mine" });
    expect(await otherClient.store.getItem(["private"], "secret")).toBeNull();
    expect((await otherClient.store.searchItems(["private"])).items).toEqual([]);
    expect((await otherClient.store.listNamespaces()).namespaces).toEqual([]);
    await otherClient.store.putItem(["private"], "secret", { v: "theirs" });
    await otherClient.store.deleteItem(["private"], "secret");
    expect((await client.store.getItem(["private"], "secret"))!.value).toEqual({ v: "mine" });
    await expect(h.client(null).store.searchItems(["private"])).rejects.toThrow(/401/);
  });

  it("refuses bad namespaces and bodies with a 422 that says where", async () => {
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await h.raw(path, {
        method,
        apiKey: owner.apiKey,
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
      });
      return { status: response.status, detail: ((await response.json()) as { detail: string }).detail };
    };
    const cases: Array<[string, string, unknown, RegExp]> = [
      ["PUT", "/store/items", { namespace: ["a.b"], key: "k", value: {} }, /namespace\.0: Namespace labels cannot/],
      ["PUT", "/store/items", { namespace: ["a", ""], key: "k", value: {} }, /namespace\.1: Namespace labels cannot/],
      ["PUT", "/store/items", { namespace: [], key: "k", value: {} }, /namespace: is required/],
      ["PUT", "/store/items", { namespace: ["a"], key: "", value: {} }, /key: is required/],
      ["PUT", "/store/items", { namespace: ["a"], key: "k", value: [1] }, /value/],
      ["PUT", "/store/items", { namespace: ["a"], key: "k", value: {}, ttl: -1 }, /ttl/],
      ["DELETE", "/store/items", { namespace: ["a."], key: "k" }, /namespace\.0/],
      ["GET", "/store/items?namespace=a..b&key=k", undefined, /namespace\.1: Namespace labels cannot/],
      ["GET", "/store/items?key=k", undefined, /namespace: is required/],
      ["POST", "/store/items/search", { namespace_prefix: ["x.y"] }, /namespace_prefix\.0/],
      ["POST", "/store/items/search", { filter: { n: { $like: 1 } } }, /filter\.n\.\$like: unknown operator/],
      ["POST", "/store/items/search", { limit: 0 }, /limit/],
      ["POST", "/store/namespaces", { suffix: ["a.b"] }, /suffix\.0/],
      ["POST", "/store/namespaces", { max_depth: 0 }, /max_depth/],
    ];
    for (const [method, path, body, detail] of cases) {
      const answer = await call(method, path, body);
      expect(answer.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(422);
      expect(answer.detail, `${method} ${path}`).toMatch(detail);
    }
    // The SDK refuses a label with a period before sending.
    await expect(client.store.putItem(["a.b"], "k", {})).rejects.toThrow(/periods/);
  });
});
