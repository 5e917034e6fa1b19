/**
 * The ValidationResult contract (`validateWorkflow`'s answer) as a zod schema, for API responses and the
 * editor's live checks. Client-safe.
 */
import { z } from "zod";
import { VALIDATION_CODES, type ValidationCode, type ValidationResult } from "@/lib/validation/types";

const codes = Object.keys(VALIDATION_CODES) as [ValidationCode, ...ValidationCode[]];

export const validationIssueSchema = z
  .object({
    code: z.enum(codes),
    message: z.string(),
    nodeId: z.string().optional(),
    edgeId: z.string().optional(),
    path: z.string().optional(),
    position: z.number().int().optional(),
  })
  .meta({ id: "ValidationIssue" });

export const validationResultSchema = z
  .object({
    isValid: z.boolean(),
    errors: z.array(validationIssueSchema),
    warnings: z.array(validationIssueSchema),
  })
  .meta({
    id: "ValidationResult",
    description: "isValid is false when there is at least one error; warnings never block a run",
  });

// The schema and the validator's own type must describe the same thing.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _sameShape: Same<z.infer<typeof validationResultSchema>, ValidationResult> = true;
void _sameShape;
