/**
 * Invariant 1, held by the source tree itself: only lib/graph builds a LangGraph graph, and only the engine
 * compiles and runs one (lib/engine/compiled-workflows.ts compiles, once per definition, for execute).
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = process.cwd();
const SOURCE_DIRS = ["lib", "app", "components", "scripts"];
const SKIP = new Set(["node_modules", ".next", ".data"]);

function sourceFiles(dir: string): string[] {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) return [];
  const files: string[] = [];
  for (const entry of fs.readdirSync(full, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(relative));
    else if (/\.(ts|tsx|js|mjs|cjs)$/.test(entry.name)) files.push(relative);
  }
  return files;
}

const files = SOURCE_DIRS.flatMap(sourceFiles).map((file) => ({
  file,
  text: fs.readFileSync(path.join(root, file), "utf8"),
}));

/** Graph constructors of LangGraph (and its functional API), imported or used. */
const BUILDERS = /\b(StateGraph|MessageGraph|Pregel|entrypoint|createReactAgent)\b/;
const LANGGRAPH_IMPORT = /import\s*\{([^}]*)\}\s*from\s*["']@langchain\/langgraph(?:\/[^"']*)?["']/g;

function buildsGraph(text: string): boolean {
  if (/new\s+(StateGraph|MessageGraph|Pregel)\b/.test(text)) return true;
  for (const match of text.matchAll(LANGGRAPH_IMPORT)) if (BUILDERS.test(match[1] ?? "")) return true;
  return false;
}

describe("one execution path", () => {
  it("finds graph construction in the graph builder (the scan works)", () => {
    expect(files.length).toBeGreaterThan(20);
    expect(files.filter((f) => buildsGraph(f.text)).map((f) => f.file)).toContain(
      path.join("lib", "graph", "compile-workflow.ts"),
    );
  });

  it("no module outside lib/graph and lib/engine constructs a LangGraph graph", () => {
    const offenders = files
      .filter(
        (f) =>
          !f.file.startsWith(path.join("lib", "graph") + path.sep) &&
          !f.file.startsWith(path.join("lib", "engine") + path.sep),
      )
      .filter((f) => buildsGraph(f.text))
      .map((f) => f.file);
    expect(offenders).toEqual([]);
  });

  it("only the engine compiles a workflow", () => {
    const callers = files
      .filter((f) => f.file !== path.join("lib", "graph", "compile-workflow.ts"))
      .filter((f) => /\bcompileWorkflow\b/.test(f.text))
      .map((f) => f.file);
    expect(callers).toEqual([path.join("lib", "engine", "compiled-workflows.ts")]);
  });
});
