/**
 * The layers' import boundaries, held by the source tree itself (Biome's noRestrictedImports catches the
 * `@/…` forms in the editor; this resolves every import, relative ones included):
 * - lib/** never imports app/** or components/**;
 * - components/** never imports lib/db, lib/tracking, lib/queue or lib/services, nor any module marked
 *   `import "server-only"`;
 * - drizzle-orm is imported only under lib/db/**;
 * - lib/contracts/** (what the browser and the server share) imports nothing server-side;
 * - pages and layouts (app/** outside app/api) never import lib/db: they read through lib/services;
 * - nothing a component or a contract imports, followed through every value import, is server-only;
 * - the layers stack one way: lib/workflow, lib/nodes, lib/graph and lib/validation never import
 *   lib/engine, lib/nodes never imports lib/graph (the compiler sits above the nodes it compiles), lib/queue
 *   never imports lib/services; and no two files of lib import each other's values, however indirectly.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = process.cwd();
const SOURCE_DIRS = ["lib", "app", "components"];
const SKIP = new Set(["node_modules", ".next", ".data"]);
const EXTENSIONS = [".ts", ".tsx", ".js", ".mjs"];

interface SourceFile {
  file: string;
  text: string;
}

function sourceFiles(dir: string): SourceFile[] {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) return [];
  const files: SourceFile[] = [];
  for (const entry of fs.readdirSync(full, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(relative));
    else if (/\.(ts|tsx|mjs|js)$/.test(entry.name) && !/\.(test|spec)\.tsx?$/.test(entry.name)) {
      files.push({ file: relative, text: fs.readFileSync(path.join(root, relative), "utf8") });
    }
  }
  return files;
}

/** Every module specifier a file imports or re-exports, statically or with import(). */
function importsOf(text: string): string[] {
  return specifiersOf(text).map((s) => s.specifier);
}

/** Each specifier, and whether it brings values at run time (`import type` and `export type` do not). */
function specifiersOf(text: string): Array<{ specifier: string; value: boolean; lazy?: boolean }> {
  const found: Array<{ specifier: string; value: boolean; lazy?: boolean }> = [];
  const patterns = [
    /\bimport\s+(type\s+)?(?:[^'";]*?\s+from\s+)?["']([^"']+)["']/g,
    /\bexport\s+(type\s+)?(?:\*|\{[^}]*\})(?:\s+as\s+\w+)?\s+from\s+["']([^"']+)["']/g,
  ];
  for (const pattern of patterns)
    for (const match of text.matchAll(pattern)) found.push({ specifier: match[2]!, value: !match[1] });
  // import("…") loads when called: bundled with the caller, but no part of its module's initialisation.
  for (const match of text.matchAll(/\bimport\s*\(\s*["']([^"']+)["']\s*\)/g))
    found.push({ specifier: match[1]!, value: true, lazy: true });
  return found;
}

/** A specifier as a repository path (without extension), or the package it names. */
function resolveImport(
  fromFile: string,
  specifier: string,
): { kind: "file"; path: string } | { kind: "package"; name: string } {
  if (specifier.startsWith("@/")) return { kind: "file", path: specifier.slice(2) };
  if (specifier.startsWith("."))
    return { kind: "file", path: path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), specifier)) };
  const parts = specifier.split("/");
  return { kind: "package", name: specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]! };
}

function fileOf(modulePath: string, files: Map<string, SourceFile>): SourceFile | undefined {
  for (const candidate of [
    modulePath,
    ...EXTENSIONS.map((e) => modulePath + e),
    ...EXTENSIONS.map((e) => `${modulePath}/index${e}`),
  ]) {
    const file = files.get(candidate);
    if (file) return file;
  }
  return undefined;
}

