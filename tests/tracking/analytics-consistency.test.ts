/**
 * The monitor dashboard and the REST analytics read the same runs through one query layer: a run belongs
 * to a range by when it was created (a pending run that has not started counts), an interrupted run is its
 * own count in the REST figures and a failure on the dashboard, the most common error of a tie is the one
 * met last — and a page load costs three statements.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { ulid } from "ulid";
import { workflowExecutions } from "@/lib/db/schema";
import { getDashboard } from "@/lib/monitor/dashboard";
import { analyticsRangeQuerySchema, getAnalyticsDashboard } from "@/lib/tracking/analytics";
import { createTestUser, testDb } from "../helpers/db";

const HOUR = 3_600_000;

describe("one analytics layer", () => {
  let ownerId: string;
  const now = new Date();

  beforeAll(async () => {
    const { db } = await testDb();
    ownerId = (await createTestUser()).id;
    const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * HOUR);
    const row = (
      status: string,
      createdHoursAgo: number,
      extra: Partial<typeof workflowExecutions.$inferInsert> = {},
    ) => ({
      id: ulid(at(createdHoursAgo).getTime()),
      ownerId,
      workflowType: "CUSTOM",
      status,
      createdAt: at(createdHoursAgo),
      startedAt: at(createdHoursAgo),
      ...extra,
    });
    await db.insert(workflowExecutions).values([
      // Queued, not started yet: a run of its time all the same.
      row("pending", 1, { startedAt: null }),
      row("interrupted", 2, {
        completedAt: at(2),
        executionTimeMs: 100,
        errorMessage: "The process running this run stopped.",
      }),
      row("completed", 3, { completedAt: at(3), executionTimeMs: 50 }),
      row("failed", 4, { completedAt: at(4), executionTimeMs: 70, errorMessage: "A failure long ago" }),
      // Asked for before the range, started in it: not a run of the range.
      row("completed", 30, { startedAt: at(1), completedAt: at(1), executionTimeMs: 40 }),
    ]);
  });

  it("counts the same runs on both, each in its own terms", async () => {
    const dashboard = await getDashboard({ ownerId, key: "24h", now });
    expect(dashboard.totals).toMatchObject({ runs: 4, completed: 1, failed: 2, cancelled: 0, active: 1 });
    expect(dashboard.totals.successRate).toBeCloseTo(1 / 3, 9);
    expect(dashboard.series.reduce((n, bucket) => n + bucket.runs, 0)).toBe(4);

    const query = analyticsRangeQuerySchema.parse({
      from: dashboard.range.from,
      to: dashboard.range.to,
      bucket: "hour",
    });
    const rest = await getAnalyticsDashboard({ ownerId, query });
    expect(rest.summary).toMatchObject({
      runs: 4,
      running: 0,
      paused: 0,
      completed: 1,
      failed: 1,
      cancelled: 0,
      interrupted: 1,
    });
    expect(rest.summary.successRate).toBeCloseTo(1 / 3, 9);
    expect(rest.series.reduce((n, bucket) => n + bucket.runs, 0)).toBe(4);
    expect(rest.summary.avgDurationMs).toBeCloseTo(dashboard.totals.avgDurationMs!, 2);
  });

  it("names the error met last when two are as common, on both", async () => {
    const dashboard = await getDashboard({ ownerId, key: "24h", now });
    expect(dashboard.topFailing).toEqual([
      expect.objectContaining({
        subject: "type",
        key: "CUSTOM",
        runs: 4,
        failures: 2,
        commonError: "The process running this run stopped.",
        commonErrorCount: 1,
      }),
    ]);
    const query = analyticsRangeQuerySchema.parse({ from: dashboard.range.from, to: dashboard.range.to });
    const { failing } = await getAnalyticsDashboard({ ownerId, query });
    expect(failing).toEqual([
      {
        definitionId: null,
        templateId: null,
        workflowType: "CUSTOM",
        name: "CUSTOM",
        failures: 2,
        runs: 4,
        topError: "The process running this run stopped.",
        topErrorCount: 1,
      },
    ]);
  });

  it("loads the dashboard in three statements", async () => {
    const { db } = await testDb();
    const execute = vi.spyOn(db, "execute");
    try {
      await getDashboard({ ownerId, key: "24h", now });
      expect(execute).toHaveBeenCalledTimes(3);
    } finally {
      execute.mockRestore();
    }
  });
});
