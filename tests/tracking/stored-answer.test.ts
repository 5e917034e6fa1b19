/**
 * A chat run's stream hands over its answer as the finish stored it (RunEventStream.storedAnswer), so the
 * chat route's closing `message` event needs no read back: set once the terminal event is out, equal to
 * the stored row, and absent when the finish could not store it.
 */
import { eq } from "drizzle-orm";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { messages } from "@/lib/db/schema";
import { execute } from "@/lib/engine/execute";
import { EventBus } from "@/lib/tracking/event-bus";
import { WorkflowTracker } from "@/lib/tracking/workflow-tracker";
import { createTestUser, testDb } from "../helpers/db";

const faults = vi.hoisted(() => ({ finishes: 0 }));
vi.mock("@/lib/db/queries/executions", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/db/queries/executions")>();
  return {
    ...actual,
    finishExecution: async (args: Parameters<typeof actual.finishExecution>[0]) => {
      if (faults.finishes > 0) {
        faults.finishes -= 1;
        throw new Error("the finish could not be stored (injected)");
      }
      return actual.finishExecution(args);
    },
  };
});

const buses: EventBus[] = [];
function tracker() {
  const bus = new EventBus();
  buses.push(bus);
  return new WorkflowTracker({ bus });
}
afterAll(async () => {
  await Promise.all(buses.map((b) => b.close()));
});
afterEach(() => {
  faults.finishes = 0;
  vi.restoreAllMocks();
});

describe("a chat stream's stored answer", () => {
  it("is the answer row as stored, from the terminal event on (and not before)", async () => {
    const user = await createTestUser();
    const stream = await execute(
      { type: "CHAT", message: "Keep this answer" },
      { userId: user.id, tracker: tracker(), stream: true },
    );
    let seenBeforeEnd = false;
    let terminalMessageId: string | undefined;
    for await (const event of stream) {
      if (event.type === "run_completed") terminalMessageId = event.data.messageId;
      else if (stream.storedAnswer()) seenBeforeEnd = true;
    }
    expect(seenBeforeEnd).toBe(false);
    const stored = stream.storedAnswer();
    expect(stored?.id).toBe(terminalMessageId);
    const { db } = await testDb();
    const [row] = await db.select().from(messages).where(eq(messages.id, terminalMessageId!));
    expect(stored).toEqual(row);
    expect(stored).toMatchObject({ role: "assistant", status: "complete", ownerId: user.id });
    expect(stored!.content).toContain("Keep this answer");
  });

  it("is absent when the finish could not store it (the run is recorded as failed instead)", async () => {
    const user = await createTestUser();
    vi.spyOn(console, "error").mockImplementation(() => {});
    faults.finishes = 1;
    const stream = await execute(
      { type: "CHAT", message: "This answer is lost" },
      { userId: user.id, tracker: tracker(), stream: true },
    );
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types.at(-1)).toBe("run_failed");
    expect(stream.storedAnswer()).toBeUndefined();
  });
});
