/**
 * "Run this node" (the inspector, as n8n does): one node run alone from an input the user can pin. This
 * module is its logic, framework-free: which nodes can run alone and why not, the input it starts from (the
 * node's pinned input, else what the node saw in the last test run, else a skeleton of the workflow's
 * state), reading the JSON the user typed, the request, and what the run's events say about the node.
 *
 * The request is an ordinary CUSTOM run of a small graph, Start → the node → End, whose start state is the
 * input (`state` in lib/contracts/execution-request.ts): it goes through POST /api/executions and the one
 * engine like any run, and the monitor lists it.
 */
import type { NodeInput } from "@/lib/contracts/events";
import type { CustomRequest } from "@/lib/contracts/execution-request";
import type { AppError } from "@/lib/errors";
import { getNodeDefinition } from "@/lib/nodes/registry";
import { pinnedInputSchema, type PinnedInput } from "@/lib/workflow/definition";
import { nodeHandles, uniqueId, type EditorNode, type WorkflowDocument } from "./document";
import type { RunState } from "./run-state";

export type SingleRunSupport = { ok: true; note?: string } | { ok: false; reason: string };

/** Whether a node of `type` means something on its own, and what running it alone does when that needs saying. */
export function singleRunSupport(type: string | undefined): SingleRunSupport {
  const definition = type ? getNodeDefinition(type) : undefined;
  if (!definition) return { ok: false, reason: "Lattice does not know this node type." };
  if (definition.entry || definition.terminal)
    return {
      ok: false,
      reason: `${definition.label} only ${definition.entry ? "begins" : "finishes"} a run: test the whole workflow in the Test panel.`,
    };
  if (definition.loops)
    return {
      ok: false,
      reason:
        "A loop repeats the steps of its body, which a run of the loop alone leaves out: test it with the whole workflow.",
    };
  if (definition.pauses)
    return {
      ok: false,
      reason: "This step pauses the run for a person’s answer: test it with the whole workflow in the Test panel.",
    };
  if (type === "error")
    return {
      ok: false,
      reason: "An error handler runs after another step fails: test it with the whole workflow.",
    };
  if (definition.branching)
    return {
      ok: true,
      note: "Runs its check on the input and shows the branch it takes; the steps after it do not run.",
    };
  if (type === "subworkflow") return { ok: true, note: "Runs the workflow it calls, as a child run." };
  return { ok: true };
}

const ROLE_BY_TYPE: Record<string, PinnedInput["messages"][number]["role"]> = {
  human: "user",
  user: "user",
  ai: "assistant",
  assistant: "assistant",
  system: "system",
};

export interface InputProposal {
  input: PinnedInput;
  source: "pinned" | "last-run" | "skeleton";
  /** What the proposal could not carry over (a long run's earlier messages). */
  note?: string;
}

/**
 * The input the editor offers for a node: its pinned input; else the state the node started from in the
 * last test run (the run's record keeps the last message and the variables, shortened when long); else the
 * workflow's state as a run starts it (a message, and the Start node's initial variables).
 */
export function proposeInput(doc: Pick<WorkflowDocument, "nodes">, nodeId: string, lastRun: RunState): InputProposal {
  const node = doc.nodes.find((candidate) => candidate.id === nodeId);
  const pinned = node ? pinnedInputOf(node) : undefined;
  if (pinned) return { input: pinned, source: "pinned" };
  const seen = lastRun.nodes[nodeId]?.input;
  if (seen) return fromLastRun(seen, lastRun.input?.message);
  const start = doc.nodes.find((candidate) => getNodeDefinition(candidate.type ?? "")?.entry);
  const variables = start?.data.config.variables;
  const message = "Hello!";
  return {
    input: {
      message,
      messages: [{ role: "user", content: message }],
      variables: isRecord(variables) ? variables : {},
    },
    source: "skeleton",
  };
}

function fromLastRun(seen: NodeInput, message: string | undefined): InputProposal {
  const last = seen.lastMessage;
  const role = last ? ROLE_BY_TYPE[last.role] : undefined;
  const messages = last && role ? [{ role, content: last.text }] : [];
  const left = seen.messageCount - messages.length;
  return {
    input: {
      ...(message !== undefined ? { message } : {}),
      messages,
      variables: seen.variables,
    },
    source: "last-run",
    ...(left > 0
      ? {
          note: `The last run’s record keeps only the last of the ${seen.messageCount} messages this node saw; the ${left === 1 ? "earlier one is" : `${left} earlier ones are`} left out.`,
        }
      : {}),
  };
}

/** The node's pinned input when it has a valid one. */
export function pinnedInputOf(node: Pick<EditorNode, "data">): PinnedInput | undefined {
  const parsed = pinnedInputSchema.safeParse(node.data.pinnedInput);
  return parsed.success ? parsed.data : undefined;
}

