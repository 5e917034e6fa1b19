import { z } from "zod";
import { inputTemplateField } from "../fields";
import { defineNode, field } from "../types";

export const retrievalConfigSchema = z.object({
  knowledgeBaseId: z
    .string()
    .min(1, "choose a knowledge base")
    .max(100)
    .meta(field({ title: "Knowledge base", widget: "knowledgeBase" })),
  query: inputTemplateField("Query"),
  topK: z
    .number()
    .int()
    .min(1)
    .max(50)
    .default(4)
    .meta(field({ title: "Results", description: "How many passages to retrieve.", widget: "number" })),
});
export type RetrievalNodeConfig = z.infer<typeof retrievalConfigSchema>;

export const retrievalNode = defineNode({
  type: "retrieval",
  label: "Retrieval",
  description: "Searches a knowledge base; writes retrieval_context and the sources.",
  category: "data",
  icon: "BookOpen",
  color: "#0891b2",
  configSchema: retrievalConfigSchema,
  blankConfig: { knowledgeBaseId: "" },
  uses: (config) => ({
    templates: [{ source: config.query, field: "query" }],
    references: [{ kind: "knowledgeBase", id: config.knowledgeBaseId, field: "knowledgeBaseId" }],
  }),
});
