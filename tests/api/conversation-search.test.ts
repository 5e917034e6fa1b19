/**
 * GET /api/conversations?q=: the caller's conversations whose title or any message contains the text,
 * case-insensitively, by last activity and cursor-paged, with a snippet when a message matched.
 */
import { describe, expect, it } from "vitest";
import { ulid } from "ulid";
import { GET as listConversations } from "@/app/api/conversations/route";
import { GET as getOpenApi } from "@/app/api/openapi.json/route";
import { conversationListResponseSchema, type ConversationSummary } from "@/lib/contracts/conversations";
import { appendMessage, createConversation } from "@/lib/db/queries/conversations";
import { call, newActor, type Actor } from "./rest-fixtures";
import { apiRequest, read, routeContext } from "./helpers";

/** A conversation of `actor`'s with these messages (user, assistant, user, …), straight into the database. */
async function conversation(actor: Actor, title: string, contents: string[] = []): Promise<string> {
  const row = await createConversation({ ownerId: actor.id, title });
  for (const [index, content] of contents.entries()) {
    await appendMessage({
      ownerId: actor.id,
      conversationId: row.id,
      role: index % 2 === 0 ? "user" : "assistant",
      content,
    });
  }
  return row.id;
}

async function search(
  actor: Actor,
  q: string,
  extra = "",
): Promise<{ conversations: ConversationSummary[]; nextCursor: string | null }> {
  const response = await call(listConversations, `/api/conversations?q=${encodeURIComponent(q)}${extra}`, {
    auth: actor,
  });
  expect(response.status, response.text).toBe(200);
  return conversationListResponseSchema.parse(response.json);
}

const idsOf = (page: { conversations: ConversationSummary[] }) => page.conversations.map((c) => c.id);

