export {
  DEFAULT_EXPRESSION_MAX_DEPTH,
  DEFAULT_EXPRESSION_TIMEOUT_MS,
  evaluateCondition,
  evaluateExpression,
  ExpressionError,
  MAX_EXPRESSION_LENGTH,
  parseExpression,
  toBoolean,
} from "./jsonata";
export type { EvaluateOptions, ExpressionAst, ParseExpressionResult } from "./jsonata";
export { EXPRESSION_SCOPE_ROOTS } from "./scope";
export type { ExpressionScope, ExpressionScopeRoot } from "./scope";
export {
  listTemplateVariables,
  lookupPath,
  MAX_TEMPLATE_LENGTH,
  parseTemplate,
  renderTemplate,
  TemplateError,
} from "./template";
export type { ParseTemplateResult, RenderTemplateOptions, TemplatePart } from "./template";
