/**
 * The HTTP statuses each route handler can answer, read from the code with the TypeScript compiler — not
 * from a list someone keeps next to it, which would go stale without a sound.
 *
 * From a route file's exported handler (GET, POST…) it follows every function the handler refers to, and
 * those functions' own references, through the whole project (not node_modules), and collects:
 * - every `new AppError(code, …)`: the status the code's type maps to (by the AppError class itself);
 * - every response made with `json(body, init)` (lib/http) or `new Response(body, init)`: the `status` of
 *   `init`, 200 without one.
 * A status it cannot read (a computed `status`, an AppError whose code is not a literal) is reported as
 * unreadable, so a new way of answering cannot slip past as "no status". What it follows is a superset of
 * what runs (every branch, every function mentioned); the test narrows it only by the explicit, reasoned
 * list of codes raised inside a running workflow (the engine turns those into the run's failure).
 */
import path from "node:path";
import ts from "typescript";
import { AppError, type ErrorCode } from "@/lib/errors";
import type { RouteFile } from "./route-files";

const ROOT = path.resolve(import.meta.dirname, "../..");
const HTTP_INDEX = path.join(ROOT, "lib/http/api-route.ts");

export interface StatusFinding {
  status: number;
  /** The AppError code, or "response" for a status a response is made with. */
  source: string;
  /** "file:line" where it is raised or made. */
  at: string;
}

export interface RouteStatuses {
  findings: StatusFinding[];
  /** Places where a status is decided by something the scan cannot read. */
  unreadable: string[];
}

/** The status an AppError code answers, by the AppError class (one mapping, the app's own). */
function statusOfCode(code: string): number {
  return new AppError(code as ErrorCode, "").status;
}

