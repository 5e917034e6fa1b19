/**
 * Workflow (definition) contracts: request bodies and response DTOs of /api/workflows/**. Client-safe.
 * The graph itself is the public definition format (lib/workflow/definition.ts), reused as is.
 */
import { z } from "zod";
import {
  DEFINITION_LIMITS,
  definitionSchema,
  edgeSchema,
  exportFileSchema,
  nodeSchema,
} from "@/lib/workflow/definition";
import { idSchema, jsonRecordSchema, timestampSchema } from "@/lib/contracts/common";
import { validationResultSchema } from "@/lib/contracts/validation";

/**
 * The longest text the save and import bodies accept (the schemas below enforce them): the editor shows them
 * where the name, a step's name and the description are typed.
 */
export const WORKFLOW_LIMITS = {
  nameMaxLength: DEFINITION_LIMITS.maxNameLength,
  nodeLabelMaxLength: DEFINITION_LIMITS.maxNameLength,
  descriptionMaxLength: DEFINITION_LIMITS.maxDescriptionLength,
} as const;

/** Body of POST /api/workflows and PUT /api/workflows/:id: a whole definition (a save replaces the graph). */
export const saveWorkflowBodySchema = definitionSchema
  .extend({
    /**
     * The version the editor started from. When given and no longer the latest, the save is refused with
     * 409 instead of silently overwriting someone else's change (another tab, another device).
     */
    baseVersion: z.number().int().min(1).optional(),
  })
  .strict()
  .meta({ id: "SaveWorkflowBody" });
export type SaveWorkflowBody = z.input<typeof saveWorkflowBodySchema>;

export const workflowSummarySchema = z
  .object({
    id: idSchema,
    name: z.string(),
    description: z.string(),
    version: z.number().int(),
    isValid: z.boolean().meta({ description: "false: a draft that cannot be executed until its errors are fixed" }),
    templateId: idSchema.nullable(),
    nodeCount: z.number().int(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: "WorkflowSummary" });
export type WorkflowSummary = z.infer<typeof workflowSummarySchema>;

const graphFields = {
  nodes: z.array(nodeSchema),
  edges: z.array(edgeSchema),
  metadata: jsonRecordSchema,
};

export const workflowSchema = workflowSummarySchema.extend(graphFields).meta({ id: "Workflow" });
export type Workflow = z.infer<typeof workflowSchema>;

export const workflowListResponseSchema = z.object({ workflows: z.array(workflowSummarySchema) });
export const workflowResponseSchema = z.object({ workflow: workflowSchema });
/**
 * A model node an import re-pointed at the default model: the file names a credential (by name) that the
 * importer has none of for that provider.
 */
export const repointedNodeSchema = z
  .object({
    nodeId: z.string(),
    label: z.string().optional(),
    credentialName: z.string().nullable().meta({ description: "The credential the file names (null: only an id)" }),
    provider: z.string().meta({ description: "The provider the node used in the file" }),
    model: z.string().meta({ description: "The model the node used in the file" }),
  })
  .meta({ id: "RepointedNode" });
export type RepointedNode = z.infer<typeof repointedNodeSchema>;

/** A save answers with the stored workflow and what the validator found (a draft may be invalid). */
export const workflowSavedResponseSchema = z
  .object({
    workflow: workflowSchema,
    validation: validationResultSchema,
    repointedNodes: z.array(repointedNodeSchema).optional().meta({
      description:
        "Import only: model nodes whose credential you have no match for (same name and provider); they now use the default model",
    }),
  })
  .meta({ id: "WorkflowSaved" });
export type WorkflowSavedResponse = z.infer<typeof workflowSavedResponseSchema>;

export const workflowVersionSummarySchema = z
  .object({
    version: z.number().int(),
    name: z.string(),
    summary: z.string().meta({ description: "What changed against the previous version, computed from the diff" }),
    nodeCount: z.number().int(),
    createdBy: idSchema.nullable(),
    createdAt: timestampSchema,
  })
  .meta({ id: "WorkflowVersionSummary" });
export type WorkflowVersionSummary = z.infer<typeof workflowVersionSummarySchema>;

export const workflowVersionSchema = workflowVersionSummarySchema
  .extend({ definitionId: idSchema, description: z.string(), ...graphFields })
  .meta({ id: "WorkflowVersion" });
export type WorkflowVersion = z.infer<typeof workflowVersionSchema>;

export const workflowVersionListResponseSchema = z.object({ versions: z.array(workflowVersionSummarySchema) });
export const workflowVersionResponseSchema = z.object({ version: workflowVersionSchema });

/** POST /api/workflows/validate: a definition in (anything: the validator reports what is wrong). */
export const validateWorkflowBodySchema = z
  .object({
    // Anything goes in (the validator reports what is wrong with it), but something must be sent.
    definition: z
      .unknown()
      .refine((value) => value !== undefined, "is required")
      .meta({
        description: "A workflow definition in the public format (anything: the validator reports what is wrong)",
      }),
    /** The saved definition this draft belongs to (catches a subworkflow that calls itself). */
    definitionId: idSchema.optional(),
  })
  .strict()
  .meta({ id: "ValidateWorkflowBody" });
export const validateWorkflowResponseSchema = z.object({ validation: validationResultSchema });

/** The export file (lib/workflow/definition.ts), as the import bodies take it and the export routes return it. */
export const workflowExportFileSchema = exportFileSchema.meta({ id: "WorkflowExportFile" });
export type WorkflowExportFile = z.infer<typeof workflowExportFileSchema>;

/** POST /api/workflows/:id/to-template: a template made from the workflow's latest version. */
export const workflowToTemplateBodySchema = z
  .object({
    name: z.string().trim().min(1).max(WORKFLOW_LIMITS.nameMaxLength).optional(),
    description: z.string().max(WORKFLOW_LIMITS.descriptionMaxLength).optional(),
    category: z.string().trim().min(1).max(50).optional(),
  })
  .strict();