const isServerAction = (file: SourceFile) => /^\s*["']use server["']/.test(file.text);
const isServerOnly = (file: SourceFile) => /^\s*import\s+["']server-only["']/m.test(file.text);
const under = (p: string, dir: string) => p === dir || p.startsWith(`${dir}/`);

/** Lower layers that never import the higher ones. */
const LAYERS: Array<[string, string]> = [
  ["lib/workflow", "lib/engine"],
  ["lib/nodes", "lib/engine"],
  ["lib/graph", "lib/engine"],
  ["lib/validation", "lib/engine"],
  ["lib/nodes", "lib/graph"],
  ["lib/queue", "lib/services"],
];

/** The repository file a specifier names, when it names one of `files`. */
function targetOf(fromFile: string, specifier: string, files: Map<string, SourceFile>): SourceFile | undefined {
  const target = resolveImport(fromFile, specifier);
  return target.kind === "file" ? fileOf(target.path, files) : undefined;
}

/** Browser code (components, contracts) that reaches a server-only module through value imports. */
function serverOnlyReached(list: SourceFile[]): string[] {
  const files = new Map(list.map((f) => [f.file, f]));
  const out: string[] = [];
  for (const start of list) {
    if (!under(start.file, "components") && !under(start.file, "lib/contracts")) continue;
    // Breadth-first through value imports; the first server-only module found names the chain.
    const seen = new Map<string, string[]>([[start.file, [start.file]]]);
    const queue = [start];
    while (queue.length > 0) {
      const file = queue.shift()!;
      const chain = seen.get(file.file)!;
      if (file !== start && isServerOnly(file)) {
        out.push(`${chain.join(" → ")}: browser code reaches a server-only module`);
        break;
      }
      // A "use server" module is called over the network (a server action), never bundled for the browser.
      if (file !== start && isServerAction(file)) continue;
      for (const { specifier, value } of specifiersOf(file.text)) {
        if (!value) continue;
        const next = targetOf(file.file, specifier, files);
        if (!next || seen.has(next.file)) continue;
        seen.set(next.file, [...chain, next.file]);
        queue.push(next);
      }
    }
  }
  return out;
}

/** Cycles of value imports among lib's files, each as its files in order. */
function valueCycles(list: SourceFile[]): string[] {
  const files = new Map(list.filter((f) => under(f.file, "lib")).map((f) => [f.file, f]));
  const edges = new Map<string, string[]>();
  for (const file of files.values()) {
    edges.set(
      file.file,
      specifiersOf(file.text)
        .filter((s) => s.value && !s.lazy)
        .map((s) => targetOf(file.file, s.specifier, files)?.file)
        .filter((f): f is string => !!f),
    );
  }
  const cycles: string[] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === "open") cycles.push([...stack.slice(stack.indexOf(next)), next].join(" → "));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of files.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

/** The boundary violations in `files`, one line each ("file → import: why"). */
function boundaryViolations(list: SourceFile[]): string[] {
  const files = new Map(list.map((f) => [f.file, f]));
  const out: string[] = [];
  for (const file of list) {
    for (const specifier of importsOf(file.text)) {
      const target = resolveImport(file.file, specifier);
      const where = `${file.file} → ${specifier}`;
      if (target.kind === "package") {
        if (target.name === "drizzle-orm" && !under(file.file, "lib/db"))
          out.push(`${where}: drizzle only under lib/db`);
        if (target.name === "server-only" && (under(file.file, "components") || under(file.file, "lib/contracts"))) {
          out.push(`${where}: browser code is never server-only`);
        }
        continue;
      }
      const p = target.path;
      if (under(file.file, "lib") && (under(p, "app") || under(p, "components")))
        out.push(`${where}: lib never imports app or components`);
      if (under(file.file, "app") && !under(file.file, "app/api") && under(p, "lib/db"))
        out.push(`${where}: pages read through lib/services, never lib/db`);
      for (const [from, to] of LAYERS) {
        if (under(file.file, from) && under(p, to)) out.push(`${where}: ${from} never imports ${to}`);
      }
      if (under(file.file, "components") || under(file.file, "lib/contracts")) {
        for (const layer of ["lib/db", "lib/tracking", "lib/queue", "lib/services"]) {
          if (under(p, layer))
            out.push(
              `${where}: ${file.file.split("/")[0] === "components" ? "components" : "contracts"} never import ${layer}`,
            );
        }
        const imported = fileOf(p, files);
        if (imported && isServerOnly(imported)) out.push(`${where}: imports a server-only module`);
      }
    }
  }
  return out;
}

describe("import boundaries", () => {
  const files = SOURCE_DIRS.flatMap(sourceFiles);

  it("reads the tree (the scan works)", () => {
    expect(files.length).toBeGreaterThan(100);
    const engine = files.find((f) => f.file === "lib/engine/execute.ts");
    expect(importsOf(engine!.text).length).toBeGreaterThan(5);
  });

  it("holds for the whole tree", () => {
    expect(boundaryViolations(files)).toEqual([]);
  });

  it("keeps browser code clear of server-only modules, however indirectly", () => {
    expect(serverOnlyReached(files)).toEqual([]);
  });

  it("has no value-import cycles in lib", () => {
    expect(valueCycles(files)).toEqual([]);
  });

  it("finds an indirect server-only import and a cycle when there is one", () => {
    const broken: SourceFile[] = [
      { file: "components/chat/view.tsx", text: 'import { a } from "@/lib/models/a";' },
      { file: "lib/models/a.ts", text: 'import { b } from "./b";\nimport type { C } from "./c";' },
      { file: "lib/models/b.ts", text: 'import "server-only";\nimport { a } from "./a";' },
      { file: "lib/models/c.ts", text: 'import "server-only";' },
    ];
    expect(serverOnlyReached(broken)).toEqual([
      "components/chat/view.tsx → lib/models/a.ts → lib/models/b.ts: browser code reaches a server-only module",
    ]);
    expect(valueCycles(broken)).toEqual(["lib/models/a.ts → lib/models/b.ts → lib/models/a.ts"]);
  });

  it("fails when a boundary is broken", () => {
    const broken: SourceFile[] = [
      {
        file: "lib/engine/x.ts",
        text: 'import { Thing } from "@/components/editor/thing";\nimport y from "../../app/api/y/route";',
      },
      {
        file: "components/chat/x.tsx",
        text: 'import { getDb } from "@/lib/db/client";\nimport { secret } from "./secret";',
      },
      { file: "components/chat/secret.ts", text: 'import "server-only";\nexport const secret = 1;' },
      { file: "lib/services/x.ts", text: 'import { sql } from "drizzle-orm";' },
      { file: "app/(app)/x/page.tsx", text: 'import { listTemplates } from "@/lib/db/queries/templates";' },
      { file: "lib/nodes/x.ts", text: 'import type { ExecutionContext } from "@/lib/engine/context";' },
      {
        file: "lib/contracts/x.ts",
        text: 'import "server-only";\nimport { getWorkflowTracker } from "../tracking/workflow-tracker";',
      },
    ];
    expect(boundaryViolations(broken)).toEqual([
      "lib/engine/x.ts → @/components/editor/thing: lib never imports app or components",
      "lib/engine/x.ts → ../../app/api/y/route: lib never imports app or components",
      "components/chat/x.tsx → @/lib/db/client: components never import lib/db",
      "components/chat/x.tsx → ./secret: imports a server-only module",
      "components/chat/secret.ts → server-only: browser code is never server-only",
      "lib/services/x.ts → drizzle-orm: drizzle only under lib/db",
      "app/(app)/x/page.tsx → @/lib/db/queries/templates: pages read through lib/services, never lib/db",
      "lib/nodes/x.ts → @/lib/engine/context: lib/nodes never imports lib/engine",
      "lib/contracts/x.ts → server-only: browser code is never server-only",
      "lib/contracts/x.ts → ../tracking/workflow-tracker: contracts never import lib/tracking",
    ]);
  });
});
