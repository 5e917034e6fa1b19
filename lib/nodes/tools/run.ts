import "server-only";
import { SystemMessage, ToolMessage, type AIMessage, type BaseMessage } from "@langchain/core/messages";
import type { StructuredToolInterface } from "@langchain/core/tools";
import { renderTemplate } from "@/lib/expressions";
import { addUsage, type WorkflowState } from "@/lib/workflow/state";
import type { UsageByModel } from "@/lib/contracts/execution-result";
import { callModel, modelInput, modelSpec, usageOf, type ChatRunnable } from "../call-model";
import type { NodeRuntime, NodeRunFunction } from "../runtime";
import { runSecrets } from "../secrets";
import { originOf, type HttpToolSite } from "./definition";
import type { HttpToolAccess } from "@/lib/tools";

const MAX_TOOL_RESULT_CHARS = 20_000;

/**
 * The tool-calling loop: the model answers or asks for tools; each requested call runs (and is reported as
 * a tool_call event) and its result goes back to the model, until it answers. After `maxCalls` calls the
 * tools are taken away and the model must answer with what it has.
 */
export const callTools: NodeRunFunction<"tools"> = async (state, config, runtime) => {
  const { model, spec } = await runtime.chatModel(modelSpec(config, runtime.rawConfig));
  const http = config.tools.includes("http_get") ? await httpSites(config.httpSites, state, runtime) : undefined;
  const tools = runtime.resources.createTools(config.tools, {
    ownerId: runtime.userId,
    signal: runtime.signal,
    depth: runtime.depth,
    ...(http ? { http } : {}),
    runWorkflow: async ({ definitionId, input }) => {
      const result = await runtime.runWorkflow({ definitionId, input: childInput(input) });
      if (result.status !== "completed")
        throw new Error(result.error?.message ?? `The workflow ended ${result.status}.`);
      return result.output.message;
    },
  });
  if (config.mcp.length > 0) {
    // Connecting to the user's MCP servers is an effect outside the run: only once it has started.
    await runtime.started;
    tools.push(
      ...(await runtime.resources.mcpTools({
        ownerId: runtime.userId,
        selections: config.mcp,
        signal: runtime.signal,
        taken: tools.map((tool) => tool.name),
      })),
    );
  }
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  if (!model.bindTools) throw new Error(`${spec.provider}:${spec.model} cannot call tools.`);
  const withTools: ChatRunnable = model.bindTools(tools);
  const conversation: BaseMessage[] = modelInput(renderTemplate(config.systemPrompt, runtime.scope(state)), state);
  const added: BaseMessage[] = [];
  let usage: UsageByModel = {};
  let calls = 0;

  for (;;) {
    const limitReached = calls >= config.maxCalls;
    const prompt = limitReached
      ? [
          ...conversation,
          ...added,
          new SystemMessage(`The tool call limit (${config.maxCalls}) is reached: answer now without tools.`),
        ]
      : [...conversation, ...added];
    const reply: AIMessage = await callModel(limitReached ? model : withTools, prompt, runtime);
    usage = addUsage(usage, usageOf(spec, reply));
    added.push(reply);
    const requested = reply.tool_calls ?? [];
    if (limitReached || requested.length === 0) break;
    for (const call of requested) {
      const callId = call.id ?? `call_${calls + 1}`;
      if (calls >= config.maxCalls) {
        added.push(
          new ToolMessage({
            content: "Not run: the tool call limit is reached.",
            tool_call_id: callId,
            name: call.name,
          }),
        );
        continue;
      }
      calls += 1;
      added.push(await runTool(byName.get(call.name), call.name, call.args, callId, runtime));
    }
  }
  return { messages: added, tool_call_count: calls, usage_metadata: usage };
};

async function runTool(
  tool: StructuredToolInterface | undefined,
  name: string,
  args: Record<string, unknown>,
  callId: string,
  runtime: NodeRuntime,
): Promise<ToolMessage> {
  runtime.signal.throwIfAborted();
  if (!tool) {
    const error = `There is no tool named "${name}".`;
    runtime.emitToolCall({ name, args, error, callId });
    return new ToolMessage({ content: `Error: ${error}`, tool_call_id: callId, name, status: "error" });
  }
  try {
    const output: unknown = await tool.invoke(args, { ...runtime.config, signal: runtime.signal });
    const text = toText(output).slice(0, MAX_TOOL_RESULT_CHARS);
    runtime.emitToolCall({ name, args, result: text, callId });
    return new ToolMessage({ content: text, tool_call_id: callId, name });
  } catch (error) {
    // A cancelled run stops here; a tool's own failure is the model's to handle.
    runtime.signal.throwIfAborted();
    const message = error instanceof Error ? error.message : String(error);
    runtime.emitToolCall({ name, args, error: message, callId });
    return new ToolMessage({ content: `Error: ${message}`, tool_call_id: callId, name, status: "error" });
  }
}

function toText(output: unknown): string {
  if (typeof output === "string") return output;
  if (output && typeof output === "object" && "content" in output) {
    const content = (output as { content: unknown }).content;
    if (typeof content === "string") return content;
  }
  return JSON.stringify(output) ?? "";
}

/**
 * The HTTP tool's sites for this run: their header and query values rendered over the run's state and the
 * user's secrets (read here, only those named; never put in the state).
 */
async function httpSites(
  sites: HttpToolSite[],
  state: WorkflowState,
  runtime: NodeRuntime,
): Promise<HttpToolAccess | undefined> {
  if (sites.length === 0) return undefined;
  const values = sites.flatMap((site) => [...Object.values(site.headers), ...Object.values(site.query)]);
  const secrets = await runSecrets(values, runtime);
  const scope = { ...runtime.scope(state), secrets: secrets.values };
  const render = (entries: Record<string, string>) =>
    Object.fromEntries(Object.entries(entries).map(([name, value]) => [name, renderTemplate(value, scope)]));
  return {
    sites: sites.map((site) => ({
      origin: originOf(site.origin) ?? site.origin,
      headers: render(site.headers),
      query: render(site.query),
    })),
    redact: secrets.redact,
  };
}

/** The run_workflow tool's input, as an execution input: a message and optional variables. */
function childInput(input: unknown): { message?: string; variables?: Record<string, unknown> } {
  if (typeof input === "string") return { message: input };
  if (!input || typeof input !== "object") return {};
  const { message, variables, ...rest } = input as Record<string, unknown>;
  const vars = {
    ...(variables && typeof variables === "object" ? (variables as Record<string, unknown>) : {}),
    ...rest,
  };
  return {
    ...(typeof message === "string" ? { message } : {}),
    ...(Object.keys(vars).length ? { variables: vars } : {}),
  };
}
