/** Searching and sorting the workflow list: pure, so it is unit-tested without a browser. */

export interface WorkflowListItem {
  id: string;
  name: string;
  description: string;
  version: number;
  isValid: boolean;
  nodeCount: number;
  createdAt: string;
  updatedAt: string;
  lastRun: { status: string; at: string; durationMs: number | null } | null;
  /** The earliest next run of its enabled schedules (ISO 8601), or null. */
  nextRunAt?: string | null;
}

export type WorkflowSort = "updated" | "name" | "created" | "lastRun";

export const SORTS: Array<{ value: WorkflowSort; label: string }> = [
  { value: "updated", label: "Last edited" },
  { value: "lastRun", label: "Last run" },
  { value: "name", label: "Name" },
  { value: "created", label: "Created" },
];

/** Filters by name or description and sorts; exported for the unit test. */
export function arrangeWorkflows(
  items: readonly WorkflowListItem[],
  query: string,
  sort: WorkflowSort,
): WorkflowListItem[] {
  const q = query.trim().toLowerCase();
  const matching = q
    ? items.filter((item) => `${item.name}\n${item.description}`.toLowerCase().includes(q))
    : [...items];
  const time = (value: string | undefined) => (value ? Date.parse(value) : 0);
  return matching.sort((a, b) => {
    switch (sort) {
      case "name":
        return a.name.localeCompare(b.name, undefined, { sensitivity: "base" });
      case "created":
        return time(b.createdAt) - time(a.createdAt);
      case "lastRun":
        return time(b.lastRun?.at) - time(a.lastRun?.at) || time(b.updatedAt) - time(a.updatedAt);
      default:
        return time(b.updatedAt) - time(a.updatedAt);
    }
  });
}
