/**
 * The lean runnable context (lib/engine/langchain-context.ts): a runnable's config is found where
 * LangChain and LangGraph look for it, without a LangSmith RunTree per call; with a tracer, LangChain's
 * own implementation runs.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { AsyncLocalStorageProviderSingleton } from "@langchain/core/singletons";
import { describe, expect, it } from "vitest";
import { installLeanRunnableContext } from "@/lib/engine/langchain-context";

AsyncLocalStorageProviderSingleton.initializeGlobalInstance(new AsyncLocalStorage());
installLeanRunnableContext();

describe("lean runnable context", () => {
  it("hands the config to code inside the runnable, in a plain store", () => {
    const config = { configurable: { thread_id: "t1" }, tags: ["x"] };
    const seen = AsyncLocalStorageProviderSingleton.runWithConfig(config, () => ({
      config: AsyncLocalStorageProviderSingleton.getRunnableConfig(),
      store: AsyncLocalStorageProviderSingleton.getInstance().getStore() as object,
    }));
    expect(seen.config).toBe(config);
    expect(Object.getPrototypeOf(seen.store)).toBe(Object.prototype);
  });

  it("nests: the inner runnable sees its own config, the outer one its own again", () => {
    const outer = { configurable: { thread_id: "outer" } };
    const inner = { configurable: { thread_id: "inner" } };
    const seen: unknown[] = [];
    AsyncLocalStorageProviderSingleton.runWithConfig(outer, () => {
      AsyncLocalStorageProviderSingleton.runWithConfig(inner, () =>
        seen.push(AsyncLocalStorageProviderSingleton.getRunnableConfig()),
      );
      seen.push(AsyncLocalStorageProviderSingleton.getRunnableConfig());
    });
    expect(seen).toEqual([inner, outer]);
  });

  it("leaves tracing to LangChain: with a tracer among the callbacks, a RunTree is made", () => {
    const tracer = { name: "langchain_tracer" };
    const store = AsyncLocalStorageProviderSingleton.runWithConfig({ callbacks: [tracer as never] }, () =>
      AsyncLocalStorageProviderSingleton.getInstance().getStore(),
    ) as { name?: string };
    expect(store.name).toBe("<runnable_lambda>");
  });
});
