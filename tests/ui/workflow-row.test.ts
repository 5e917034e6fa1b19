/**
 * The workflow list's rows: a draft saved with validation errors is marked as such (it cannot run), a valid
 * workflow is not; the last run's status and time are never cut to fit a column.
 */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { WorkflowListItem } from "@/components/workflows/arrange";
import { WorkflowRow } from "@/components/workflows/workflow-list";

const item = (extra: Partial<WorkflowListItem> = {}): WorkflowListItem => ({
  id: "01HZZZZZZZZZZZZZZZZZZZZZZA",
  name: "Support bot",
  description: "Answers support questions",
  version: 3,
  isValid: true,
  nodeCount: 1,
  createdAt: "2025-01-01T00:00:00.000Z",
  updatedAt: "2025-01-01T00:00:00.000Z",
  lastRun: { status: "interrupted", at: "2025-01-01T00:00:00.000Z", durationMs: 5 },
  ...extra,
});

const row = (extra: Partial<WorkflowListItem> = {}) =>
  renderToStaticMarkup(createElement(WorkflowRow, { item: item(extra), busy: false, onDuplicate() {}, onDelete() {} }));

describe("WorkflowRow", () => {
  it("marks a draft with errors, and only that", () => {
    const invalid = row({ isValid: false });
    expect(invalid).toContain('data-testid="workflow-invalid"');
    expect(invalid).toContain("has errors");
    expect(invalid).toContain("Fix its errors to run it");
    const valid = row();
    expect(valid).not.toContain("workflow-invalid");
    expect(valid).not.toContain("has errors");
  });

  it("shows the last run's status and time whole, and counts nodes in words", () => {
    const html = row();
    const lastRun = /data-testid="last-run">(.*?)<\/dd>/s.exec(html)?.[1] ?? "";
    expect(lastRun).toContain("interrupted");
    expect(lastRun).toMatch(/<time[^>]*>[^<]+ago<\/time>/);
    expect(lastRun).not.toContain("truncate");
    expect(html).toContain("1 node<");
  });
});
