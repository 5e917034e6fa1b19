"use client";

/**
 * The one shell every canvas node is drawn with, from its registry definition: icon and category colour,
 * title and a one-line summary of its settings, its named handles (a conditional shows one per branch),
 * the error handle, a badge for validation issues and its state in a test run. Memo'd: React Flow re-renders
 * a node only when its own props or the few store fields it selects change.
 */
import { Handle, Position, type NodeProps } from "@xyflow/react";
import { clsx } from "clsx";
import { Ban, CheckCircle2, CircleAlert, Loader2, TriangleAlert, UserCheck, XCircle } from "lucide-react";
import { memo, useMemo } from "react";
import { getNodeDefinition } from "@/lib/nodes/registry";
import { useEditor } from "../editor-context";
import { nodeIcon } from "../node-icons";
import { useEditorResources } from "../resources-context";
import { nodeHandles, type EditorEdge, type EditorNode } from "../model/document";
import { worstSeverity } from "../model/issues";
import { nodeSummary } from "../model/node-summary";

/** Source handles that edges use, per node — indexed once per edges array, not once per node. */
const usedHandlesCache = new WeakMap<readonly EditorEdge[], Map<string, Set<string>>>();
function usedHandles(edges: readonly EditorEdge[]): Map<string, Set<string>> {
  let index = usedHandlesCache.get(edges);
  if (!index) {
    index = new Map();
    for (const edge of edges) {
      if (!edge.sourceHandle) continue;
      const set = index.get(edge.source);
      if (set) set.add(edge.sourceHandle);
      else index.set(edge.source, new Set([edge.sourceHandle]));
    }
    usedHandlesCache.set(edges, index);
  }
  return index;
}

function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return "";
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

const handleBase =
  "!size-3 !rounded-full !border-2 !border-white !shadow-[0_0_0_1px_var(--color-zinc-300)] transition-transform hover:!scale-125";

