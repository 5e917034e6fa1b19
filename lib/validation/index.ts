export { validateWorkflow } from "./validate-workflow";
export {
  DEFAULT_VALIDATION_LIMITS,
  defaultValidationContext,
  VALIDATION_CODES,
} from "./types";
export type {
  ValidationCode,
  ValidationContext,
  ValidationIssue,
  ValidationLimits,
  ValidationProvider,
  ValidationResult,
  ValidationUser,
} from "./types";
export { checkUrlTarget, forbiddenAddressRange, isAllowListed } from "./network-targets";
export type { UrlTargetVerdict } from "./network-targets";
