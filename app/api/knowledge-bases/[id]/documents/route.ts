/**
 * POST /api/knowledge-bases/:id/documents — adds a document: JSON `{ title, text }` for pasted text, or
 * multipart/form-data with a `file` (.txt, .md or .pdf, at most 10 MiB) and an optional `title`.
 * The text is split into chunks and indexed for search at once.
 */
import { authenticate } from "@/lib/auth/authenticate";
import { AppError } from "@/lib/errors";
import { apiRoute, json, methodNotAllowed, readBodyBytes, readJson } from "@/lib/http";
import { addTextDocumentBodySchema, KNOWLEDGE_LIMITS } from "@/lib/contracts/knowledge";
import { addFileDocument, addTextDocument } from "@/lib/services/knowledge";
import { BODY_LIMITS } from "../../../_lib/limits";
import { idParam } from "../../../_lib/params";

const notFound = () => new AppError("not_found:knowledge_base", "No such knowledge base.");

function formError(message: string, path = "file"): AppError {
  return new AppError("validation:form", message, { issues: [{ path, message }] });
}

async function readUpload(
  request: Request,
  contentType: string,
): Promise<{ fileName: string; bytes: Uint8Array; title?: string }> {
  // The whole body is capped before the form is parsed, so an endless upload is never buffered.
  const body = await readBodyBytes(request, BODY_LIMITS.UPLOAD);
  let form: FormData;
  try {
    form = await new Response(body as Uint8Array<ArrayBuffer>, { headers: { "content-type": contentType } }).formData();
  } catch {
    throw new AppError("bad_request:form", "The request body is not valid multipart/form-data.", {
      issues: [{ path: "(body)", message: "is not valid multipart/form-data" }],
    });
  }
  const file = form.get("file");
  if (file === null) throw formError("A `file` field is required.");
  if (typeof file === "string") throw formError("`file` must be a file, not a text field.");
  const title = form.get("title");
  if (title !== null && typeof title !== "string") throw formError("`title` must be text.", "title");
  if (typeof title === "string" && title.length > KNOWLEDGE_LIMITS.titleMaxLength) {
    throw formError(`\`title\` may be at most ${KNOWLEDGE_LIMITS.titleMaxLength} characters.`, "title");
  }
  return {
    fileName: file.name || "upload",
    bytes: new Uint8Array(await file.arrayBuffer()),
    ...(title ? { title } : {}),
  };
}

export const POST = apiRoute<{ id: string }>(async (request, { params }) => {
  const user = await authenticate(request);
  const knowledgeBaseId = await idParam(params, "id", notFound);
  const contentType = request.headers.get("content-type") ?? "";
  const document = contentType.toLowerCase().startsWith("multipart/form-data")
    ? await addFileDocument({ ownerId: user.id, knowledgeBaseId, ...(await readUpload(request, contentType)) })
    : await addTextDocument({
        ownerId: user.id,
        knowledgeBaseId,
        ...(await readJson(request, addTextDocumentBodySchema, { maxBytes: BODY_LIMITS.KNOWLEDGE_TEXT })),
      });
  return json({ document }, { status: 201 });
});

const others = methodNotAllowed(["POST"]);
export { others as DELETE, others as GET, others as PATCH, others as PUT };
