import { describe, expect, it } from "vitest";
import { arrangeWorkflows, type WorkflowListItem } from "@/components/workflows/arrange";

const item = (name: string, extra: Partial<WorkflowListItem> = {}): WorkflowListItem => ({
  id: name,
  name,
  description: "",
  version: 1,
  isValid: true,
  nodeCount: 3,
  createdAt: "2025-01-01T00:00:00.000Z",
  updatedAt: "2025-01-01T00:00:00.000Z",
  lastRun: null,
  ...extra,
});

const items = [
  item("beta", {
    updatedAt: "2025-03-01T00:00:00.000Z",
    createdAt: "2025-01-02T00:00:00.000Z",
    description: "answers support questions",
  }),
  item("Alpha", {
    updatedAt: "2025-02-01T00:00:00.000Z",
    createdAt: "2025-01-03T00:00:00.000Z",
    lastRun: { status: "completed", at: "2025-04-01T00:00:00.000Z", durationMs: 5 },
  }),
  item("gamma", { updatedAt: "2025-01-15T00:00:00.000Z", createdAt: "2025-01-01T00:00:00.000Z" }),
];

describe("arrangeWorkflows", () => {
  it("sorts by last edit, name (case-insensitive), creation and last run", () => {
    expect(arrangeWorkflows(items, "", "updated").map((i) => i.name)).toEqual(["beta", "Alpha", "gamma"]);
    expect(arrangeWorkflows(items, "", "name").map((i) => i.name)).toEqual(["Alpha", "beta", "gamma"]);
    expect(arrangeWorkflows(items, "", "created").map((i) => i.name)).toEqual(["Alpha", "beta", "gamma"]);
    expect(arrangeWorkflows(items, "", "lastRun").map((i) => i.name)).toEqual(["Alpha", "beta", "gamma"]);
  });

  it("searches names and descriptions, ignoring case, without touching the input", () => {
    expect(arrangeWorkflows(items, "SUPPORT", "updated").map((i) => i.name)).toEqual(["beta"]);
    expect(arrangeWorkflows(items, "  alp ", "updated").map((i) => i.name)).toEqual(["Alpha"]);
    expect(arrangeWorkflows(items, "nothing", "updated")).toEqual([]);
    expect(items.map((i) => i.name)).toEqual(["beta", "Alpha", "gamma"]);
  });
});
