import { describe, expect, it } from "vitest";
import { GET as listBases, POST as createBase } from "@/app/api/knowledge-bases/route";
import { DELETE as deleteBase, GET as getBase } from "@/app/api/knowledge-bases/[id]/route";
import { POST as addDocument } from "@/app/api/knowledge-bases/[id]/documents/route";
import { DELETE as deleteDocument } from "@/app/api/knowledge-bases/[id]/documents/[documentId]/route";
import { POST as validate } from "@/app/api/workflows/validate/route";
import { searchKnowledge } from "@/lib/retrieval";
import { BASE_URL, read, routeContext } from "./helpers";
import { call, echoDefinition, newActor, type Actor } from "./rest-fixtures";

/** A one-page PDF whose page shows `text` (Helvetica), with a correct cross-reference table. */
function pdfWithText(text: string): Uint8Array<ArrayBuffer> {
  const content = `BT /F1 18 Tf 72 720 Td (${text.replace(/[()\\]/g, "\\$&")}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, "0")} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(body);
}

async function upload(actor: Actor, knowledgeBaseId: string, file: Blob, fileName: string, title?: string) {
  const form = new FormData();
  form.set("file", file, fileName);
  if (title !== undefined) form.set("title", title);
  const request = new Request(`${BASE_URL}/api/knowledge-bases/${knowledgeBaseId}/documents`, {
    method: "POST",
    body: form,
    headers: { authorization: `Bearer ${actor.apiKey}` },
  });
  return read(await addDocument(request, routeContext({ id: knowledgeBaseId })));
}

async function newBase(actor: Actor, name = "Handbook") {
  const created = await call(createBase, "/api/knowledge-bases", {
    method: "POST",
    body: { name, description: "Policies" },
    auth: actor,
  });
  expect(created.status).toBe(201);
  return created.json.knowledgeBase as { id: string; name: string; documentCount: number };
}

describe("knowledge bases", () => {
  it("creates, lists, reads and deletes a knowledge base, owner-scoped", async () => {
    const actor = await newActor();
    const other = await newActor();
    const base = await newBase(actor);
    expect(base).toMatchObject({ name: "Handbook", documentCount: 0 });

    expect(
      (await call(listBases, "/api/knowledge-bases", { auth: actor })).json.knowledgeBases.map(
        (b: { id: string }) => b.id,
      ),
    ).toEqual([base.id]);
    expect((await call(listBases, "/api/knowledge-bases", { auth: other })).json.knowledgeBases).toEqual([]);
    const read = await call(getBase, "/api/knowledge-bases/x", { auth: actor, params: { id: base.id } });
    expect(read.json).toMatchObject({ knowledgeBase: { id: base.id }, documents: [] });
    expect((await call(getBase, "/api/knowledge-bases/x", { auth: other, params: { id: base.id } })).status).toBe(404);
    expect(
      (await call(deleteBase, "/api/knowledge-bases/x", { method: "DELETE", auth: other, params: { id: base.id } }))
        .status,
    ).toBe(404);

    expect(
      (await call(deleteBase, "/api/knowledge-bases/x", { method: "DELETE", auth: actor, params: { id: base.id } }))
        .status,
    ).toBe(204);
    expect((await call(getBase, "/api/knowledge-bases/x", { auth: actor, params: { id: base.id } })).status).toBe(404);
  });

  it("makes a base the caller owns valid in retrieval nodes, and only theirs", async () => {
    const actor = await newActor();
    const other = await newActor();
    const base = await newBase(actor);
    const definition = echoDefinition();
    definition.nodes.splice(1, 0, {
      id: "search",
      type: "retrieval",
      position: { x: 100, y: 0 },
      data: { label: "Search", config: { knowledgeBaseId: base.id } },
    });
    definition.edges = [
      { id: "e1", source: "start", target: "search" },
      { id: "e2", source: "search", target: "model" },
      { id: "e3", source: "model", target: "end" },
    ];
    const mine = await call(validate, "/api/workflows/validate", { method: "POST", body: { definition }, auth: actor });
    expect(mine.json.validation.isValid).toBe(true);
    const theirs = await call(validate, "/api/workflows/validate", {
      method: "POST",
      body: { definition },
      auth: other,
    });
    expect(theirs.json.validation.errors).toContainEqual(
      expect.objectContaining({ code: "retrieval.unknown_knowledge_base" }),
    );
  });

  it("adds pasted text as a searchable document, and deletes it", async () => {
    const actor = await newActor();
    const base = await newBase(actor);
    const added = await call(addDocument, "/api/knowledge-bases/x/documents", {
      method: "POST",
      body: {
        title: "Refunds",
        text: "Refunds are paid within fourteen days of a return.\n\nShipping is free above fifty euros.",
      },
      auth: actor,
      params: { id: base.id },
    });
    expect(added.status).toBe(201);
    expect(added.json.document).toMatchObject({ knowledgeBaseId: base.id, title: "Refunds", mimeType: "text/plain" });
    expect(added.json.document.chunkCount).toBeGreaterThan(0);
    const hits = await searchKnowledge({ ownerId: actor.id, knowledgeBaseId: base.id, query: "refund days" });
    expect(hits[0]?.content).toContain("fourteen days");

    const read = await call(getBase, "/api/knowledge-bases/x", { auth: actor, params: { id: base.id } });
    expect(read.json.knowledgeBase.documentCount).toBe(1);
    expect(read.json.documents.map((d: { id: string }) => d.id)).toEqual([added.json.document.id]);

    const params = { id: base.id, documentId: added.json.document.id };
    const other = await newActor();
    expect(
      (await call(deleteDocument, "/api/knowledge-bases/x/documents/y", { method: "DELETE", auth: other, params }))
        .status,
    ).toBe(404);
    expect(
      (await call(deleteDocument, "/api/knowledge-bases/x/documents/y", { method: "DELETE", auth: actor, params }))
        .status,
    ).toBe(204);
    expect(await searchKnowledge({ ownerId: actor.id, knowledgeBaseId: base.id, query: "refund days" })).toEqual([]);
    expect(
      (await call(deleteDocument, "/api/knowledge-bases/x/documents/y", { method: "DELETE", auth: actor, params }))
        .status,
    ).toBe(404);
  });

  it("uploads .txt, .md and .pdf files and indexes their text", async () => {
    const actor = await newActor();
    const base = await newBase(actor);
    const txt = await upload(actor, base.id, new Blob(["Our office opens at nine."]), "hours.txt");
    expect(txt.status, txt.text).toBe(201);
    expect(txt.json.document).toMatchObject({ title: "hours", mimeType: "text/plain" });

    const md = await upload(
      actor,
      base.id,
      new Blob(["# Holidays\n\nThe office closes on public holidays."]),
      "Holidays.MD",
      "Holiday policy",
    );
    expect(md.status, md.text).toBe(201);
    expect(md.json.document).toMatchObject({ title: "Holiday policy", mimeType: "text/markdown" });

    const pdf = await upload(actor, base.id, new Blob([pdfWithText("Parking is behind the warehouse")]), "parking.pdf");
    expect(pdf.status, pdf.text).toBe(201);
    expect(pdf.json.document).toMatchObject({ title: "parking", mimeType: "application/pdf" });
    const hits = await searchKnowledge({ ownerId: actor.id, knowledgeBaseId: base.id, query: "parking warehouse" });
    expect(hits[0]?.title).toBe("parking");

    const read = await call(getBase, "/api/knowledge-bases/x", { auth: actor, params: { id: base.id } });
    expect(read.json.knowledgeBase.documentCount).toBe(3);
  });

  it("refuses other file types, fake PDFs, non-UTF-8 text, empty files and oversized uploads", async () => {
    const actor = await newActor();
    const base = await newBase(actor);
    const exe = await upload(actor, base.id, new Blob(["MZ..."]), "tool.exe");
    expect(exe.status).toBe(422);
    expect(exe.json.error).toMatchObject({ code: "validation:file_type", issues: [{ path: "file" }] });

    const fake = await upload(actor, base.id, new Blob(["just text"]), "report.pdf");
    expect(fake.status).toBe(422);
    expect(fake.json.error.message).toMatch(/not a PDF/);

    const latin1 = await upload(actor, base.id, new Blob([new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0xff])]), "menu.txt");
    expect(latin1.status).toBe(422);
    expect(latin1.json.error.issues[0].path).toBe("file");

    const empty = await upload(actor, base.id, new Blob(["   \n "]), "blank.txt");
    expect(empty.status).toBe(422);

    const huge = await upload(actor, base.id, new Blob([new Uint8Array(11 * 1024 * 1024).fill(0x61)]), "big.txt");
    expect(huge.status).toBe(413);

    const noFile = new FormData();
    noFile.set("title", "only a title");
    const missing = await read(
      await addDocument(
        new Request(`${BASE_URL}/api/knowledge-bases/${base.id}/documents`, {
          method: "POST",
          body: noFile,
          headers: { authorization: `Bearer ${actor.apiKey}` },
        }),
        routeContext({ id: base.id }),
      ),
    );
    expect(missing.status).toBe(422);
    expect(missing.json.error.issues[0].path).toBe("file");

    const read2 = await call(getBase, "/api/knowledge-bases/x", { auth: actor, params: { id: base.id } });
    expect(read2.json.knowledgeBase.documentCount).toBe(0);
  });

  it("answers 404 when uploading into another user's base, and writes nothing", async () => {
    const owner = await newActor();
    const other = await newActor();
    const base = await newBase(owner);
    const response = await upload(other, base.id, new Blob(["sneaky"]), "x.txt");
    expect(response.status).toBe(404);
    const text = await call(addDocument, "/api/knowledge-bases/x/documents", {
      method: "POST",
      body: { title: "t", text: "sneaky" },
      auth: other,
      params: { id: base.id },
    });
    expect(text.status).toBe(404);
    expect(
      (await call(getBase, "/api/knowledge-bases/x", { auth: owner, params: { id: base.id } })).json.documents,
    ).toEqual([]);
  });
});