describe("GET /api/conversations?q=", () => {
  it("finds by title and by message content, case-insensitively; a message match carries a snippet and its role", async () => {
    const actor = await newActor();
    const picnic = await conversation(actor, "Plan a Picnic", ["Where should we go?", "The park."]);
    const zebra = await conversation(actor, "Animals", [
      "Tell me about zebras",
      "Zebras are striped. Every ZEBRA has its own pattern.",
    ]);
    const long = await conversation(actor, "Long one", [
      `${"lorem ipsum ".repeat(40)}the Needle is\nhere ${"dolor sit ".repeat(40)}`,
    ]);
    await conversation(actor, "Unrelated", ["nothing to see"]);

    const byTitle = await search(actor, "PICNIC");
    expect(idsOf(byTitle)).toEqual([picnic]);
    expect(byTitle.conversations[0]!.match).toBeUndefined();

    const byContent = await search(actor, "zEbRa");
    expect(idsOf(byContent)).toEqual([zebra]);
    // The newest matching message, from its start (it is short), whole.
    expect(byContent.conversations[0]!.match).toEqual({
      role: "assistant",
      snippet: "Zebras are striped. Every ZEBRA has its own pattern.",
    });

    const inLong = await search(actor, "  needle is  ");
    expect(idsOf(inLong)).toEqual([long]);
    const snippet = inLong.conversations[0]!.match!.snippet;
    expect(inLong.conversations[0]!.match!.role).toBe("user");
    expect(snippet).toMatch(/^…/);
    expect(snippet).toMatch(/…$/);
    expect(snippet).toContain("the Needle is here");
    expect(snippet.length).toBeLessThanOrEqual(130);
    expect(snippet.indexOf("Needle")).toBeGreaterThan(20);

    // Not a search: the whole list, no snippets.
    const all = conversationListResponseSchema.parse(
      (await call(listConversations, "/api/conversations", { auth: actor })).json,
    );
    expect(all.conversations).toHaveLength(4);
    expect(all.conversations.every((c) => c.match === undefined)).toBe(true);
  });

  it("takes %, _ and \\ literally", async () => {
    const actor = await newActor();
    const percent = await conversation(actor, "100% done");
    await conversation(actor, "100 done");
    const underscore = await conversation(actor, "Code", ["use snake_case here"]);
    await conversation(actor, "Code too", ["use snakeXcase here"]);
    const backslash = await conversation(actor, "Paths", ["open C:\\temp now"]);
    await conversation(actor, "Paths too", ["open C:temp now"]);

    expect(idsOf(await search(actor, "100%"))).toEqual([percent]);
    expect(idsOf(await search(actor, "%"))).toEqual([percent]);
    expect(idsOf(await search(actor, "e_c"))).toEqual([underscore]);
    expect(idsOf(await search(actor, "C:\\t"))).toEqual([backslash]);
    expect((await search(actor, "C:\\t")).conversations[0]!.match).toEqual({
      role: "user",
      snippet: "open C:\\temp now",
    });
  });

  it("never returns another user's conversation, by title or by message", async () => {
    const word = `wombat${ulid().toLowerCase()}`;
    const owner = await newActor();
    const other = await newActor();
    const byTitle = await conversation(owner, `About ${word}`);
    const byMessage = await conversation(owner, "Private", [`my ${word} notes`]);

    expect(idsOf(await search(other, word))).toEqual([]);
    const mine = await search(owner, word);
    expect(new Set(idsOf(mine))).toEqual(new Set([byTitle, byMessage]));
    expect(mine.conversations.find((c) => c.id === byMessage)!.match).toEqual({
      role: "user",
      snippet: `my ${word} notes`,
    });
  });

  it("pages the results with the cursor, in the list's order", async () => {
    const actor = await newActor();
    for (let i = 0; i < 6; i++) {
      await conversation(
        actor,
        i % 2 === 0 ? `Trip ${i}` : `Chat ${i}`,
        i % 3 === 0 ? ["unrelated"] : [`a question about the trip, number ${i}`],
      );
    }
    await conversation(actor, "Nothing", ["no match"]);
    const all = conversationListResponseSchema.parse(
      (await call(listConversations, "/api/conversations", { auth: actor })).json,
    );
    const expected = all.conversations
      .filter((c) => c.title.startsWith("Trip") || c.title.startsWith("Chat"))
      .map((c) => c.id);
    expect(expected).toHaveLength(6);
    // Chat 3 has no matching message and no matching title.
    const chat3 = all.conversations.find((c) => c.title === "Chat 3")!.id;
    const matching = expected.filter((id) => id !== chat3);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await search(actor, "TRIP", `&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.conversations.length).toBeLessThanOrEqual(2);
      seen.push(...idsOf(page));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(matching);
    expect(pages).toBe(3);
  });

  it("refuses an empty, blank or too long q with a 422 naming q", async () => {
    const actor = await newActor();
    for (const q of ["", "   ", "x".repeat(201)]) {
      const response = await call(listConversations, `/api/conversations?q=${encodeURIComponent(q)}`, { auth: actor });
      expect(response.status, q).toBe(422);
      expect(response.json.error.code).toBe("validation:query");
      expect(response.json.error.issues[0].path).toBe("q");
    }
    const padded = await call(listConversations, `/api/conversations?q=${encodeURIComponent(` ${"x".repeat(200)} `)}`, {
      auth: actor,
    });
    expect(padded.status).toBe(200);
  });

  it("is documented: the list takes q, and a summary may carry a match", async () => {
    const document = (await read(await getOpenApi(apiRequest("/api/openapi.json"), routeContext()))).json;
    const parameters = document.paths["/api/conversations"].get.parameters as Array<{
      in: string;
      name: string;
      required?: boolean;
      description?: string;
    }>;
    const q = parameters.find((parameter) => parameter.name === "q");
    expect(q).toMatchObject({ in: "query" });
    expect(q?.required).not.toBe(true);
    expect(q?.description).toMatch(/title or any message/);
    const summary = document.components.schemas.ConversationSummary;
    expect(summary.properties).toHaveProperty("match");
    expect(summary.required).not.toContain("match");
    expect(document.components.schemas.Conversation.properties).not.toHaveProperty("match");
  });
});
