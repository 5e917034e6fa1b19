"use client";

/**
 * Every edge: a smooth curve, labelled with its branch name when it leaves a named handle (yes/no, a route,
 * body/done, error), red when the validator objects to it, green once a test run has passed along it, and
 * with a delete button while selected.
 */
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from "@xyflow/react";
import { clsx } from "clsx";
import { X } from "lucide-react";
import { memo } from "react";
import { useEditor, useEditorApi } from "../editor-context";
import { isNamedHandle } from "../model/document";
import { worstSeverity } from "../model/issues";

function WorkflowEdgeView({
  id,
  source,
  target,
  sourceX,
  sourceY,
  targetX,
  targetY,
  sourcePosition,
  targetPosition,
  sourceHandleId,
  label,
  selected,
  markerEnd,
}: EdgeProps) {
  const store = useEditorApi();
  const issues = useEditor((state) => state.issues.byEdge.get(id));
  const traversed = useEditor(
    (state) => state.run.nodes[source]?.status === "completed" && Boolean(state.run.nodes[target]),
  );
  const severity = worstSeverity(issues);
  const isError = sourceHandleId === "error";
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const text = typeof label === "string" && label ? label : isNamedHandle(sourceHandleId) ? sourceHandleId : null;

  const stroke =
    severity === "error"
      ? "var(--color-red-500)"
      : selected
        ? "var(--color-indigo-500)"
        : traversed
          ? "var(--color-emerald-500)"
          : isError
            ? "var(--color-rose-400)"
            : "var(--color-zinc-400)";

  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        markerEnd={markerEnd}
        interactionWidth={18}
        style={{
          stroke,
          strokeWidth: selected || traversed ? 2.25 : 1.6,
          strokeDasharray: isError ? "5 4" : undefined,
        }}
      />
      {text || selected || severity ? (
        <EdgeLabelRenderer>
          <div
            className="nodrag nopan pointer-events-auto absolute flex items-center gap-1"
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
            data-testid={`edge-${id}`}
          >
            {text ? (
              <span
                className={clsx(
                  "rounded-full border bg-white px-2 py-0.5 text-[10.5px] font-medium shadow-xs",
                  isError ? "border-rose-200 text-rose-600" : "border-zinc-200 text-zinc-600",
                  severity === "error" && "border-red-300 text-red-700",
                )}
                title={issues?.map((issue) => issue.message).join("\n")}
              >
                {text}
              </span>
            ) : severity ? (
              <span
                role="img"
                className="size-3 rounded-full bg-red-500 ring-2 ring-white"
                title={issues?.map((issue) => issue.message).join("\n")}
                aria-label="This connection has a problem"
              />
            ) : null}
            {selected ? (
              <button
                type="button"
                aria-label="Delete connection"
                data-testid={`edge-delete-${id}`}
                onClick={() => store.getState().deleteElements({ edgeIds: [id] })}
                className="flex size-5 items-center justify-center rounded-full border border-zinc-200 bg-white text-zinc-500 shadow-sm hover:border-red-300 hover:text-red-600"
              >
                <X aria-hidden className="size-3" />
              </button>
            ) : null}
          </div>
        </EdgeLabelRenderer>
      ) : null}
    </>
  );
}

export const WorkflowEdge = memo(WorkflowEdgeView);
