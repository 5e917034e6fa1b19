/**
 * `npm run sdk:types`: regenerates the TypeScript SDK's types (sdk/typescript/src/generated/openapi.ts) from
 * the OpenAPI document — built in-process from lib/http/openapi.ts (what GET /api/openapi.json serves), or
 * read from a running server with `--url http://host:port`. tests/sdk/generated-types.test.ts fails when the
 * committed file no longer matches the document.
 */
import fs from "node:fs";
import path from "node:path";
import { createOpenApiDocument } from "@/lib/http/openapi";
import { GENERATED_TYPES_FILE, renderTypes } from "@/sdk/typescript/scripts/render-types";

const root = path.resolve(import.meta.dirname, "..");
const urlIndex = process.argv.indexOf("--url");
const url = urlIndex >= 0 ? process.argv[urlIndex + 1] : undefined;

async function loadDocument(): Promise<unknown> {
  if (!url) return createOpenApiDocument();
  const response = await fetch(new URL("/api/openapi.json", url));
  if (!response.ok) throw new Error(`GET /api/openapi.json answered ${response.status}`);
  return response.json();
}

const target = path.join(root, "sdk", "typescript", GENERATED_TYPES_FILE);
const text = await renderTypes(await loadDocument());
fs.mkdirSync(path.dirname(target), { recursive: true });
const before = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : undefined;
fs.writeFileSync(target, text);
console.log(`${path.relative(root, target)}: ${before === text ? "unchanged" : "written"}`);
