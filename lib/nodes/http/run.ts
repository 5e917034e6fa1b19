import "server-only";
import { renderTemplate } from "@/lib/expressions";
import type { NodeRunFunction } from "../runtime";

const METHODS_WITH_BODY = new Set(["POST", "PUT", "PATCH"]);

/** Calls an HTTP API through the SSRF guard and stores { status, body, url }; a 4xx/5xx fails the node. */
export const callHttp: NodeRunFunction<"http"> = async (state, config, runtime) => {
  const scope = runtime.scope(state);
  const url = renderTemplate(config.url, scope).trim();
  const headers = Object.fromEntries(
    Object.entries(config.headers).map(([name, value]) => [name, renderTemplate(value, scope)]),
  );
  const withBody = METHODS_WITH_BODY.has(config.method) && config.body !== "";
  await runtime.started;
  const response = await runtime.resources.safeFetch(url, {
    method: config.method,
    headers,
    ...(withBody ? { body: renderTemplate(config.body, scope) } : {}),
    signal: runtime.signal,
    timeoutMs: config.timeoutMs,
  });
  if (response.status >= 400) {
    throw new Error(`${config.method} ${response.url} answered HTTP ${response.status}.`);
  }
  let body: unknown = response.body;
  if (config.responseType === "json") {
    try {
      body = JSON.parse(response.body);
    } catch {
      throw new Error(`${config.method} ${response.url} did not answer with JSON.`);
    }
  }
  return { variables: { [config.responseVariable]: { status: response.status, body, url: response.url } } };
};
