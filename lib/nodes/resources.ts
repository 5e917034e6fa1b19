/**
 * The outside world a run's nodes may touch — models, tools, retrieval, HTTP — as the engine binds it once
 * per run (lib/engine/resources.ts builds the default; tests pass their own).
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { StructuredToolInterface } from "@langchain/core/tools";
import type { ChatModelSpec } from "@/lib/models";
import type { SafeFetchInit, SafeFetchResponse } from "@/lib/net/safe-fetch";
import type { ToolRuntime } from "@/lib/tools";

export type { ToolRuntime };

export interface KnowledgeHit {
  chunkId: string;
  documentId: string;
  title: string;
  content: string;
  score: number;
}

/** The outside world a run may touch: models, tools, retrieval, HTTP. Bound once per run. */
export interface ExecutionResources {
  getChatModel(spec: ChatModelSpec): BaseChatModel;
  /**
   * The spec as the user's run uses it: "the default model" resolved, a credential's connection filled in.
   * Specs that name neither come back as they are, without a lookup.
   */
  resolveModel(spec: ChatModelSpec, userId: string): Promise<ChatModelSpec>;
  /** The user's secrets of these names ({{secrets.NAME}}); names the user has none of are left out. */
  secrets(userId: string, names: string[]): Promise<Map<string, string>>;
  createTools(names: string[], runtime: ToolRuntime): StructuredToolInterface[];
  /**
   * The tools of the user's MCP servers a Tools node names, as LangChain tools (each server's session is
   * opened once and reused by later calls and runs). `taken`: names already bound (the built-in tools).
   */
  mcpTools(args: {
    ownerId: string;
    selections: Array<{ serverId: string; tools: string[] }>;
    signal: AbortSignal;
    taken: string[];
  }): Promise<StructuredToolInterface[]>;
  searchKnowledge(args: {
    ownerId: string;
    knowledgeBaseId: string;
    query: string;
    topK: number;
    /** Aborts the question's embedding request (a base with an embeddings model) when the run is cancelled. */
    signal?: AbortSignal;
  }): Promise<KnowledgeHit[]>;
  safeFetch(url: string, init?: SafeFetchInit): Promise<SafeFetchResponse>;
}
