"use client";

/**
 * Every save is a version. This panel lists them (who, when, what changed), shows the difference between
 * any two — nodes and connections added, removed and changed — and restores one (as a new version, so
 * nothing is ever lost; restoring is also one undo step on the canvas).
 */
import { clsx } from "clsx";
import { GitCompareArrows, History, Loader2, RotateCcw } from "lucide-react";
import { useEffect, useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { RelativeTime } from "@/components/ui/relative-time";
import { useSingleFlight } from "@/components/ui/single-flight";
import type { WorkflowVersionSummary } from "@/lib/contracts/workflows";
import { useRestoreVersion, useVersion, useVersions } from "../queries";
import { useEditor, useEditorApi } from "../editor-context";
import { diffDefinitions, isEmptyDiff, type WorkflowDiff } from "../model/diff";
import { documentFromDefinition } from "../model/document";
import { isDirty } from "../model/editor-store";
import { useEditorResources } from "../resources-context";
import { Select } from "../inspector/widgets";

export function VersionsPanel() {
  const workflowId = useEditor((state) => state.workflowId);
  return (
    <section data-testid="versions-panel" aria-label="Versions" className="flex flex-col gap-4 p-4">
      {workflowId ? (
        <VersionHistory workflowId={workflowId} />
      ) : (
        <div className="flex flex-col items-center rounded-lg border border-dashed border-zinc-300 px-4 py-8 text-center">
          <History aria-hidden className="size-5 text-zinc-400" />
          <p className="mt-2 text-[13px] font-medium text-zinc-800">No versions yet</p>
          <p className="mt-1 text-[12px] text-zinc-500">
            Save the workflow to start its history. Every save becomes a version you can compare and restore.
          </p>
        </div>
      )}
    </section>
  );
}

function VersionHistory({ workflowId }: { workflowId: string }) {
  const versions = useVersions(workflowId);
  const savedVersion = useEditor((state) => state.savedVersion);
  const [compare, setCompare] = useState<{ from: number; to: number } | null>(null);
  const [restoring, setRestoring] = useState<WorkflowVersionSummary | null>(null);
  const list = versions.data ?? [];
  const latest = list.reduce((max, version) => Math.max(max, version.version), 0);

  // Default comparison (and after every save): the latest version against the one before it.
  useEffect(() => {
    if (latest > 1) setCompare({ from: latest - 1, to: latest });
  }, [latest]);

  if (versions.isPending) {
    return (
      <p className="flex items-center gap-2 text-[12.5px] text-zinc-500">
        <Loader2 aria-hidden className="size-4 animate-spin" /> Loading versions…
      </p>
    );
  }
  if (versions.isError) {
    return (
      <div role="alert" className="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-[12.5px] text-red-800">
        Could not load the versions: {versions.error.message}
        <button type="button" onClick={() => void versions.refetch()} className="ml-2 font-medium underline">
          Retry
        </button>
      </div>
    );
  }

  const sorted = [...list].sort((a, b) => b.version - a.version);
  return (
    <>
      <div>
        <p className="text-[13px] font-semibold text-zinc-900">History</p>
        <p className="text-[12px] text-zinc-500">
          {list.length} {list.length === 1 ? "version" : "versions"}; the newest is the one that runs.
        </p>
      </div>
      <ol data-testid="version-list" className="flex flex-col gap-1.5">
        {sorted.map((version) => (
          <VersionRow
            key={version.version}
            version={version}
            current={version.version === latest}
            loaded={version.version === savedVersion}
            comparing={compare?.to === version.version}
            onCompare={() => setCompare({ from: Math.max(1, version.version - 1), to: version.version })}
            onRestore={() => setRestoring(version)}
          />
        ))}
      </ol>

      {list.length > 1 && compare ? (
        <DiffView workflowId={workflowId} versions={sorted} compare={compare} onChange={setCompare} />
      ) : null}

      <RestoreDialog workflowId={workflowId} version={restoring} onClose={() => setRestoring(null)} />
    </>
  );
}

function VersionRow({
  version,
  current,
  loaded,
  comparing,
  onCompare,
  onRestore,
}: {
  version: WorkflowVersionSummary;
  current: boolean;
  loaded: boolean;
  comparing: boolean;
  onCompare: () => void;
  onRestore: () => void;
}) {
  const { userId } = useEditorResources();
  return (
    <li
      data-testid={`version-${version.version}`}
      className={clsx(
        "rounded-lg border px-3 py-2",
        comparing ? "border-indigo-300 bg-indigo-50/50" : "border-zinc-200 bg-white",
      )}
    >
      <div className="flex items-center gap-2">
        <span className="text-[12.5px] font-semibold text-zinc-900">v{version.version}</span>
        {current ? (
          <span className="rounded bg-emerald-50 px-1.5 text-[10.5px] font-medium text-emerald-700 ring-1 ring-emerald-600/20 ring-inset">
            latest
          </span>
        ) : null}
        {loaded && !current ? (
          <span className="rounded bg-zinc-100 px-1.5 text-[10.5px] font-medium text-zinc-600">on canvas</span>
        ) : null}
        <span className="ml-auto text-[11px] text-zinc-500">
          <RelativeTime date={version.createdAt} /> ·{" "}
          {version.createdBy === userId ? "you" : version.createdBy ? "another user" : "—"}
        </span>
      </div>
      <p data-testid="version-summary" className="mt-0.5 text-[12px] leading-snug text-zinc-600">
        {version.summary || "No summary"}
      </p>
      <div className="mt-1.5 flex gap-1">
        {version.version > 1 ? (
          <button
            type="button"
            data-testid={`version-compare-${version.version}`}
            onClick={onCompare}
            className="flex items-center gap-1 rounded px-1.5 py-0.5 text-[11.5px] font-medium text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-indigo-500"
          >
            <GitCompareArrows aria-hidden className="size-3.5" /> Changes
          </button>
        ) : null}
        {current ? null : (
          <button
            type="button"
            data-testid={`version-restore-${version.version}`}
            onClick={onRestore}
            className="flex items-center gap-1 rounded px-1.5 py-0.5 text-[11.5px] font-medium text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-indigo-500"
          >
            <RotateCcw aria-hidden className="size-3.5" /> Restore
          </button>
        )}
      </div>
    </li>
  );
}

function DiffView({
  workflowId,
  versions,
  compare,
  onChange,
}: {
  workflowId: string;
  versions: WorkflowVersionSummary[];
  compare: { from: number; to: number };
  onChange: (compare: { from: number; to: number }) => void;
}) {
  const from = useVersion(workflowId, compare.from);
  const to = useVersion(workflowId, compare.to);
  const diff = useMemo(() => (from.data && to.data ? diffDefinitions(from.data, to.data) : null), [from.data, to.data]);
  return (
    <div data-testid="version-diff" className="rounded-lg border border-zinc-200 bg-white">
      <div className="flex items-center gap-2 border-b border-zinc-100 px-3 py-2 text-[12px] text-zinc-600">
        <GitCompareArrows aria-hidden className="size-4 text-zinc-400" />
        <Select
          aria-label="Compare from version"
          data-testid="diff-from"
          className="h-7 w-auto"
          value={compare.from}
          onChange={(event) => onChange({ ...compare, from: Number(event.target.value) })}
        >
          {versions.map((v) => (
            <option key={v.version} value={v.version}>
              v{v.version}
            </option>
          ))}
        </Select>
        →
        <Select
          aria-label="Compare to version"
          data-testid="diff-to"
          className="h-7 w-auto"
          value={compare.to}
          onChange={(event) => onChange({ ...compare, to: Number(event.target.value) })}
        >
          {versions.map((v) => (
            <option key={v.version} value={v.version}>
              v{v.version}
            </option>
          ))}
        </Select>
      </div>
      <div className="px-3 py-2">
        {from.isError || to.isError ? (
          <p role="alert" className="text-[12px] text-red-700">
            Could not load these versions.
          </p>
        ) : !diff ? (
          <p className="flex items-center gap-2 text-[12px] text-zinc-500">
            <Loader2 aria-hidden className="size-3.5 animate-spin" /> Comparing…
          </p>
        ) : (
          <DiffList diff={diff} />
        )}
      </div>
    </div>
  );
}

export function DiffList({ diff }: { diff: WorkflowDiff }) {
  if (isEmptyDiff(diff)) return <p className="text-[12px] text-zinc-500">These versions are the same.</p>;
  const rows: Array<{
    kind: "added" | "removed" | "changed" | "moved";
    text: string;
    detail?: string;
    testId: string;
  }> = [];
  if (diff.nameChanged)
    rows.push({
      kind: "changed",
      text: `Name: “${diff.nameChanged.from}” → “${diff.nameChanged.to}”`,
      testId: "diff-name",
    });
  if (diff.descriptionChanged) rows.push({ kind: "changed", text: "Description", testId: "diff-description" });
  for (const node of diff.nodes.added)
    rows.push({ kind: "added", text: `${node.label}`, detail: node.type, testId: `diff-node-added-${node.id}` });
  for (const node of diff.nodes.removed)
    rows.push({ kind: "removed", text: `${node.label}`, detail: node.type, testId: `diff-node-removed-${node.id}` });
  for (const node of diff.nodes.changed) {
    rows.push({
      kind: "changed",
      text: node.label,
      detail: node.fields.slice(0, 4).join(", ") + (node.fields.length > 4 ? "…" : ""),
      testId: `diff-node-changed-${node.id}`,
    });
  }
  for (const edge of diff.edges.added)
    rows.push({ kind: "added", text: edge.description, detail: "connection", testId: `diff-edge-added-${edge.id}` });
  for (const edge of diff.edges.removed)
    rows.push({
      kind: "removed",
      text: edge.description,
      detail: "connection",
      testId: `diff-edge-removed-${edge.id}`,
    });
  for (const edge of diff.edges.changed)
    rows.push({
      kind: "changed",
      text: edge.description,
      detail: edge.fields.join(", "),
      testId: `diff-edge-changed-${edge.id}`,
    });
  if (diff.nodes.moved.length)
    rows.push({ kind: "moved", text: `${diff.nodes.moved.length} moved`, detail: "layout only", testId: "diff-moved" });
  const sign = { added: "+", removed: "−", changed: "~", moved: "↔" } as const;
  return (
    <ul className="flex flex-col gap-1">
      {rows.map((row) => (
        <li
          key={row.testId}
          data-testid={row.testId}
          data-kind={row.kind}
          className="flex items-baseline gap-2 text-[12px]"
        >
          <span
            role="img"
            aria-label={row.kind}
            className={clsx(
              "inline-flex size-4 shrink-0 items-center justify-center rounded font-mono text-[11px] font-bold",
              row.kind === "added" && "bg-emerald-100 text-emerald-700",
              row.kind === "removed" && "bg-red-100 text-red-700",
              row.kind === "changed" && "bg-amber-100 text-amber-800",
              row.kind === "moved" && "bg-zinc-100 text-zinc-500",
            )}
          >
            {sign[row.kind]}
          </span>
          <span className="min-w-0">
            <span className="font-medium text-zinc-800">{row.text}</span>
            {row.detail ? <span className="ml-1.5 text-zinc-500">{row.detail}</span> : null}
          </span>
        </li>
      ))}
    </ul>
  );
}

function RestoreDialog({
  workflowId,
  version,
  onClose,
}: {
  workflowId: string;
  version: WorkflowVersionSummary | null;
  onClose: () => void;
}) {
  const store = useEditorApi();
  const dirty = useEditor(isDirty);
  const restore = useRestoreVersion(workflowId);
  // One restore per click: a double-click must not write the version back twice (two new versions).
  const flight = useSingleFlight();
  const busy = flight.pending || restore.isPending;
  const confirm = () => {
    if (!version) return;
    flight.run(async () => {
      const saved = await restore.mutateAsync(version.version);
      store
        .getState()
        .replaceDocument(documentFromDefinition(saved.workflow), { workflowId, version: saved.workflow.version });
      store.getState().setValidation(saved.validation);
      onClose();
    });
  };
  return (
    <Dialog
      open={version !== null}
      onClose={onClose}
      title={version ? `Restore version ${version.version}?` : "Restore"}
      description={
        version
          ? `The canvas returns to version ${version.version} and is saved as a new version; the versions in between stay in the history.${
              dirty ? " Your unsaved changes will be replaced (Undo brings them back)." : ""
            }`
          : undefined
      }
      data-testid="restore-dialog"
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button data-testid="confirm-restore" onClick={confirm} disabled={busy} aria-busy={busy}>
            {busy ? <Loader2 aria-hidden className="animate-spin" /> : <RotateCcw aria-hidden />}
            Restore
          </Button>
        </>
      }
    >
      {restore.isError ? (
        <p role="alert" className="text-[13px] text-red-700">
          {restore.error.message}
        </p>
      ) : null}
    </Dialog>
  );
}
