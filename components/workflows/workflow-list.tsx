"use client";

/**
 * The workflow list: search and sort, each workflow's last run, and the actions on it — open, duplicate,
 * export, delete (confirmed). Rows come from the server page; after a change the page is refreshed, so
 * the list always shows what is stored.
 */
import { clsx } from "clsx";
import {
  ArrowDownUp,
  ChevronRight,
  Copy,
  Download,
  Loader2,
  MoreHorizontal,
  Search,
  Trash2,
  TriangleAlert,
  Workflow,
} from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState, useTransition } from "react";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { RelativeTime } from "@/components/ui/relative-time";
import { deleteWorkflow, fetchWorkflow, saveWorkflow } from "@/lib/api-client/workflows";
import { isAppError } from "@/lib/errors";
import { countOf } from "@/components/knowledge/format";
import { arrangeWorkflows, SORTS, type WorkflowListItem, type WorkflowSort } from "./arrange";

export type { WorkflowListItem } from "./arrange";

const RUN_TONES: Record<string, BadgeTone> = {
  completed: "green",
  failed: "red",
  interrupted: "red",
  cancelled: "neutral",
  running: "indigo",
  pending: "indigo",
  paused: "amber",
};

export function WorkflowList({ workflows }: { workflows: WorkflowListItem[] }) {
  const router = useRouter();
  const [query, setQuery] = useState("");
  const [sort, setSort] = useState<WorkflowSort>("updated");
  const [deleting, setDeleting] = useState<WorkflowListItem | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refreshing, startRefresh] = useTransition();
  const shown = useMemo(() => arrangeWorkflows(workflows, query, sort), [workflows, query, sort]);

  const refresh = () => startRefresh(() => router.refresh());

  const duplicate = async (item: WorkflowListItem) => {
    setBusy(item.id);
    setError(null);
    try {
      const workflow = await fetchWorkflow(item.id);
      await saveWorkflow({
        workflowId: null,
        body: {
          name: `${workflow.name} (copy)`.slice(0, 200),
          description: workflow.description,
          nodes: workflow.nodes,
          edges: workflow.edges,
          metadata: workflow.metadata,
        },
      });
      refresh();
    } catch (cause) {
      setError(isAppError(cause) ? cause.message : "The workflow could not be duplicated.");
    } finally {
      setBusy(null);
    }
  };

  const remove = async () => {
    if (!deleting) return;
    setBusy(deleting.id);
    setError(null);
    try {
      await deleteWorkflow(deleting.id);
      setDeleting(null);
      refresh();
    } catch (cause) {
      setError(isAppError(cause) ? cause.message : "The workflow could not be deleted.");
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
        <label className="relative flex-1">
          <span className="sr-only">Search workflows</span>
          <Search
            aria-hidden
            className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-zinc-400"
          />
          <input
            type="search"
            data-testid="workflow-search"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            placeholder="Search by name or description"
            className="h-9 w-full rounded-md border border-zinc-300 bg-white pr-3 pl-9 text-sm shadow-sm placeholder:text-zinc-400 focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/20 focus:outline-none"
          />
        </label>
        <label className="flex items-center gap-2 text-[13px] text-zinc-600">
          <ArrowDownUp aria-hidden className="size-4 text-zinc-400" />
          <span className="sr-only sm:not-sr-only">Sort by</span>
          <select
            data-testid="workflow-sort"
            value={sort}
            onChange={(event) => setSort(event.target.value as WorkflowSort)}
            className="h-9 rounded-md border border-zinc-300 bg-white px-2.5 text-[13px] shadow-sm focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/20 focus:outline-none"
          >
            {SORTS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
        {refreshing ? <Loader2 aria-label="Refreshing" className="size-4 animate-spin text-zinc-400" /> : null}
      </div>

      {error ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-[13px] text-red-800">
          {error}
        </p>
      ) : null}

      {shown.length === 0 ? (
        <p
          data-testid="workflow-no-match"
          className="rounded-lg border border-dashed border-zinc-300 bg-white px-4 py-10 text-center text-sm text-zinc-500"
        >
          No workflow matches “{query}”.
        </p>
      ) : (
        <ul
          data-testid="workflow-list"
          className="divide-y divide-zinc-200 rounded-lg border border-zinc-200 bg-white shadow-xs"
        >
          {shown.map((item) => (
            <WorkflowRow
              key={item.id}
              item={item}
              busy={busy === item.id}
              onDuplicate={() => void duplicate(item)}
              onDelete={() => setDeleting(item)}
            />
          ))}
        </ul>
      )}

      <Dialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Delete “${deleting?.name ?? ""}”?`}
        description="The workflow and all its versions are deleted. Its past runs stay in the executions list. This cannot be undone."
        data-testid="delete-dialog"
        footer={
          <>
            <Button variant="secondary" onClick={() => setDeleting(null)}>
              Cancel
            </Button>
            <Button
              variant="danger"
              data-testid="confirm-delete"
              onClick={() => void remove()}
              disabled={busy !== null}
            >
              {busy ? <Loader2 aria-hidden className="animate-spin" /> : <Trash2 aria-hidden />}
              Delete
            </Button>
          </>
        }
      />
    </div>
  );
}

export function WorkflowRow({
  item,
  busy,
  onDuplicate,
  onDelete,
}: {
  item: WorkflowListItem;
  busy: boolean;
  onDuplicate: () => void;
  onDelete: () => void;
}) {
  return (
    <li
      data-testid="workflow-row"
      data-workflow-id={item.id}
      className="group relative flex items-center gap-4 px-5 py-4 first:rounded-t-lg last:rounded-b-lg hover:bg-zinc-50"
    >
      <div
        className={clsx(
          "flex size-9 shrink-0 items-center justify-center rounded-md ring-1",
          item.isValid ? "bg-indigo-50 text-indigo-600 ring-indigo-100" : "bg-amber-50 text-amber-600 ring-amber-200",
        )}
      >
        {item.isValid ? <Workflow aria-hidden className="size-4" /> : <TriangleAlert aria-hidden className="size-4" />}
      </div>
      <div className="min-w-0 flex-1">
        <div className="flex items-center gap-2">
          {/* The whole row is the link's hit area (the ::after overlay); the actions sit above it. */}
          <Link
            href={`/workflows/${item.id}`}
            prefetch={false}
            data-testid="workflow-open"
            className="truncate font-medium text-zinc-900 after:absolute after:inset-0 focus-visible:outline-none after:focus-visible:rounded-lg after:focus-visible:outline-2 after:focus-visible:outline-offset-[-2px] after:focus-visible:outline-indigo-500"
          >
            {item.name}
          </Link>
          {item.isValid ? null : (
            <Badge
              tone="amber"
              data-testid="workflow-invalid"
              title="Saved with validation errors: it cannot run until they are fixed in the editor."
              className="shrink-0"
            >
              Draft · has errors
            </Badge>
          )}
        </div>
        <p className="mt-0.5 truncate text-[13px] text-zinc-500">
          {item.isValid ? null : <span className="text-amber-700">Fix its errors to run it · </span>}
          {item.description || "No description"}
        </p>
      </div>
      <dl className="hidden shrink-0 items-center gap-6 text-[13px] text-zinc-500 md:flex">
        <div className="w-16">
          <dt className="sr-only">Nodes</dt>
          <dd>{countOf(item.nodeCount, "node")}</dd>
        </div>
        <div className="w-8">
          <dt className="sr-only">Version</dt>
          <dd>v{item.version}</dd>
        </div>
        <div className="w-28">
          <dt className="sr-only">Last run</dt>
          <dd data-testid="last-run">
            {item.lastRun ? (
              // Status over time, each on its own line: neither is ever cut ("interrupted", "11 months ago").
              <span className="flex flex-col items-start gap-0.5">
                <Badge tone={RUN_TONES[item.lastRun.status] ?? "neutral"}>{item.lastRun.status}</Badge>
                <RelativeTime date={item.lastRun.at} className="text-[12px] whitespace-nowrap" />
              </span>
            ) : (
              <span className="whitespace-nowrap text-zinc-400">Never run</span>
            )}
            {item.nextRunAt ? (
              <span className="mt-0.5 block text-[12px] whitespace-nowrap text-zinc-500" data-testid="next-run">
                Next <RelativeTime date={item.nextRunAt} />
              </span>
            ) : null}
          </dd>
        </div>
        <div className="w-24 text-right">
          <dt className="sr-only">Edited</dt>
          <dd>
            <RelativeTime date={item.updatedAt} />
          </dd>
        </div>
      </dl>
      <RowMenu item={item} busy={busy} onDuplicate={onDuplicate} onDelete={onDelete} />
      <ChevronRight aria-hidden className="size-4 shrink-0 text-zinc-300 group-hover:text-zinc-500" />
    </li>
  );
}

function RowMenu({
  item,
  busy,
  onDuplicate,
  onDelete,
}: {
  item: WorkflowListItem;
  busy: boolean;
  onDuplicate: () => void;
  onDelete: () => void;
}) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!ref.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);
  const itemClass =
    "flex w-full items-center gap-2 rounded px-2.5 py-1.5 text-left text-[13px] focus-visible:outline-2 focus-visible:outline-indigo-500";
  return (
    <div ref={ref} className="relative z-10">
      <button
        type="button"
        data-testid="workflow-actions"
        aria-label={`Actions for ${item.name}`}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((value) => !value)}
        className="flex size-8 items-center justify-center rounded-md text-zinc-400 hover:bg-zinc-200/60 hover:text-zinc-700 focus-visible:outline-2 focus-visible:outline-indigo-500"
      >
        {busy ? (
          <Loader2 aria-hidden className="size-4 animate-spin" />
        ) : (
          <MoreHorizontal aria-hidden className="size-4" />
        )}
      </button>
      {open ? (
        <div
          role="menu"
          className="absolute top-9 right-0 z-20 w-44 rounded-lg border border-zinc-200 bg-white p-1 shadow-lg"
        >
          <button
            type="button"
            role="menuitem"
            data-testid="workflow-duplicate"
            className={clsx(itemClass, "text-zinc-700 hover:bg-zinc-100")}
            onClick={() => {
              setOpen(false);
              onDuplicate();
            }}
          >
            <Copy aria-hidden className="size-4 text-zinc-400" /> Duplicate
          </button>
          <a
            role="menuitem"
            href={`/api/workflows/${item.id}/export`}
            download
            data-testid="workflow-export"
            className={clsx(itemClass, "text-zinc-700 hover:bg-zinc-100")}
            onClick={() => setOpen(false)}
          >
            <Download aria-hidden className="size-4 text-zinc-400" /> Export JSON
          </a>
          <button
            type="button"
            role="menuitem"
            data-testid="workflow-delete"
            className={clsx(itemClass, "text-red-600 hover:bg-red-50")}
            onClick={() => {
              setOpen(false);
              onDelete();
            }}
          >
            <Trash2 aria-hidden className="size-4" /> Delete…
          </button>
        </div>
      ) : null}
    </div>
  );
}
