/**
 * Tools a workflow's model can call, built per run as LangChain structured tools bound to the run's
 * owner, abort signal and nesting depth. Metadata and input schemas live in ./catalog (client-safe).
 * Tools throw AppError on bad input or refused actions; the tools node turns an error into a ToolMessage
 * the model can read, so a wrong expression or a refused URL does not end the run.
 */
import "server-only";
import { tool, type StructuredToolInterface } from "@langchain/core/tools";
import type { z } from "zod";
import { AppError } from "@/lib/errors";
import { safeFetch } from "@/lib/net/safe-fetch";
import { redactedError } from "@/lib/nodes/secrets";
import { KNOWLEDGE_LIMITS } from "@/lib/contracts/knowledge";
import { searchKnowledge } from "@/lib/retrieval";
import { CalculatorError, evaluateExpression, formatNumber } from "./calculator";
import {
  calculatorInput,
  currentTimeInput,
  httpGetInput,
  isToolName,
  knowledgeSearchInput,
  runWorkflowInput,
  TOOL_LIMITS,
  TOOL_NAMES,
  toolDefinitions,
  type ToolName,
} from "./catalog";

export { toolDefinitions, TOOL_NAMES, TOOL_LIMITS, isToolName, type ToolName } from "./catalog";

export interface ToolRuntime {
  ownerId: string;
  signal?: AbortSignal;
  /** How deep in run_workflow nesting this run is (0 for a top-level run). */
  depth: number;
  /** Bases knowledge_search may read; undefined or empty: all of the owner's. */
  knowledgeBaseIds?: string[];
  /** Runs another saved workflow through the engine and returns its answer (provided by the engine). */
  runWorkflow?: (args: { definitionId: string; input: unknown }) => Promise<string>;
  /** What http_get adds to requests to the sites the workflow's author chose (their secrets resolved). */
  http?: HttpToolAccess;
}

/**
 * The tools node's HTTP sites for one run: headers and query values (rendered, secrets included) added to a
 * request only when its origin is the site's, and `redact`, which hides those secrets again in everything
 * http_get returns or throws — the model, the tool_call events and the stored messages never see one.
 */
export interface HttpToolAccess {
  sites: Array<{ origin: string; headers: Record<string, string>; query: Record<string, string> }>;
  redact(text: string): string;
}

type ToolFactory = (runtime: ToolRuntime) => StructuredToolInterface;

function describe(name: ToolName): string {
  return toolDefinitions.find((t) => t.name === name)!.description;
}

/** The run's signal and the call's own (LangChain passes one per tool call), whichever aborts first. */
function callSignal(runtime: ToolRuntime, config: unknown): AbortSignal | undefined {
  const own = (config as { signal?: AbortSignal } | undefined)?.signal;
  const signals = [runtime.signal, own].filter((s): s is AbortSignal => s !== undefined);
  if (signals.length <= 1) return signals[0];
  return AbortSignal.any(signals);
}

export function calculate(expression: string): string {
  try {
    return formatNumber(evaluateExpression(expression));
  } catch (error) {
    if (error instanceof CalculatorError) {
      throw new AppError("bad_request:calculator", `Cannot evaluate "${expression}": ${error.message}.`, {
        cause: error,
      });
    }
    throw error;
  }
}

export function describeCurrentTime(timezone: string | undefined, now: Date = new Date()): string {
  const zone = timezone?.trim() || "UTC";
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      weekday: "long",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      timeZoneName: "longOffset",
    }).formatToParts(now);
  } catch {
    throw new AppError(
      "bad_request:current_time",
      `Unknown time zone "${zone}": use an IANA name such as Europe/Paris.`,
    );
  }
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  const offset = part("timeZoneName").replace(/^GMT/, "") || "+00:00";
  return JSON.stringify({
    utc: now.toISOString(),
    timezone: zone,
    local: `${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")}:${part("second")}`,
    weekday: part("weekday"),
    utcOffset: offset,
  });
}

/** Visible text of an HTML page: scripts, styles and tags removed, entities for the common characters decoded. */
function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|noscript|template)\b[\s\S]*?<\/\1\s*>/gi, " ")
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/<(br|\/p|\/div|\/li|\/h[1-6]|\/tr)\b[^>]*>/gi, "\n")
    .replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/[ \t\f\v]+/g, " ")
    .replace(/\s*\n\s*/g, "\n")
    .trim();
}

/**
 * The URL the model chose, with its site's query values, and that site's headers — only when the URL's origin
 * (scheme, host, port) is one the author listed. Anything else goes out as the model wrote it.
 */
