import "server-only";
import { renderTemplate } from "@/lib/expressions";
import type { NodeRunFunction } from "../runtime";
import { redactedError, runSecrets } from "../secrets";

const METHODS_WITH_BODY = new Set(["POST", "PUT", "PATCH"]);

/**
 * Calls an HTTP API through the SSRF guard and stores { status, body, url }; a 4xx/5xx fails the node. The
 * URL and headers may use the user's secrets ({{secrets.NAME}}); nothing the node returns or throws shows one.
 */
export const callHttp: NodeRunFunction<"http"> = async (state, config, runtime) => {
  const secrets = await runSecrets([config.url, ...Object.values(config.headers)], runtime);
  const scope = runtime.scope(state);
  const withSecrets = { ...scope, secrets: secrets.values };
  try {
    const url = renderTemplate(config.url, withSecrets).trim();
    const headers = Object.fromEntries(
      Object.entries(config.headers).map(([name, value]) => [name, renderTemplate(value, withSecrets)]),
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
    const shownUrl = secrets.redact(response.url);
    if (response.status >= 400) {
      throw new Error(`${config.method} ${shownUrl} answered HTTP ${response.status}.`);
    }
    const text = secrets.redact(response.body);
    let body: unknown = text;
    if (config.responseType === "json") {
      try {
        body = JSON.parse(text);
      } catch {
        throw new Error(`${config.method} ${shownUrl} did not answer with JSON.`);
      }
    }
    return { variables: { [config.responseVariable]: { status: response.status, body, url: shownUrl } } };
  } catch (error) {
    throw redactedError(error, secrets.redact);
  }
};
