import "server-only";
import { json } from "@/lib/http";

/** A JSON body offered as a file download, named after `name` (reduced to safe characters). */
export function jsonDownload(body: unknown, name: string): Response {
  const base =
    name
      .normalize("NFKD")
      .replace(/[^A-Za-z0-9._-]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 80) || "workflow";
  return json(body, { headers: { "content-disposition": `attachment; filename="${base}.lattice.json"` } });
}
