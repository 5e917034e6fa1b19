/**
 * LangChain runs every runnable (each LangGraph node, channel write and router) inside
 * `AsyncLocalStorageProviderSingleton.runWithConfig`, which puts the runnable's config where
 * `getConfig()`/`interrupt()` find it. To do so it builds a LangSmith `RunTree` per call even when nothing
 * traces: a v7 UUID from the crypto API, timestamps, a dozen environment lookups. That was ~9% of a chat
 * turn's CPU in the server's profile — more than the model call.
 *
 * Without a LangSmith tracer (none is configured by default, and the engine passes none) this puts the
 * same config in the same place, `extra[lc:child_config]`, in a plain object, and keeps the context
 * variables; with tracing on (LANGSMITH_TRACING / LANGCHAIN_TRACING_V2, or a tracer among the callbacks)
 * LangChain's own implementation runs unchanged.
 */
import "server-only";
import { AsyncLocalStorageProviderSingleton, _CONTEXT_VARIABLES_KEY } from "@langchain/core/singletons";
import type { RunnableConfig } from "@langchain/core/runnables";

/** Where LangChain keeps a runnable's config in the async context (`getRunnableConfig` reads it). */
const LC_CHILD_KEY = Symbol.for("lc:child_config");
const TRACER_NAME = "langchain_tracer";
const PATCHED = Symbol.for("lattice:lean_run_with_config");

type Store = Record<string | symbol, unknown> | undefined;

function tracingFromEnvironment(): boolean {
  const on = (name: string) => ["true", "1"].includes((process.env[name] ?? "").toLowerCase());
  return on("LANGSMITH_TRACING") || on("LANGSMITH_TRACING_V2") || on("LANGCHAIN_TRACING_V2") || on("LANGCHAIN_TRACING");
}

function hasTracer(callbacks: RunnableConfig["callbacks"]): boolean {
  if (!callbacks) return false;
  const handlers = Array.isArray(callbacks) ? callbacks : (callbacks as { handlers?: unknown[] }).handlers;
  return (handlers ?? []).some((handler) => (handler as { name?: unknown } | undefined)?.name === TRACER_NAME);
}

export function installLeanRunnableContext(): void {
  const provider = AsyncLocalStorageProviderSingleton as typeof AsyncLocalStorageProviderSingleton & {
    [PATCHED]?: true;
  };
  if (provider[PATCHED] || tracingFromEnvironment()) return;
  const original = provider.runWithConfig.bind(provider);
  provider.runWithConfig = function runWithConfig<T>(
    config: RunnableConfig,
    callback: () => T,
    avoidCreatingRootRunTree?: boolean,
  ): T {
    if (hasTracer(config?.callbacks)) return original(config, callback, avoidCreatingRootRunTree);
    const storage = provider.getInstance();
    const previous = storage.getStore() as Store;
    let store: Store = avoidCreatingRootRunTree ? undefined : { extra: { [LC_CHILD_KEY]: config } };
    if (previous?.[_CONTEXT_VARIABLES_KEY] !== undefined) {
      store ??= {};
      store[_CONTEXT_VARIABLES_KEY] = previous[_CONTEXT_VARIABLES_KEY];
    }
    return storage.run(store, callback);
  };
  provider[PATCHED] = true;
}

/**
 * Runs `callback` outside the current runnable's context: a child run started from inside a node (a
 * subworkflow, the run_workflow tool) must not inherit its parent's LangGraph config from the async
 * context — LangGraph would take it for a subgraph and stream the child's node events, tokens and usage
 * into the parent's stream (and its checkpoints under the parent's namespace) instead of the child's own.
 */
export function outsideRunnableContext<T>(callback: () => T): T {
  return AsyncLocalStorageProviderSingleton.getInstance().run(undefined, callback);
}

installLeanRunnableContext();
