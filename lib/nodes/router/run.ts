import "server-only";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { renderTemplate } from "@/lib/expressions";
import { callModel, modelSpec, usageOf } from "../call-model";
import type { NodeRunFunction } from "../runtime";
import { DEFAULT_ROUTE, type Route } from "./definition";

/** A model classifies the input into one of the routes; an answer naming none goes to "default". */
export const classifyInput: NodeRunFunction<"router"> = async (state, config, runtime) => {
  const scope = runtime.scope(state);
  const { model, spec } = await runtime.chatModel(modelSpec(config, runtime.rawConfig));
  const routes = config.routes.map((r) => `- ${r.key}: ${r.description}`).join("\n");
  const system = `${renderTemplate(config.instructions, scope)}\n\nRoutes:\n${routes}\n\nAnswer with the route key only.`;
  const reply = await callModel(
    model,
    [new SystemMessage(system), new HumanMessage(renderTemplate(config.input, scope))],
    runtime,
    { stream: false },
  );
  return {
    conditional_results: { [runtime.node.id]: pickRoute(reply.text, config.routes) },
    usage_metadata: usageOf(spec, reply),
  };
};

/** The route the answer names: exactly, else the first key that appears in it as a word. */
export function pickRoute(answer: string, routes: Route[]): string {
  const normalized = answer
    .trim()
    .toLowerCase()
    .replace(/^["'`]+|["'`.!]+$/g, "");
  const exact = routes.find((r) => r.key.toLowerCase() === normalized);
  if (exact) return exact.key;
  let best: { key: string; index: number } | undefined;
  for (const route of routes) {
    const pattern = new RegExp(`(^|[^a-z0-9_-])${route.key.toLowerCase().replace(/[-]/g, "\\-")}($|[^a-z0-9_-])`);
    const match = pattern.exec(answer.toLowerCase());
    if (match && (!best || match.index < best.index)) best = { key: route.key, index: match.index };
  }
  return best?.key ?? DEFAULT_ROUTE;
}
