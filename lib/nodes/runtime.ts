/**
 * Server side of the node registry: node type → run function, and what a run function receives besides
 * its state and parsed config. Run functions are plain async functions named by role that return only the
 * state keys they change; branching nodes say which handle they took in `conditional_results[their id]`.
 * Timing, retries, timeouts and error routing are the graph builder's job (lib/graph/compile-workflow.ts),
 * not theirs.
 */
import "server-only";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { ExecutionResources } from "@/lib/nodes/resources";
import type { EventData } from "@/lib/contracts/events";
import type { ExecutionInput } from "@/lib/contracts/execution-request";
import type { ExecutionResult } from "@/lib/contracts/execution-result";
import type { ExpressionScope } from "@/lib/expressions";
import type { ChatModelSpec } from "@/lib/models";
import type { WorkflowState, WorkflowUpdate } from "@/lib/workflow/state";
import type { NodeConfigOf, NodeType } from "./registry";
import { answerWithModel } from "./model/run";
import { assignVariables } from "./variable/run";
import { callHttp } from "./http/run";
import { callTools } from "./tools/run";
import { chooseBranch } from "./conditional/run";
import { classifyInput } from "./router/run";
import { composePrompt } from "./prompt/run";
import { askHuman } from "./human/run";
import { finishWorkflow } from "./end/run";
import { handleFailure } from "./error/run";
import { iterateLoop } from "./loop/run";
import { retrieveContext } from "./retrieval/run";
import { runSubworkflow } from "./subworkflow/run";
import { startWorkflow } from "./start/run";
import { transformData } from "./transform/run";
import { trimConversation } from "./memory/run";

export interface NodeRuntime {
  node: { id: string; type: NodeType; label?: string };
  /** The node's config as stored (before parsing), for provider-specific extras such as the local model's script. */
  rawConfig: Record<string, unknown>;
  executionId: string;
  userId: string;
  /** Subworkflow nesting depth of this run (0: top level). */
  depth: number;
  /** Aborts on cancel, on a run budget, and when this attempt's time limit passes. Pass it to every call. */
  signal: AbortSignal;
  /** The LangGraph config of this node run: pass it to model and tool calls (callbacks, tracing). */
  config: LangGraphRunnableConfig;
  resources: ExecutionResources;
  /**
   * A chat model, cached per node for the run (so a scripted model keeps its place across loop passes), and
   * its spec as resolved for the run's owner ("the default model", a credential): usage is keyed by that.
   */
  chatModel(spec: ChatModelSpec): Promise<{ model: BaseChatModel; spec: ChatModelSpec }>;
  /** The expression/template scope over a state. */
  scope(state: WorkflowState): ExpressionScope;
  /** Reports a tool call to the run's event stream. */
  emitToolCall(call: Omit<EventData<"tool_call">, "nodeId">): void;
  /** Reports a streamed piece of a model's answer to the run's event stream (a `token` event). */
  emitToken(text: string): void;
  /** Runs a saved workflow as a child of this run, through the engine (after `started`). */
  runWorkflow(args: { definitionId: string; version?: number; input: ExecutionInput }): Promise<ExecutionResult>;
  /**
   * Resolves once the run has started (its row exists and its limits admitted it). Anything with an effect
   * outside the run — a model call, an HTTP request, a child run — waits for it: a run whose start is still
   * in flight may already be running its first nodes, and a refused one must not reach a provider.
   */
  started: Promise<void>;
  /**
   * A model call may be sent before `started` resolves: the owner's run limits admitted the run as it was
   * loaded (a chat turn's pre-check), so the request goes out while the start's round trip is in flight.
   * Its answer is used only once the run has started; a run the start refuses is stopped, which aborts it.
   */
  modelCallsBeforeStart: boolean;
}

export type NodeRunFunction<T extends NodeType> = (
  state: WorkflowState,
  config: NodeConfigOf<T>,
  runtime: NodeRuntime,
) => Promise<WorkflowUpdate>;

export const nodeRunFunctions: { [T in NodeType]: NodeRunFunction<T> } = {
  start: startWorkflow,
  end: finishWorkflow,
  model: answerWithModel,
  prompt: composePrompt,
  memory: trimConversation,
  retrieval: retrieveContext,
  tools: callTools,
  router: classifyInput,
  conditional: chooseBranch,
  loop: iterateLoop,
  variable: assignVariables,
  transform: transformData,
  http: callHttp,
  subworkflow: runSubworkflow,
  human: askHuman,
  error: handleFailure,
};

export function getNodeRunFunction(type: NodeType): NodeRunFunction<NodeType> {
  return nodeRunFunctions[type] as NodeRunFunction<NodeType>;
}