export function createRouteStatusScanner(routes: RouteFile[]) {
  const configFile = ts.readConfigFile(path.join(ROOT, "tsconfig.json"), ts.sys.readFile);
  const config = ts.parseJsonConfigFileContent(configFile.config, ts.sys, ROOT);
  // The project's own files only: an import from node_modules is left unresolved (its values are `any`).
  // The scan follows only the project's own code anyway, and the checker inferring the types of library
  // calls (drizzle's query builders, zod's schemas, Next's) was over half of the scan's time. The findings
  // are the same, every one of them, with and without the libraries; what this would miss is an own
  // function reached only through a library's generic type (a method of `lib<OwnInterface>()`'s result).
  const options: ts.CompilerOptions = { ...config.options, noEmit: true, incremental: false, types: [] };
  const host = ts.createCompilerHost(options);
  const resolutionCache = ts.createModuleResolutionCache(ROOT, (name) => name, options);
  host.resolveModuleNameLiterals = (literals, containingFile, redirectedReference, compilerOptions) =>
    literals.map((literal) => {
      const resolved = ts.resolveModuleName(
        literal.text,
        containingFile,
        compilerOptions,
        host,
        resolutionCache,
        redirectedReference,
      );
      return resolved.resolvedModule?.isExternalLibraryImport ||
        resolved.resolvedModule?.resolvedFileName.includes("/node_modules/")
        ? { resolvedModule: undefined }
        : resolved;
    });
  const program = ts.createProgram({ rootNames: routes.map((route) => route.file), options, host });
  const checker = program.getTypeChecker();

  const isOwn = (file: ts.SourceFile) => !file.isDeclarationFile && !file.fileName.includes("node_modules");
  const where = (node: ts.Node) => {
    const file = node.getSourceFile();
    const { line } = file.getLineAndCharacterOfPosition(node.getStart());
    return `${path.relative(ROOT, file.fileName)}:${line + 1}`;
  };
  const resolve = (symbol: ts.Symbol | undefined) =>
    symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;

  /** The code bodies a symbol stands for: a function's, or a variable's initializer (an arrow, apiRoute(…)). */
  function bodiesOf(symbol: ts.Symbol | undefined): ts.Node[] {
    const target = resolve(symbol);
    return (target?.declarations ?? [])
      .filter((declaration) => isOwn(declaration.getSourceFile()))
      .flatMap((declaration): ts.Node[] => {
        if (
          ts.isFunctionDeclaration(declaration) ||
          ts.isMethodDeclaration(declaration) ||
          ts.isArrowFunction(declaration) ||
          ts.isFunctionExpression(declaration)
        )
          return [declaration];
        if ((ts.isVariableDeclaration(declaration) || ts.isPropertyAssignment(declaration)) && declaration.initializer)
          return [declaration.initializer];
        if (ts.isShorthandPropertyAssignment(declaration))
          return bodiesOf(checker.getShorthandAssignmentValueSymbol(declaration));
        return [];
      });
  }

  /** `json` and `errorResponse` of lib/http: the first is read at each call, the second is AppError's path. */
  function httpHelper(expression: ts.Expression): "json" | "errorResponse" | null {
    const symbol = resolve(checker.getSymbolAtLocation(expression));
    const declaration = symbol?.declarations?.[0];
    if (!declaration || path.resolve(declaration.getSourceFile().fileName) !== HTTP_INDEX) return null;
    if (symbol.name === "json" || symbol.name === "errorResponse") return symbol.name;
    return null;
  }

  const isAppErrorType = (expression: ts.Expression) =>
    checker.typeToString(checker.getTypeAtLocation(expression)) === "AppError";

  /** The status a response is made with, from its `init` argument. */
  function responseStatus(init: ts.Expression | undefined, out: RouteStatuses, node: ts.Node): void {
    if (!init) {
      out.findings.push({ status: 200, source: "response", at: where(node) });
      return;
    }
    if (!ts.isObjectLiteralExpression(init)) {
      out.unreadable.push(`${where(node)}: a response's init is not an object literal`);
      return;
    }
    const property = init.properties.find(
      (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === "status",
    );
    if (!property) {
      if (init.properties.some((p) => ts.isSpreadAssignment(p)))
        out.unreadable.push(`${where(node)}: a response's init is spread`);
      else out.findings.push({ status: 200, source: "response", at: where(node) });
      return;
    }
    const value = property.initializer;
    if (ts.isNumericLiteral(value)) {
      out.findings.push({ status: Number(value.text), source: "response", at: where(node) });
      return;
    }
    // `{ status: error.status }` of an AppError: its status is the one its construction was counted with.
    if (ts.isPropertyAccessExpression(value) && value.name.text === "status" && isAppErrorType(value.expression))
      return;
    out.unreadable.push(`${where(node)}: status ${value.getText()}`);
  }

  function scan(root: ts.Node, out: RouteStatuses, seen: Set<ts.Node>): void {
    if (seen.has(root)) return;
    seen.add(root);
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node)) {
        const name = resolve(checker.getSymbolAtLocation(node.expression))?.name;
        if (name === "AppError") {
          const code = node.arguments?.[0];
          const text =
            code && ts.isStringLiteralLike(code)
              ? code.text
              : code && ts.isTemplateExpression(code) && code.head.text.includes(":")
                ? code.head.text
                : null;
          if (text) out.findings.push({ status: statusOfCode(text), source: text, at: where(node) });
          else out.unreadable.push(`${where(node)}: AppError code ${code?.getText() ?? "(none)"}`);
        } else if (name === "Response") {
          // `new Response(body).formData()` parses a body; only a response that is sent answers.
          const parses = ts.isPropertyAccessExpression(node.parent) && node.parent.expression === node;
          if (!parses) responseStatus(node.arguments?.[1], out, node);
        }
      }
      if (ts.isCallExpression(node)) {
        const helper = httpHelper(node.expression);
        if (helper === "json") responseStatus(node.arguments[1], out, node);
        if (helper) {
          // Not into the helper itself: its inner `new Response` is this call's response.
          for (const argument of node.arguments) visit(argument);
          return;
        }
      }
      if (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) {
        const name = ts.isPropertyAccessExpression(node) ? node.name : node;
        for (const body of bodiesOf(checker.getSymbolAtLocation(name))) scan(body, out, seen);
      }
      ts.forEachChild(node, visit);
    };
    visit(root);
  }

  const cache = new Map<string, RouteStatuses>();
  /** What the handler `method` of a route file can answer. */
  return function statusesOf(route: RouteFile, method: string): RouteStatuses {
    const key = `${method} ${route.file}`;
    const cached = cache.get(key);
    if (cached) return cached;
    const file = program.getSourceFile(route.file);
    const moduleSymbol = file && checker.getSymbolAtLocation(file);
    const exported = moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((s) => s.name === method);
    if (!exported) throw new Error(`${route.file} exports no ${method}`);
    const out: RouteStatuses = { findings: [], unreadable: [] };
    const seen = new Set<ts.Node>();
    for (const body of bodiesOf(exported)) scan(body, out, seen);
    cache.set(key, out);
    return out;
  };
}
