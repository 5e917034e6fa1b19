/**
 * A new run from its request: load what the request names (owner-scoped; a chat turn's conversation,
 * workflow and memory in one statement), validate the definition, and build the run's ExecutionContext and
 * the graph's first input (with the snapshot that lets the run be resumed or re-run anywhere).
 */
import "server-only";
import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import { type ChatTurn, type ChatTurnWorkflow, loadChatTurn } from "@/lib/db/queries/conversations";
import { createTemporaryDefinition, getDefinition } from "@/lib/db/queries/definitions";
import { getTemplate } from "@/lib/db/queries/templates";
import type { WorkflowTemplate } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import type { WorkflowUpdate } from "@/lib/workflow/state";
import type { StartState } from "@/lib/workflow/definition";
import { newId } from "@/lib/ids";
import { UNIVERSAL_CHAT_SLUG } from "@/lib/templates/builtin";
import { fillTemplateParams, resolveTemplateParams } from "@/lib/templates/instantiate";
import { type ChatTurnStart, ExecutionContext } from "./context";
import {
  earlierAttempt,
  type ExecuteOptions,
  type PreparedExecution,
  restoreCheckpointedState,
  type RunSnapshot,
  validDefinition,
} from "./prepared";
import type { ExecutionInput, ExecutionRequest } from "@/lib/contracts/execution-request";
import { defaultResources } from "./resources";
import { titleFromMessage } from "./title";
import type { Tracker } from "./tracker";
import { checkBreakpoints } from "./breakpoints";

interface LoadedWorkflow {
  raw: unknown;
  workflowId?: string;
  sourceDefinitionId?: string;
  sourceTemplateId?: string;
  definitionVersion?: number;
  /** TEMPLATE runs: the instantiated graph is stored as a temporary definition once it has validated. */
  temporaryFrom?: WorkflowTemplate;
}

