/**
 * The event writer while the database refuses its writes (issue 14, item 15): the events waiting in memory
 * are bounded — the oldest progress events are dropped with a warning that counts them and names the run —
 * and a run's start, pause, node failures and end are never dropped; every failure is logged with the runs'
 * ids.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ExecutionEvent } from "@/lib/contracts/events";
import type { EventBus } from "@/lib/tracking/event-bus";
import { EventWriter } from "@/lib/tracking/event-writer";

const database = vi.hoisted(() => ({ down: true, written: [] as unknown[] }));
vi.mock("@/lib/db/queries/events", () => ({
  appendExecutionEvents: async ({ rows }: { rows: unknown[] }) => {
    if (database.down) throw new Error("connection refused");
    database.written.push(...rows);
    return rows.length;
  },
}));

const bus = { instanceId: "test-instance", eventNotification: () => undefined } as unknown as EventBus;

function event(executionId: string, seq: number, type: string, data: unknown = {}): ExecutionEvent {
  return { executionId, seq, type, at: new Date(1_700_000_000_000 + seq).toISOString(), data } as ExecutionEvent;
}

afterEach(() => {
  vi.restoreAllMocks();
  database.down = true;
  database.written = [];
});

describe("EventWriter while writes fail", () => {
  it("bounds what waits: drops the oldest progress events with a counted warning, never a run's start, pause, failures or end", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const writer = new EventWriter(bus, { flushIntervalMs: 1, maxBuffered: 50, maxPending: 100 });
    const run = "01RUNBOUNDED00000000000000";
    writer.add("owner", event(run, 1, "run_started"));
    let seq = 1;
    for (let i = 0; i < 600; i++) writer.add("owner", event(run, ++seq, "token", { nodeId: "m", text: "x" }));
    writer.add("owner", event(run, ++seq, "node_failed", { nodeId: "m", error: "boom" }));
    for (let i = 0; i < 400; i++) writer.add("owner", event(run, ++seq, "token", { nodeId: "m", text: "y" }));
    writer.add("owner", event(run, ++seq, "interrupt", { nodeId: "h", question: "ok?", mode: "approval" }));
    const last = ++seq;
    writer.add("owner", event(run, last, "run_completed", { status: "paused" }), { hold: true });
    await writer.flush();
    await writer.flush();

    expect(writer.bufferedEvents).toBeLessThanOrEqual(100);
    expect(writer.dropped).toBeGreaterThanOrEqual(1003 - 100);
    // Counted, and the run named, in the warnings.
    const warnings = warn.mock.calls.map((c) => String(c[0]));
    expect(warnings.length).toBeGreaterThan(0);
    for (const line of warnings) expect(line).toMatch(new RegExp(`dropped \\d+ progress events .*${run} \\(\\d+\\)`));
    expect(warnings.at(-1)).toContain(`${writer.dropped} dropped since start`);
    // The failures are logged with the run's id.
    expect(error.mock.calls.some((c) => String(c[0]).includes(run))).toBe(true);

    // What is left: the run's start, its failure, its pause and its end, and the newest progress.
    const { events } = await writer.take(run);
    const types = events.map((e) => e.type);
    expect(types).toContain("run_started");
    expect(types).toContain("node_failed");
    expect(types).toContain("interrupt");
    expect(types.at(-1)).toBe("run_completed");
    expect(events.map((e) => e.seq)).toContain(last - 2); // the newest token
    expect(events.filter((e) => e.type === "token").length).toBeLessThan(100);
    writer.release(run, events);
  });

  it("writes what it kept once the database is back", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    vi.spyOn(console, "error").mockImplementation(() => {});
    const writer = new EventWriter(bus, { flushIntervalMs: 1, maxBuffered: 1000, maxPending: 20 });
    const run = "01RUNRECOVERS0000000000000";
    for (let seq = 1; seq <= 30; seq++)
      writer.add("owner", event(run, seq, seq === 1 ? "run_started" : "node_started"));
    await writer.flush();
    expect(writer.bufferedEvents).toBeLessThanOrEqual(20);
    database.down = false;
    await writer.drain();
    expect(writer.bufferedEvents).toBe(0);
    expect(database.written.length).toBeGreaterThan(0);
  });
});
