/**
 * The API's route files as the file system has them: every app/api/**\/route.ts, its OpenAPI-style path
 * ("/api/workflows/{id}") and the methods it really serves (an export answering 405 is not one).
 */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import type { RouteHandler } from "@/lib/http";
import { apiRequest, routeContext } from "./helpers";

const API_DIR = path.resolve(import.meta.dirname, "../../app/api");
/**
 * Framework plumbing, not API surface: next-auth's own handlers and the JSON 404 catch-all; and the
 * LangGraph Platform API's prefix, which LangGraph's own API reference documents (docs/langgraph-api.md;
 * tests/langgraph covers it with the official SDK).
 */
const EXCLUDED = new Set(["/api/auth/{...nextauth}", "/api/{...path}", "/api/langgraph/{...path}"]);
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

export interface RouteFile {
  file: string;
  path: string;
  module: () => Promise<Partial<Record<(typeof METHODS)[number], RouteHandler>>>;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return entry.startsWith("_") ? [] : walk(full);
    return entry === "route.ts" ? [full] : [];
  });
}

export function apiRouteFiles(): RouteFile[] {
  return walk(API_DIR)
    .map((file) => {
      const relative = path.relative(API_DIR, path.dirname(file)).split(path.sep).filter(Boolean);
      const apiPath = `/api${relative.map((segment) => `/${segment.replace(/^\[(.+)\]$/, "{$1}")}`).join("")}`;
      return { file, path: apiPath, module: () => import(/* @vite-ignore */ file) };
    })
    .filter((route) => !EXCLUDED.has(route.path));
}

/** The methods a route file serves: those whose handler answers something other than 405 to a bare request. */
export async function servedMethods(route: RouteFile): Promise<string[]> {
  const mod = await route.module();
  const params = Object.fromEntries(
    [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1]!, "01ARZ3NDEKTSV4RRFFQ69G5FAV"]),
  );
  const served: string[] = [];
  for (const method of METHODS) {
    const handler = mod[method];
    if (!handler) continue;
    const response = await handler(apiRequest(route.path, { method }), routeContext(params));
    await response.body?.cancel();
    if (response.status !== 405) served.push(method.toLowerCase());
  }
  return served;
}
