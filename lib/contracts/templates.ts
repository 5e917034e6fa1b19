/** Template contracts: request bodies and response DTOs of /api/templates/**. Client-safe. */
import { z } from "zod";
import { DEFINITION_LIMITS, edgeSchema, graphSchema, nodeSchema } from "@/lib/workflow/definition";
import { idSchema, jsonRecordSchema, timestampSchema } from "@/lib/contracts/common";
import { repointedNodeSchema } from "@/lib/contracts/workflows";

export const TEMPLATE_CATEGORY_MAX_LENGTH = 50;

/** POST /api/templates and PUT /api/templates/:id: the whole template (a save replaces it). */
export const saveTemplateBodySchema = graphSchema
  .extend({
    name: z.string().trim().min(1, "must not be empty").max(DEFINITION_LIMITS.maxNameLength),
    description: z.string().max(DEFINITION_LIMITS.maxDescriptionLength).default(""),
    category: z.string().trim().min(1).max(TEMPLATE_CATEGORY_MAX_LENGTH).default("general"),
    /** Parameters a caller may set when instantiating (`{{params.name}}` in the graph), with their defaults. */
    defaultParams: jsonRecordSchema.default({}),
  })
  .strict()
  .meta({ id: "SaveTemplateBody" });
export type SaveTemplateBody = z.input<typeof saveTemplateBodySchema>;

export const templateSummarySchema = z
  .object({
    id: idSchema,
    slug: z.string().nullable().meta({ description: "Stable key of a built-in template; null for your own" }),
    name: z.string(),
    description: z.string(),
    category: z.string(),
    isBuiltin: z.boolean().meta({ description: "Built-ins are readable by everyone and changeable by no one" }),
    nodeCount: z.number().int(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: "TemplateSummary" });
export type TemplateSummary = z.infer<typeof templateSummarySchema>;

export const templateSchema = templateSummarySchema
  .extend({
    definition: z.object({ nodes: z.array(nodeSchema), edges: z.array(edgeSchema), metadata: jsonRecordSchema }),
    defaultParams: jsonRecordSchema,
  })
  .meta({ id: "Template" });
export type Template = z.infer<typeof templateSchema>;

export const templateListResponseSchema = z.object({ templates: z.array(templateSummarySchema) });
export const templateResponseSchema = z.object({
  template: templateSchema,
  repointedNodes: z.array(repointedNodeSchema).optional().meta({
    description:
      "Import only: model nodes whose credential you have no match for (same name and provider); they now use the default model",
  }),
});

/** POST /api/templates/:id/instantiate: a new saved workflow from the template. */
export const instantiateTemplateBodySchema = z
  .object({
    name: z.string().trim().min(1).max(DEFINITION_LIMITS.maxNameLength).optional(),
    description: z.string().max(DEFINITION_LIMITS.maxDescriptionLength).optional(),
    /** Values over the template's defaultParams; a name the template does not declare is refused. */
    params: jsonRecordSchema.optional(),
  })
  .strict()
  .meta({ id: "InstantiateTemplateBody" });
