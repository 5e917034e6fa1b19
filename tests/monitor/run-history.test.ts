/**
 * The monitor opens any run by reading its event stream from the start: a run that paused at a human node
 * and was answered must come back whole — the pause, then everything after it — not cut at the pause.
 */
import { describe, expect, it } from "vitest";
import { GET as runEvents } from "@/app/api/executions/[id]/events/route";
import { POST as startExecution } from "@/app/api/executions/route";
import { POST as resumeExecution } from "@/app/api/executions/[id]/resume/route";
import { approvalDefinition, call, callRaw, newActor } from "../api/rest-fixtures";
import { eventFrames, readSse } from "../tracking/sse-client";

async function streamedEvents(response: Response) {
  const { frames, ended } = await readSse(response);
  expect(ended, "the stream ends after the run's last event").toBe(true);
  return eventFrames(frames).map((f) => f.data as { seq: number; type: string; data: { status?: string } });
}

describe("a resumed run's history", () => {
  it("streams from the first event through the pause to the end", async () => {
    const actor = await newActor();
    const { nodes, edges } = approvalDefinition();
    const paused = await call(startExecution, "/api/executions", {
      method: "POST",
      auth: actor,
      body: { type: "CUSTOM", definition: { nodes, edges }, input: {} },
    });
    expect(paused.json.status).toBe("paused");
    const resumed = await call(resumeExecution, "/api/executions/x/resume", {
      method: "POST",
      auth: actor,
      params: { id: paused.json.executionId },
      body: { approved: true },
    });
    expect(resumed.json.status).toBe("completed");

    const events = await streamedEvents(
      await callRaw(runEvents, "/api/executions/x/events", { auth: actor, params: { id: paused.json.executionId } }),
    );
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const types = events.map((e) => e.type);
    expect(types.filter((t) => t === "run_started")).toHaveLength(2);
    expect(events.find((e) => e.type === "run_completed")?.data.status).toBe("paused");
    expect(events.at(-1)).toMatchObject({ type: "run_completed", data: { status: "completed" } });

    // Resuming from just after the pause gives the rest, and nothing before it.
    const pauseSeq = events.find((e) => e.type === "run_completed")!.seq;
    const rest = await streamedEvents(
      await callRaw(runEvents, `/api/executions/x/events?lastEventId=${pauseSeq}`, {
        auth: actor,
        params: { id: paused.json.executionId },
      }),
    );
    const restSeqs = rest.map((e) => e.seq);
    expect(restSeqs).toEqual(events.filter((e) => e.seq > pauseSeq).map((e) => e.seq));
  });
});