/** A new run (not a resume, not a re-run from a step): `request` is parsed, `depth` checked. */
export async function prepareRequest(
  request: ExecutionRequest,
  options: ExecuteOptions,
  tracker: Tracker,
  depth: number,
): Promise<PreparedExecution> {
  const ownerId = options.userId;
  let conversationId: string | undefined;
  let newConversation: ChatTurnStart["newConversation"];
  let history: BaseMessage[] = [];
  let summary = "";
  let loaded: LoadedWorkflow;
  let input: ExecutionInput;
  let admittedAtLoad = false;

  if (request.type === "CHAT") {
    // One statement: the conversation, what answers it, and its memory. A retried attempt's own user
    // message is the input again, not history.
    const turn = await loadChatTurn({
      ownerId,
      ...(request.conversationId ? { conversationId: request.conversationId } : {}),
      ...(request.workflowId ? { workflowId: request.workflowId } : {}),
      ...(request.templateId ? { templateId: request.templateId } : {}),
      fallbackTemplateSlug: UNIVERSAL_CHAT_SLUG,
      ...(options.pending ? { excludeExecutionId: options.pending.executionId } : {}),
      limit: MAX_HISTORY_MESSAGES,
      // A pre-check of the run limits in the same statement: within them, the turn's model call need not
      // wait for the start's round trip (the start, under the per-user lock, still decides).
      ...(options.admission && !options.pending ? { limits: options.admission } : {}),
    });
    admittedAtLoad = turn.withinLimits === true;
    if (request.conversationId && !turn.conversation)
      throw new AppError("not_found:conversation", "No such conversation.");
    if (!turn.workflow) {
      const named = request.workflowId ?? (request.templateId ? undefined : turn.conversation?.workflowId);
      throw named
        ? new AppError("not_found:definition", "No such workflow.")
        : new AppError("not_found:template", "No such template.");
    }
    loaded =
      turn.workflow.kind === "definition"
        ? loadedDefinition(turn.workflow)
        : loadedTemplate(turn.workflow.template, undefined, false);
    ({ history, summary } = conversationMemory(turn));
    conversationId = turn.conversation?.id;
    if (!conversationId) {
      // Created by the run's start, with its row and the first message (nothing is left if it is refused).
      conversationId = newId();
      newConversation = {
        title: titleFromMessage(request.message),
        workflowId: request.workflowId ?? null,
        templateId: request.templateId ?? null,
      };
    }
    input = { message: request.message };
  } else if (request.type === "DEFINITION") {
    loaded = await loadDefinition(request.definitionId, request.version, ownerId);
    input = request.input;
  } else if (request.type === "TEMPLATE") {
    loaded = await loadTemplate(request.templateId, request.params, ownerId);
    input = request.input;
  } else {
    loaded = { raw: request.definition };
    input = request.input;
  }

  const definition = validDefinition(loaded.raw, ownerId, depth, loaded.sourceDefinitionId);
  if (request.options) checkBreakpoints(definition, request.options, "options.");

  if (loaded.temporaryFrom) {
    const temporary = await createTemporaryDefinition({
      ownerId,
      templateId: loaded.temporaryFrom.id,
      name: loaded.temporaryFrom.name,
      graph: { nodes: definition.nodes, edges: definition.edges, metadata: definition.metadata },
    });
    loaded = {
      ...loaded,
      workflowId: temporary.id,
      sourceDefinitionId: temporary.id,
      definitionVersion: temporary.version,
    };
  }
  const attempt = options.pending?.retry
    ? await earlierAttempt(options.pending.executionId, ownerId, tracker)
    : undefined;
  const ctx = new ExecutionContext({
    ...(options.pending ? { executionId: options.pending.executionId } : {}),
    ...(attempt?.lastSeq ? { seqStart: attempt.lastSeq } : {}),
    userId: ownerId,
    request,
    workflowType: request.type,
    definition,
    input,
    workflowId: loaded.workflowId,
    sourceDefinitionId: loaded.sourceDefinitionId,
    sourceTemplateId: loaded.sourceTemplateId,
    definitionVersion: loaded.definitionVersion,
    conversationId,
    correlationId: options.correlationId ?? options.parent?.correlationId,
    parentExecutionId: options.parent?.executionId ?? options.rerunOf,
    // A child run is its parent's doing, a re-run its asker's; else what the request says started it.
    ...(options.parent
      ? { trigger: { type: "subworkflow" as const, id: options.parent.executionId } }
      : options.rerunOf
        ? { trigger: { type: "rerun" as const, id: options.rerunOf } }
        : {}),
    ...(options.parent?.run ? { parentRun: options.parent.run } : {}),
    ...(options.parent?.seq !== undefined
      ? {
          parentPlace: { seq: options.parent.seq, ...(options.parent.nodeId ? { nodeId: options.parent.nodeId } : {}) },
        }
      : {}),
    depth,
    options: request.options,
    resources: defaultResources,
    tracker,
    ...(options.admission ? { admission: options.admission } : {}),
    admittedAtLoad,
    ...(request.type === "CHAT"
      ? {
          chatStart: {
            ...(newConversation ? { newConversation } : {}),
            // An earlier attempt may have stored the person's message (the tracker adds it if it is missing).
            ...(!attempt ? { userMessage: { id: newId(), content: request.message } } : {}),
          },
        }
      : {}),
  });
  const snapshot: RunSnapshot = {
    // A custom request carries its graph, which the snapshot already holds: store it once.
    request: request.type === "CUSTOM" ? { ...request, definition: { nodes: [], edges: [], metadata: {} } } : request,
    definition,
    workflowType: request.type,
    ...(ctx.workflowId ? { workflowId: ctx.workflowId } : {}),
    ...(ctx.sourceDefinitionId ? { sourceDefinitionId: ctx.sourceDefinitionId } : {}),
    ...(ctx.sourceTemplateId ? { sourceTemplateId: ctx.sourceTemplateId } : {}),
    ...(ctx.definitionVersion !== undefined ? { definitionVersion: ctx.definitionVersion } : {}),
    ...(ctx.conversationId ? { conversationId: ctx.conversationId } : {}),
    correlationId: ctx.correlationId,
    ...(ctx.parentExecutionId ? { parentExecutionId: ctx.parentExecutionId } : {}),
    depth,
    input,
    options: ctx.options,
  };
  // A CUSTOM request may start from a given state (the editor's single-node run): its messages stand for the
  // conversation, and input.message is only what `input.message` reads.
  const start = request.type === "CUSTOM" ? request.state : undefined;
  const graphInput: WorkflowUpdate = {
    messages: start
      ? start.messages.map(stateMessage)
      : input.message
        ? [...history, new HumanMessage(input.message)]
        : history,
    user_id: ownerId,
    conversation_id: ctx.conversationId ?? null,
    conversation_summary: start?.conversationSummary ?? summary,
    ...(start?.retrievalContext !== undefined ? { retrieval_context: start.retrievalContext } : {}),
    variables: { ...start?.variables, ...input.variables },
    metadata: {
      executionId: ctx.executionId,
      workflowType: request.type,
      ...(ctx.workflowId ? { workflowId: ctx.workflowId } : {}),
      ...(ctx.sourceDefinitionId ? { definitionId: ctx.sourceDefinitionId } : {}),
      ...(ctx.sourceTemplateId ? { templateId: ctx.sourceTemplateId } : {}),
      input,
      depth,
      run: snapshot,
    },
  };
  if (attempt?.values) {
    // A retried attempt continues from the checkpoint the earlier one left (its totals so far included).
    restoreCheckpointedState(ctx, attempt.values);
    return { ctx, graphInput: null, existingThread: true, ...(options.signal ? { signal: options.signal } : {}) };
  }
  return { ctx, graphInput, ...(options.signal ? { signal: options.signal } : {}) };
}

