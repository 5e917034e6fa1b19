/** Knowledge bases and documents made through the routes, for the knowledge route tests. */
import { expect } from "vitest";
import { POST as createBase } from "@/app/api/knowledge-bases/route";
import { POST as addDocument } from "@/app/api/knowledge-bases/[id]/documents/route";
import { call, type Actor } from "./rest-fixtures";

export async function newBase(actor: Actor, name = "Handbook"): Promise<string> {
  const created = await call(createBase, "/api/knowledge-bases", { method: "POST", body: { name }, auth: actor });
  expect(created.status).toBe(201);
  return created.json.knowledgeBase.id as string;
}

export async function addText(actor: Actor, id: string, title: string, text: string): Promise<string> {
  const added = await call(addDocument, "/api/knowledge-bases/x/documents", {
    method: "POST",
    body: { title, text },
    auth: actor,
    params: { id },
  });
  expect(added.status, added.text).toBe(201);
  return added.json.document.id as string;
}
