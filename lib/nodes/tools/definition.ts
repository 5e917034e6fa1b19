import { z } from "zod";
import { maxTokensField, modelField, credentialField, providerField, systemPromptField } from "../fields";
import { DEFAULT_MODEL_PROVIDER } from "@/lib/models/catalog";
import { defineNode, field } from "../types";

/** The built-in tool names (the tool registry in lib/tools implements them). */
export const BUILTIN_TOOL_NAMES = [
  "calculator",
  "current_time",
  "http_get",
  "knowledge_search",
  "run_workflow",
] as const;
export type BuiltinToolName = (typeof BUILTIN_TOOL_NAMES)[number];

/** An origin as the HTTP tool matches it: scheme, host and port, nothing else ("https://api.example.com"). */
export function originOf(text: string): string | undefined {
  try {
    const url = new URL(text);
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    if (url.username || url.password || url.pathname !== "/" || url.search || url.hash) return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

/**
 * What the HTTP tool adds to the requests it sends to one site the author chose: headers and query values,
 * which may use {{secrets.NAME}}. The model picks each URL; these are added only when its origin is this
 * one (never to a redirect elsewhere), and the model never sees their values.
 */
export const httpToolSiteSchema = z.object({
  origin: z
    .string()
    .trim()
    .min(1, "enter the site, e.g. https://api.example.com")
    .max(300)
    .refine((origin) => originOf(origin) !== undefined, {
      message: "must be a site such as https://api.example.com: http(s), a host and maybe a port, no path",
    }),
  headers: z.record(z.string().min(1).max(200), z.string().max(8000)).default({}),
  query: z.record(z.string().min(1).max(200), z.string().max(8000)).default({}),
});
export type HttpToolSite = z.infer<typeof httpToolSiteSchema>;

/** Tools of one of the user's MCP servers (Settings → MCP servers) that the model may call, by name. */
export const mcpToolSelectionSchema = z.object({
  serverId: z.string().min(1, "choose an MCP server").max(26),
  tools: z
    .array(z.string().min(1).max(128))
    .min(1, "choose at least one of the server's tools")
    .max(50)
    .refine((names) => new Set(names).size === names.length, { message: "lists a tool twice" }),
});
export type McpToolSelection = z.infer<typeof mcpToolSelectionSchema>;

export const toolsConfigSchema = z
  .object({
    provider: providerField(),
    model: modelField(),
    credentialId: credentialField(),
    systemPrompt: systemPromptField("Use the tools when they help answer the question."),
    tools: z
      .array(z.string().min(1).max(64))
      .max(20)
      .default(["calculator", "current_time"])
      .refine((names) => new Set(names).size === names.length, { message: "lists a tool twice" })
      .meta(field({ title: "Tools", description: "Tools the model may call.", widget: "tools" })),
    maxCalls: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(5)
      .meta(field({ title: "Max tool calls", description: "The loop stops after this many calls.", widget: "number" })),
    maxTokens: maxTokensField(),
    httpSites: z
      .array(httpToolSiteSchema)
      .max(20)
      .default([])
      .superRefine((sites, ctx) => {
        const seen = new Set<string>();
        sites.forEach((site, index) => {
          const origin = originOf(site.origin);
          if (origin && seen.has(origin)) {
            ctx.addIssue({ code: "custom", message: `lists ${origin} twice`, path: [index, "origin"] });
          }
          if (origin) seen.add(origin);
        });
      })
      .meta(
        field({
          title: "HTTP tool: sites and their keys",
          description:
            "Headers and query values http_get adds to requests to that exact site only; they may use {{secrets.NAME}} (Settings → Secrets). The model never sees them.",
          widget: "list",
          itemWidgets: { origin: "text", headers: "json", query: "json" },
          itemTitles: { origin: "Site", headers: "Headers", query: "Query values" },
          itemPlaceholders: {
            origin: "https://api.example.com",
            headers: '{ "Authorization": "Bearer {{secrets.API_TOKEN}}" }',
            query: '{ "api_key": "{{secrets.API_KEY}}" }',
          },
          advanced: true,
          usesSecrets: true,
        }),
      ),
    mcp: z
      .array(mcpToolSelectionSchema)
      .max(10)
      .default([])
      .refine((servers) => new Set(servers.map((s) => s.serverId)).size === servers.length, {
        message: "lists a server twice",
      })
      .meta(
        field({
          title: "MCP tools",
          description: "Tools of your MCP servers (Settings → MCP servers) the model may call.",
          widget: "mcpTools",
        }),
      ),
  })
  // Built-in tools, MCP tools or both: a node may call only its MCP servers' tools.
  .refine((config) => config.tools.length > 0 || config.mcp.length > 0, {
    message: "choose at least one tool (built-in or from an MCP server)",
    path: ["tools"],
  });
export type ToolsNodeConfig = z.infer<typeof toolsConfigSchema>;

export const toolsNode = defineNode({
  type: "tools",
  label: "Tools",
  description:
    "Lets a model call tools (calculator, time, HTTP, knowledge search, workflows, your MCP servers' tools) in a bounded loop.",
  category: "ai",
  icon: "Wrench",
  color: "#ea580c",
  configSchema: toolsConfigSchema,
  // A node added in the editor answers with its user's default model (an existing one without a provider keeps `local`).
  blankConfig: { provider: DEFAULT_MODEL_PROVIDER, model: "default" },
  uses: (config) => ({
    models: [{ provider: config.provider, model: config.model, field: "provider", credentialId: config.credentialId }],
    tools: config.tools.map((name, index) => ({ name, field: `tools.${index}` })),
    templates: [{ source: config.systemPrompt, field: "systemPrompt" }, ...siteTemplates(config.httpSites)],
    urls: config.httpSites.map((site, index) => ({ url: site.origin, field: `httpSites.${index}.origin` })),
    secrets: siteTemplates(config.httpSites),
    references: config.mcp.map((selection, index) => ({
      kind: "mcpServer" as const,
      id: selection.serverId,
      field: `mcp.${index}.serverId`,
    })),
  }),
  limits: (config) => ({
    toolCalls: { value: config.maxCalls, field: "maxCalls" },
    tokens: { value: config.maxTokens, field: "maxTokens" },
  }),
});

/** The header and query values of the HTTP tool's sites, as templates at their config paths. */
function siteTemplates(sites: HttpToolSite[]): Array<{ source: string; field: string }> {
  return sites.flatMap((site, index) => [
    ...Object.entries(site.headers).map(([name, value]) => ({
      source: value,
      field: `httpSites.${index}.headers.${name}`,
    })),
    ...Object.entries(site.query).map(([name, value]) => ({
      source: value,
      field: `httpSites.${index}.query.${name}`,
    })),
  ]);
}
