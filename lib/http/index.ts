export { apiRoute, errorResponse, json, methodNotAllowed, noContent } from "./api-route";
export type { HttpMethod, RouteContext, RouteHandler } from "./api-route";
export {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_JSON_DEPTH,
  parseJsonBytes,
  parseSchema,
  readBodyBytes,
  readJson,
  readJsonValue,
} from "./read-json";
export type { ReadJsonOptions } from "./read-json";
