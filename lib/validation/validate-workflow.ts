/**
 * The one validation entry point (ARCHITECTURE.md invariant 5): the API, the editor's live checks, import
 * and the engine all call `validateWorkflow`. Stages run in order — schema → structure → security →
 * capability → limits — and a schema failure stops the chain, since the later stages need a well-formed
 * graph. It never throws: any input, however hostile, gets a result. Client-safe.
 */
import { IssueCollector } from "./analysis";
import { checkCapabilities } from "./stages/capability";
import { checkLimits } from "./stages/limits";
import { checkSchema } from "./stages/schema";
import { checkSecurity } from "./stages/security";
import { checkStructure } from "./stages/structure";
import { defaultValidationContext, type ValidationContext, type ValidationResult, type ValidationUser } from "./types";

export function validateWorkflow(
  definition: unknown,
  user: ValidationUser,
  context: ValidationContext = defaultValidationContext(),
): ValidationResult {
  const issues = new IssueCollector();
  let stage = "schema";
  try {
    const graph = checkSchema(definition, issues);
    if (graph) {
      stage = "structure";
      const analysis = checkStructure(graph, issues);
      stage = "security";
      checkSecurity(analysis, user, context, issues);
      stage = "capability";
      checkCapabilities(analysis, context, issues);
      stage = "limits";
      checkLimits(analysis, context, issues);
    }
  } catch (error) {
    // A bug in a stage must not turn into a 500 or a crashed editor: report it as an error of its own, and
    // log it (server or browser console) so the bug can be found.
    console.error(`[validation] the ${stage} stage threw; the workflow is reported as not fully checked`, error);
    issues.add({
      code: "validation.internal",
      message: "The workflow could not be fully checked. Please report this.",
    });
  }
  return { isValid: !issues.hasErrors, errors: issues.errors, warnings: issues.warnings };
}
