/**
 * Reads a file a user wants to import: an export file (`lattice.workflow`), or a bare definition (what the
 * API takes and what people paste from elsewhere), validated before anything is sent. Problems with the
 * file itself block the import; validation errors do not (it is imported as a draft to fix in the editor),
 * but are shown first. Pure and client-safe.
 */
import { definitionSchema, EXPORT_FORMAT_VERSION, exportFileSchema, type ExportFile } from "@/lib/workflow/definition";
import type { ValidationResult } from "@/lib/validation/types";

/** Import files above this size are refused before parsing (the API's body limit is in the same range). */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

export type ImportReading =
  | { ok: false; problems: string[] }
  | { ok: true; file: ExportFile; validation: ValidationResult; wrapped: boolean };

function issuesOf(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }, prefix = ""): string[] {
  return error.issues.slice(0, 8).map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}

export function readImport(text: string, validate: (definition: unknown) => ValidationResult): ImportReading {
  if (!text.trim()) return { ok: false, problems: ["The file is empty."] };
  if (text.length > MAX_IMPORT_BYTES) return { ok: false, problems: ["The file is larger than 5 MB."] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    return {
      ok: false,
      problems: [`This is not JSON: ${cause instanceof Error ? cause.message : "it does not parse"}.`],
    };
  }
  const isExportFile = typeof json === "object" && json !== null && "format" in json;
  let file: ExportFile;
  let wrapped = false;
  if (isExportFile) {
    const parsed = exportFileSchema.safeParse(json);
    if (!parsed.success)
      return {
        ok: false,
        problems: ["This is not a Lattice export file Lattice can read:", ...issuesOf(parsed.error)],
      };
    file = parsed.data;
  } else {
    const parsed = definitionSchema.safeParse(json);
    if (!parsed.success) {
      return {
        ok: false,
        problems: ["This is neither a Lattice export file nor a workflow definition:", ...issuesOf(parsed.error)],
      };
    }
    file = {
      format: "lattice.workflow",
      formatVersion: EXPORT_FORMAT_VERSION,
      kind: "definition",
      workflow: parsed.data,
    };
    wrapped = true;
  }
  return { ok: true, file, validation: validate(file.workflow), wrapped };
}
