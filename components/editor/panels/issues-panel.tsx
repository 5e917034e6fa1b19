"use client";

/**
 * Everything the live validator found, errors first. Clicking an issue selects the node (or connection) it
 * concerns, brings it into view and focuses the offending field in the inspector.
 */
import { useReactFlow } from "@xyflow/react";
import { clsx } from "clsx";
import { CircleAlert, CircleCheck, TriangleAlert } from "lucide-react";
import { useEditor, useEditorApi } from "../editor-context";
import { configFieldOf, type EditorIssue } from "../model/issues";

export function IssuesPanel() {
  const store = useEditorApi();
  const issues = useEditor((state) => state.issues);
  const pending = useEditor((state) => state.validation === null);
  const labels = useEditor((state) => state.nodes);
  const { fitView } = useReactFlow();

  const open = (issue: EditorIssue) => {
    const state = store.getState();
    if (issue.nodeId && state.nodes.some((node) => node.id === issue.nodeId)) {
      state.selectNode(issue.nodeId, configFieldOf(issue.path));
      void fitView({ nodes: [{ id: issue.nodeId }], duration: 300, maxZoom: 1.1, padding: 0.25 });
      return;
    }
    if (issue.edgeId) {
      const edge = state.edges.find((item) => item.id === issue.edgeId);
      if (!edge) return;
      state.clearSelection();
      state.onEdgesChange([{ type: "select", id: edge.id, selected: true }]);
      void fitView({ nodes: [{ id: edge.source }, { id: edge.target }], duration: 300, maxZoom: 1.1, padding: 0.25 });
    }
  };

  const nodeLabel = (id: string | undefined) => (id ? (labels.find((node) => node.id === id)?.data.label ?? id) : null);

  return (
    <section data-testid="issues-panel" aria-label="Issues" className="flex flex-col gap-3 p-4">
      <p className="text-[13px] font-semibold text-zinc-900">
        {pending
          ? "Checking…"
          : issues.all.length === 0
            ? "No issues"
            : `${issues.errorCount} errors, ${issues.warningCount} warnings`}
      </p>
      {!pending && issues.all.length === 0 ? (
        <div className="flex items-center gap-2 rounded-lg border border-emerald-200 bg-emerald-50 px-3 py-2.5 text-[12.5px] text-emerald-800">
          <CircleCheck aria-hidden className="size-4 shrink-0" />
          The workflow is valid and can run.
        </div>
      ) : null}
      <ul className="flex flex-col gap-1.5">
        {[...issues.all]
          .sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1))
          .map((issue) => {
            const target = nodeLabel(issue.nodeId);
            const clickable = Boolean(issue.nodeId || issue.edgeId);
            return (
              <li key={issue.key}>
                <button
                  type="button"
                  data-testid="issue-item"
                  data-code={issue.code}
                  data-severity={issue.severity}
                  disabled={!clickable}
                  onClick={() => open(issue)}
                  className={clsx(
                    "flex w-full items-start gap-2 rounded-lg border px-3 py-2 text-left text-[12.5px] leading-snug focus-visible:outline-2 focus-visible:outline-indigo-500",
                    issue.severity === "error"
                      ? "border-red-200 bg-red-50/60 text-red-900"
                      : "border-amber-200 bg-amber-50/60 text-amber-900",
                    clickable && (issue.severity === "error" ? "hover:bg-red-50" : "hover:bg-amber-50"),
                  )}
                >
                  {issue.severity === "error" ? (
                    <CircleAlert aria-label="Error" className="mt-px size-4 shrink-0 text-red-500" />
                  ) : (
                    <TriangleAlert aria-label="Warning" className="mt-px size-4 shrink-0 text-amber-500" />
                  )}
                  <span className="min-w-0 flex-1">
                    {issue.message}
                    {target ? (
                      <span className="mt-0.5 block text-[11px] font-medium opacity-70">
                        {target} · {issue.code}
                      </span>
                    ) : null}
                  </span>
                </button>
              </li>
            );
          })}
      </ul>
    </section>
  );
}
