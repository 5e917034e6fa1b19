/**
 * The tool registry's client-safe half: name, label, description and zod input schema per tool. The editor's
 * tool picker, the validator and the server-side `createTools` all read this list, so a new tool is one entry
 * here plus its implementation in ./index.
 */
import { z } from "zod";
import { KNOWLEDGE_LIMITS } from "@/lib/contracts/knowledge";

export const TOOL_LIMITS = {
  /** Nesting of run_workflow calls (a workflow running a workflow running …). */
  maxWorkflowDepth: 5,
  maxSearchResults: 20,
  /** Characters of a fetched page handed back to the model. */
  maxHttpChars: 100_000,
  defaultHttpChars: 20_000,
} as const;

export const calculatorInput = z.object({
  expression: z
    .string()
    .min(1)
    .max(1000)
    .describe(
      "An arithmetic expression, e.g. (2 + 3) * sqrt(16) / 2^3. Functions: sqrt, round, abs, log, sin, min, max…",
    ),
});

export const currentTimeInput = z.object({
  timezone: z
    .string()
    .max(64)
    .optional()
    .describe("An IANA time zone such as Europe/Paris or America/New_York; default UTC"),
});

export const httpGetInput = z.object({
  url: z.string().max(2048).describe("The http(s) URL to fetch"),
  maxChars: z
    .number()
    .int()
    .min(100)
    .max(TOOL_LIMITS.maxHttpChars)
    .optional()
    .describe(`Characters of the body to return (default ${TOOL_LIMITS.defaultHttpChars})`),
});

export const knowledgeSearchInput = z.object({
  query: z.string().min(1).max(KNOWLEDGE_LIMITS.queryMaxLength).describe("What to look for in the knowledge base"),
  topK: z
    .number()
    .int()
    .min(1)
    .max(TOOL_LIMITS.maxSearchResults)
    .optional()
    .describe(`How many passages (default ${KNOWLEDGE_LIMITS.defaultTopK})`),
  knowledgeBaseId: z.string().max(26).optional().describe("Search only this knowledge base"),
});

export const runWorkflowInput = z.object({
  definitionId: z.string().min(1).max(26).describe("The id of the saved workflow to run"),
  message: z.string().max(100_000).describe("The input message for that workflow"),
  variables: z.record(z.string(), z.unknown()).optional().describe("Input variables for that workflow"),
});

export const toolDefinitions = [
  {
    name: "calculator",
    label: "Calculator",
    description: "Evaluates an arithmetic expression exactly and returns the number. Use it for any arithmetic.",
    inputSchema: calculatorInput,
  },
  {
    name: "current_time",
    label: "Current time",
    description: "Returns the current date and time, in UTC and in the given time zone.",
    inputSchema: currentTimeInput,
  },
  {
    name: "http_get",
    label: "HTTP GET",
    description:
      "Fetches a public web page or API over http(s) and returns its status and body (internal addresses are refused).",
    inputSchema: httpGetInput,
  },
  {
    name: "knowledge_search",
    label: "Knowledge search",
    description:
      "Searches the user's knowledge bases and returns the most relevant passages with their document titles.",
    inputSchema: knowledgeSearchInput,
  },
  {
    name: "run_workflow",
    label: "Run workflow",
    description: "Runs another saved workflow with a message and returns its answer.",
    inputSchema: runWorkflowInput,
  },
] as const;

export type ToolDefinition = (typeof toolDefinitions)[number];
export type ToolName = ToolDefinition["name"];
export const TOOL_NAMES = toolDefinitions.map((t) => t.name) as ToolName[];

export function isToolName(name: string): name is ToolName {
  return (TOOL_NAMES as string[]).includes(name);
}
