import { z } from "zod";
import { MAX_TEXT, variableNameSchema } from "../fields";
import { defineNode, field } from "../types";

export const httpConfigSchema = z.object({
  method: z
    .enum(["GET", "POST", "PUT", "PATCH", "DELETE"])
    .default("GET")
    .meta(field({ title: "Method", widget: "select" })),
  url: z
    .string()
    .min(1, "enter a URL")
    .max(2000)
    .meta(
      field({
        title: "URL",
        description: "http(s) only; may use {{variables}} and {{secrets.NAME}}.",
        widget: "prompt",
        placeholder: "https://api.example.com/items",
        usesSecrets: true,
      }),
    ),
  headers: z
    .record(z.string().min(1).max(200), z.string().max(8000))
    .default({})
    .meta(
      field({
        title: "Headers",
        description: "Values may use {{variables}} and {{secrets.NAME}} (Settings → Secrets).",
        widget: "json",
        usesSecrets: true,
      }),
    ),
  body: z
    .string()
    .max(MAX_TEXT)
    .default("")
    .meta(
      field({ title: "Body", description: "Sent with POST, PUT and PATCH; may use {{variables}}.", widget: "prompt" }),
    ),
  timeoutMs: z
    .number()
    .int()
    .min(100)
    .max(60_000)
    .default(10_000)
    .meta(field({ title: "Timeout (ms)", widget: "number", advanced: true })),
  responseType: z
    .enum(["json", "text"])
    .default("json")
    .meta(field({ title: "Response as", widget: "select", advanced: true })),
  responseVariable: variableNameSchema
    .default("http_response")
    .meta(field({ title: "Store response in", widget: "text" })),
});
export type HttpNodeConfig = z.infer<typeof httpConfigSchema>;

export const httpNode = defineNode({
  type: "http",
  label: "HTTP request",
  description: "Calls an HTTP API (private and internal addresses are refused) and stores the response.",
  category: "integration",
  icon: "Globe",
  color: "#475569",
  configSchema: httpConfigSchema,
  blankConfig: { url: "" },
  uses: (config) => ({
    urls: [{ url: config.url, field: "url" }],
    templates: [
      { source: config.url, field: "url" },
      ...Object.entries(config.headers).map(([name, value]) => ({ source: value, field: `headers.${name}` })),
      ...(config.body ? [{ source: config.body, field: "body" }] : []),
    ],
    secrets: [
      { source: config.url, field: "url" },
      ...Object.entries(config.headers).map(([name, value]) => ({ source: value, field: `headers.${name}` })),
    ],
  }),
});