async function loadDefinition(id: string, version: number | undefined, ownerId: string): Promise<LoadedWorkflow> {
  const found = await getDefinition({ id, ownerId, version });
  if (!found) {
    throw new AppError(
      "not_found:definition",
      version ? `The workflow has no version ${version}.` : "No such workflow.",
    );
  }
  return loadedDefinition(found);
}

function loadedDefinition(found: Omit<Extract<ChatTurnWorkflow, { kind: "definition" }>, "kind">): LoadedWorkflow {
  return {
    raw: { nodes: found.nodes, edges: found.edges, metadata: found.metadata ?? {} },
    workflowId: found.id,
    sourceDefinitionId: found.id,
    definitionVersion: found.version,
    ...(found.templateId && found.isTemporary ? { sourceTemplateId: found.templateId } : {}),
  };
}

async function loadTemplate(
  templateId: string,
  params: Record<string, unknown> | undefined,
  ownerId: string,
): Promise<LoadedWorkflow> {
  const template = await getTemplate({ id: templateId, ownerId });
  if (!template) throw new AppError("not_found:template", "No such template.");
  return loadedTemplate(template, params, true);
}

/** A template's graph with its parameters filled; `temporary`: stored as a temporary definition once valid (TEMPLATE runs). */
function loadedTemplate(
  template: WorkflowTemplate,
  params: Record<string, unknown> | undefined,
  temporary: boolean,
): LoadedWorkflow {
  const defaults = (template.defaultParams ?? {}) as Record<string, unknown>;
  const graph = fillTemplateParams(template.definition, resolveTemplateParams(defaults, params));
  return { raw: graph, sourceTemplateId: template.id, ...(temporary ? { temporaryFrom: template } : {}) };
}

const MAX_HISTORY_MESSAGES = 500;

const MESSAGE_BY_ROLE = { user: HumanMessage, assistant: AIMessage, system: SystemMessage } as const;

function stateMessage(message: StartState["messages"][number]): BaseMessage {
  return new MESSAGE_BY_ROLE[message.role](message.content);
}

/** The conversation as the model should see it: the running summary, and the messages it does not cover. */
function conversationMemory(turn: ChatTurn): { history: BaseMessage[]; summary: string } {
  const history: BaseMessage[] = [];
  for (const row of turn.history) {
    if (row.role === "user") history.push(new HumanMessage({ content: row.content, id: row.id }));
    else if (row.role === "assistant" && row.status !== "error" && row.content)
      history.push(new AIMessage({ content: row.content, id: row.id }));
  }
  return { history, summary: turn.summary?.summary ?? "" };
}