/** The input as the editor shows it: the run's message first, then the state. */
export function formatInput({ message, ...state }: PinnedInput): string {
  return JSON.stringify(message === undefined ? state : { message, ...state }, null, 2);
}

export type ParsedInput = { ok: true; input: PinnedInput } | { ok: false; error: string };

/** The JSON the user typed, as a pinned input, or what is wrong with it and where. */
export function parseInput(text: string): ParsedInput {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    return { ok: false, error: `Not valid JSON: ${cause instanceof Error ? cause.message : "it does not parse"}.` };
  }
  const parsed = pinnedInputSchema.safeParse(value);
  if (parsed.success) return { ok: true, input: parsed.data };
  const issues = parsed.error.issues.slice(0, 3).map((issue) => {
    const path = issue.path.map(String).join(".");
    return issue.code === "unrecognized_keys"
      ? `${path ? `${path}: ` : ""}unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `“${k}”`).join(", ")} (use message, messages, variables, retrievalContext, conversationSummary)`
      : `${path || "input"}: ${issue.message}`;
  });
  return { ok: false, error: issues.join("; ") };
}

/**
 * The CUSTOM request that runs `nodeId` alone from `input`: Start → the node → End, every output of a
 * branching node leading to End (so the branch it takes is recorded and nothing after it runs), no error
 * edge (a failure is the run's). The Start node is blank, so the node sees exactly the input's variables.
 */
export function singleNodeRequest(doc: Pick<WorkflowDocument, "nodes">, nodeId: string, input: PinnedInput) {
  const node = doc.nodes.find((candidate) => candidate.id === nodeId);
  if (!node?.type) throw new Error(`No node ${nodeId} on the canvas.`);
  const taken = new Set([node.id]);
  const startId = uniqueId("start", taken);
  taken.add(startId);
  const endId = uniqueId("end", taken);
  const { pinnedInput: _pinned, ...data } = node.data;
  const outputs = nodeHandles(node.type, node.data.config).outputs;
  const { message, ...state } = input;
  return {
    type: "CUSTOM",
    definition: {
      nodes: [
        { id: startId, type: "start", position: { x: 0, y: 0 }, data: { label: "Start", config: {} } },
        { id: node.id, type: node.type, position: { x: 240, y: 0 }, data },
        { id: endId, type: "end", position: { x: 480, y: 0 }, data: { label: "End", config: {} } },
      ],
      edges: [
        { id: `${startId}-in`, source: startId, target: node.id },
        ...outputs.map((handle, index) => ({
          id: `${node.id}-out-${index}`,
          source: node.id,
          target: endId,
          sourceHandle: handle,
        })),
      ],
      metadata: { singleNode: node.id },
    },
    input: message !== undefined ? { message } : {},
    state,
  } satisfies CustomRequest;
}

/** The last "Run this node" of the editor (kept in its store, so it outlives switching nodes). */
export interface NodeRunSession {
  nodeId: string;
  run: RunState;
  /** Why the request was refused: in a sentence, then issue by issue. */
  refusal: string | null;
  issues: NodeRunIssue[];
}

/**
 * A refusal in a sentence. Start and End of the small graph are always valid, so a graph the validation refuses
 * is the node's own settings.
 */
export function refusalText(error: AppError): string {
  return error.code === "validation:workflow" ? "This node’s settings are not valid, so it cannot run." : error.message;
}

/** Where a refused run's issue points on the node: the settings field the validation names, if any. */
export interface NodeRunIssue {
  message: string;
  /** A config field path ("url", "branches.0.expression") to focus in the form. */
  field: string | null;
}

/**
 * The issues of a refused request: a setting of the node the validation names (the node is the graph's
 * second), or a place in the input, named as in the JSON the user typed ("messages.0.role").
 */
export function requestIssues(error: AppError): NodeRunIssue[] {
  return (error.issues ?? []).map((issue) => {
    const path = issue.path ?? "";
    const field = /^nodes\.1\.data\.config\.(.+)$/.exec(path)?.[1] ?? null;
    const inInput = /^(?:state\.(.+)|input\.(message))$/.exec(path);
    const where = inInput ? (inInput[1] ?? inInput[2]) : undefined;
    return { message: where ? `${where}: ${issue.message}` : issue.message, field };
  });
}

/** What the node did, from the run's events and result: its summary with the values of the variables it set. */
export function nodeOutputOf(run: RunState, nodeId: string): Record<string, unknown> | null {
  const info = run.nodes[nodeId];
  if (!info?.output) return null;
  const { variables: names, ...rest } = info.output;
  const after = run.result?.output.variables ?? {};
  if (!Array.isArray(names)) return info.output;
  const variables: Record<string, unknown> = {};
  for (const name of names) if (typeof name === "string") variables[name] = after[name];
  return { ...rest, variables };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