function withSiteAccess(
  url: string,
  access: HttpToolAccess | undefined,
): { target: string; headers?: Record<string, string> } {
  if (!access?.sites.length) return { target: url };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { target: url };
  }
  const site = access.sites.find((s) => s.origin === parsed.origin);
  if (!site) return { target: url };
  for (const [name, value] of Object.entries(site.query)) parsed.searchParams.set(name, value);
  return { target: parsed.toString(), headers: site.headers };
}

const factories: Record<ToolName, ToolFactory> = {
  calculator: () =>
    tool(async ({ expression }: z.infer<typeof calculatorInput>) => calculate(expression), {
      name: "calculator",
      description: describe("calculator"),
      schema: calculatorInput,
    }),

  current_time: () =>
    tool(async ({ timezone }: z.infer<typeof currentTimeInput>) => describeCurrentTime(timezone), {
      name: "current_time",
      description: describe("current_time"),
      schema: currentTimeInput,
    }),

  http_get: (runtime) =>
    tool(
      async ({ url, maxChars }: z.infer<typeof httpGetInput>, config) => {
        const signal = callSignal(runtime, config);
        const redact = runtime.http?.redact ?? ((text: string) => text);
        const { target, headers } = withSiteAccess(url, runtime.http);
        let response: Awaited<ReturnType<typeof safeFetch>>;
        try {
          response = await safeFetch(target, {
            ...(signal ? { signal } : {}),
            ...(headers ? { headers, originBoundHeaders: Object.keys(headers) } : {}),
          });
        } catch (error) {
          // A timeout's message quotes the URL, query values included.
          throw redactedError(error, redact);
        }
        const contentType = response.headers["content-type"] ?? "";
        const text = redact(/html/i.test(contentType) ? htmlToText(response.body) : response.body);
        const limit = maxChars ?? TOOL_LIMITS.defaultHttpChars;
        return JSON.stringify({
          status: response.status,
          url: redact(response.url),
          contentType,
          body: text.slice(0, limit),
          ...(text.length > limit ? { truncated: true, totalChars: text.length } : {}),
        });
      },
      { name: "http_get", description: describe("http_get"), schema: httpGetInput },
    ),

  knowledge_search: (runtime) =>
    tool(
      async ({ query, topK, knowledgeBaseId }: z.infer<typeof knowledgeSearchInput>) => {
        // An empty list means the workflow named no base: search all of the owner's rather than none.
        const allowed = runtime.knowledgeBaseIds?.length ? runtime.knowledgeBaseIds : undefined;
        if (knowledgeBaseId && allowed && !allowed.includes(knowledgeBaseId)) {
          throw new AppError(
            "forbidden:knowledge_search",
            `Knowledge base ${knowledgeBaseId} is not available to this workflow.`,
          );
        }
        const hits = await searchKnowledge({
          ownerId: runtime.ownerId,
          ...(knowledgeBaseId ? { knowledgeBaseId } : allowed ? { knowledgeBaseId: allowed } : {}),
          query,
          topK: topK ?? KNOWLEDGE_LIMITS.defaultTopK,
        });
        if (hits.length === 0) return "No matching passages were found.";
        return JSON.stringify(
          hits.map((h) => ({
            title: h.title,
            content: h.content,
            score: Number(h.score.toFixed(4)),
            documentId: h.documentId,
            chunkId: h.chunkId,
          })),
        );
      },
      { name: "knowledge_search", description: describe("knowledge_search"), schema: knowledgeSearchInput },
    ),

  run_workflow: (runtime) =>
    tool(
      async ({ definitionId, message, variables }: z.infer<typeof runWorkflowInput>, config) => {
        if (!runtime.runWorkflow) {
          throw new AppError("bad_request:run_workflow", "Running another workflow is not available here.");
        }
        if (runtime.depth >= TOOL_LIMITS.maxWorkflowDepth) {
          throw new AppError(
            "bad_request:run_workflow",
            `Workflows may nest at most ${TOOL_LIMITS.maxWorkflowDepth} deep; this run is already at depth ${runtime.depth}.`,
          );
        }
        callSignal(runtime, config)?.throwIfAborted();
        return runtime.runWorkflow({ definitionId, input: { message, ...(variables ? { variables } : {}) } });
      },
      { name: "run_workflow", description: describe("run_workflow"), schema: runWorkflowInput },
    ),
};

/** Builds the named tools for one run. Unknown names are an error, not silently skipped. */
export function createTools(names: string[], runtime: ToolRuntime): StructuredToolInterface[] {
  const unknown = names.filter((n) => !isToolName(n));
  if (unknown.length > 0) {
    throw new AppError(
      "bad_request:tool",
      `Unknown tool${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}. Available: ${TOOL_NAMES.join(", ")}.`,
    );
  }
  return [...new Set(names as ToolName[])].map((name) => factories[name](runtime));
}
