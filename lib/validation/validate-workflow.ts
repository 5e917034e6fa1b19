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
  try {
    const graph = checkSchema(definition, issues);
    if (graph) {
      const analysis = checkStructure(graph, issues);
      checkSecurity(analysis, user, context, issues);
      checkCapabilities(analysis, context, issues);
      checkLimits(analysis, context, issues);
    }
  } catch {
    // A bug in a stage must not turn into a 500 or a crashed editor: report it as an error of its own.
    issues.add({
      code: "validation.internal",
      message: "The workflow could not be fully checked. Please report this.",
    });
  }
  return { isValid: !issues.hasErrors, errors: issues.errors, warnings: issues.warnings };
}