function WorkflowNodeView({ id, type, data, selected }: NodeProps<EditorNode>) {
  const definition = getNodeDefinition(type ?? "");
  const handles = useMemo(() => nodeHandles(type, data.config), [type, data.config]);
  const issues = useEditor((state) => state.issues.byNode.get(id));
  const run = useEditor((state) => state.run.nodes[id]);
  // A human node the run is paused at: waiting for an answer in the test panel, not "running".
  const waiting = useEditor((state) => state.run.phase === "paused" && state.run.interrupt?.nodeId === id);
  // Handles edges still point at after a branch was renamed elsewhere (an import, a half-typed key):
  // drawn in red so the user can see and delete the dangling connection. Joined to a string to stay stable.
  const danglingKey = useEditor((state) => {
    const used = usedHandles(state.edges).get(id);
    if (!used) return "";
    return [...used].filter((handle) => handle !== "error" && !handles.outputs.includes(handle)).join("\u0000");
  });
  const dangling = danglingKey ? danglingKey.split("\u0000") : [];
  const errorConnected = useEditor((state) => Boolean(usedHandles(state.edges).get(id)?.has("error")));
  const { knowledgeBases, workflows, credentials } = useEditorResources();

  const Icon = nodeIcon(definition?.icon);
  const color = definition?.color ?? "#71717a";
  const severity = worstSeverity(issues);
  const label = data.label?.trim() || definition?.label || type || "Node";
  const summary = definition
    ? nodeSummary(type, data.config, {
        knowledgeBaseName: (kb) => knowledgeBases.find((item) => item.id === kb)?.name,
        workflowName: (wf) => workflows.find((item) => item.id === wf)?.name,
        credentialName: (c) => credentials.find((item) => item.id === c)?.name,
      })
    : `Unknown node type “${type}”`;
  const branching = handles.outputs.length > 1 || dangling.length > 0;
  const rows = [...handles.outputs, ...dangling];
  const branchLabels = useMemo(() => {
    const labels = new Map<string, string>();
    const list = type === "conditional" ? data.config.branches : undefined;
    if (Array.isArray(list)) {
      for (const item of list as Array<{ key?: unknown; label?: unknown }>) {
        if (typeof item?.key === "string" && typeof item.label === "string" && item.label.trim())
          labels.set(item.key, item.label);
      }
    }
    return labels;
  }, [type, data.config.branches]);

  return (
    <div
      data-testid={`node-${id}`}
      data-node-type={type}
      data-run-status={waiting ? "waiting" : (run?.status ?? "idle")}
      data-issues={severity ?? "none"}
      data-selected={selected ? "true" : "false"}
      className={clsx(
        "group/node relative w-52 rounded-xl border bg-white text-left shadow-sm transition-[box-shadow,border-color]",
        selected
          ? "border-indigo-500 ring-2 ring-indigo-500/25"
          : "border-zinc-200 hover:border-zinc-300 hover:shadow-md",
        run?.status === "running" &&
          !waiting &&
          "!border-sky-500 ring-4 ring-sky-400/30 animate-[pulse_1.6s_ease-in-out_infinite]",
        waiting && "!border-amber-500 ring-4 ring-amber-400/30",
        run?.status === "completed" && !selected && "!border-emerald-500 ring-2 ring-emerald-500/20",
        run?.status === "failed" && !selected && "!border-red-500 ring-2 ring-red-500/20",
        run?.status === "cancelled" && !selected && "!border-zinc-400 ring-2 ring-zinc-400/20",
      )}
    >
      {handles.inputs.map((handle) => (
        <Handle
          key={handle}
          id={handle}
          type="target"
          position={Position.Left}
          data-testid={`handle-${id}-${handle}`}
          className={clsx(handleBase, "!top-[26px] !bg-zinc-400")}
          aria-label={`${label} input`}
        />
      ))}

      <div className="flex items-center gap-2.5 px-3 pt-2.5 pb-2">
        <span
          className="flex size-8 shrink-0 items-center justify-center rounded-lg text-white shadow-inner"
          style={{ backgroundColor: color }}
          aria-hidden
        >
          <Icon className="size-4" />
        </span>
        <span className="min-w-0 flex-1">
          <span className="block truncate text-[13px] font-semibold leading-tight text-zinc-900">{label}</span>
          <span className="block truncate text-[11px] leading-tight text-zinc-500">
            {definition?.label ?? "Unknown"}
          </span>
        </span>
        <RunBadge status={waiting ? "waiting" : run?.status} durationMs={run?.durationMs} />
      </div>

      {summary ? (
        <p
          className={clsx(
            "truncate border-t border-zinc-100 px-3 py-1.5 text-[11.5px] text-zinc-600",
            !definition && "text-red-600",
          )}
        >
          {summary}
        </p>
      ) : null}

      {branching ? (
        <ul className="border-t border-zinc-100 py-1">
          {rows.map((handle) => {
            const isDangling = !handles.outputs.includes(handle);
            return (
              <li key={handle} className="relative flex h-6 items-center justify-end pr-3.5 pl-3 text-[11px]">
                <span
                  className={clsx("truncate font-medium", isDangling ? "text-red-600 line-through" : "text-zinc-600")}
                >
                  {branchLabels.get(handle) ?? handle}
                </span>
                <Handle
                  id={handle}
                  type="source"
                  position={Position.Right}
                  data-testid={`handle-${id}-${handle}`}
                  className={clsx(handleBase, isDangling ? "!bg-red-500" : "!bg-zinc-500")}
                  style={{ top: "50%" }}
                  isConnectable={!isDangling}
                  aria-label={`${label} output ${handle}`}
                />
              </li>
            );
          })}
        </ul>
      ) : (
        handles.outputs.map((handle) => (
          <Handle
            key={handle}
            id={handle}
            type="source"
            position={Position.Right}
            data-testid={`handle-${id}-${handle}`}
            className={clsx(handleBase, "!top-[26px] !bg-zinc-500")}
            aria-label={`${label} output`}
          />
        ))
      )}

      {handles.error ? (
        <Handle
          id="error"
          type="source"
          position={Position.Bottom}
          data-testid={`handle-${id}-error`}
          title="On error: connect an error handler"
          className={clsx(
            handleBase,
            "!left-[85%] !size-2.5 !bg-rose-500",
            // Out of the way until it matters: shown on hover, when selected, or when connected.
            !errorConnected && !selected && "opacity-0 group-hover/node:opacity-100",
          )}
          aria-label={`${label} error output`}
        />
      ) : null}

      {severity ? (
        <span
          data-testid={`node-issues-${id}`}
          title={issues!.map((issue) => issue.message).join("\n")}
          className={clsx(
            "absolute -top-2 -right-2 flex h-5 min-w-5 items-center justify-center gap-0.5 rounded-full px-1 text-[10px] font-bold text-white shadow ring-2 ring-white",
            severity === "error" ? "bg-red-500" : "bg-amber-500",
          )}
        >
          {severity === "error" ? (
            <CircleAlert aria-hidden className="size-3" />
          ) : (
            <TriangleAlert aria-hidden className="size-3" />
          )}
          {issues!.length}
          <span className="sr-only">{severity === "error" ? "errors" : "warnings"}</span>
        </span>
      ) : null}
    </div>
  );
}

function RunBadge({ status, durationMs }: { status: string | undefined; durationMs: number | undefined }) {
  if (!status) return null;
  if (status === "running")
    return <Loader2 aria-label="Running" className="size-4 shrink-0 animate-spin text-sky-500" />;
  if (status === "waiting")
    return <UserCheck aria-label="Waiting for an answer" className="size-4 shrink-0 text-amber-600" />;
  return (
    <span
      className={clsx(
        "flex shrink-0 items-center gap-1 text-[10.5px] font-medium",
        status === "completed" ? "text-emerald-600" : status === "cancelled" ? "text-zinc-500" : "text-red-600",
      )}
    >
      {status === "completed" ? (
        <CheckCircle2 aria-label="Done" className="size-4" />
      ) : status === "cancelled" ? (
        <Ban aria-label="Cancelled" className="size-4" />
      ) : (
        <XCircle aria-label="Failed" className="size-4" />
      )}
      {formatDuration(durationMs)}
    </span>
  );
}

export const WorkflowNode = memo(WorkflowNodeView);
