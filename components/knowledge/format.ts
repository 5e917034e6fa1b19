/** Words and numbers of the knowledge pages. Client-safe and pure. */
import { KNOWLEDGE_FILE_TYPES, KNOWLEDGE_LIMITS } from "@/lib/contracts/knowledge";

const BYTE_UNITS = ["KB", "MB", "GB"] as const;

/**
 * 0 B, 512 B, 1.5 KB, 12 KB, 3.4 MB: binary units (1 KB = 1024 B, as the API's 10 MiB cap counts), one
 * decimal below 10, whole numbers above.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1000) return `${Math.max(0, Math.round(bytes || 0))} B`;
  let value = bytes;
  let unit: (typeof BYTE_UNITS)[number] = "KB";
  for (const next of BYTE_UNITS) {
    value /= 1024;
    unit = next;
    if (value < 999.5) break;
  }
  const shown = value < 9.95 ? value.toFixed(1).replace(/\.0$/, "") : String(Math.round(value));
  return `${shown} ${unit}`;
}

/** "1 chunk", "3 chunks", "1,204 documents". */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString("en")} ${n === 1 ? singular : plural}`;
}

/** What kind of source a document came from, by the MIME type stored for it. */
export function documentKind(mimeType: string): string {
  switch (mimeType) {
    case KNOWLEDGE_FILE_TYPES[".md"]:
      return "Markdown";
    case KNOWLEDGE_FILE_TYPES[".pdf"]:
      return "PDF";
    case KNOWLEDGE_FILE_TYPES[".txt"]:
      return "Text";
    default:
      return mimeType;
  }
}

/** The `accept` of the file input: the extensions the API takes. */
export const ACCEPTED_FILE_TYPES = Object.keys(KNOWLEDGE_FILE_TYPES).join(",");

/**
 * Why a file will be refused before it is sent, or null. Only its size: a file over the cap would be
 * uploaded whole to be refused (or cut off mid-upload with no answer to read). Its type is left to the
 * server, whose refusal names the file and the types it takes.
 */
export function fileTooLarge(file: { name: string; size: number }): string | null {
  if (file.size <= KNOWLEDGE_LIMITS.fileMaxBytes) return null;
  return `"${file.name}" is ${formatBytes(file.size)}: a file may be at most ${formatBytes(KNOWLEDGE_LIMITS.fileMaxBytes)}.`;
}
