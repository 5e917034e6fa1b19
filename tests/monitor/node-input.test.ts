/**
 * The monitor shows the state each node started from: node_started carries it, display-sized (the last
 * message and the variables, long values clipped), on the first attempt.
 */
import { describe, expect, it } from "vitest";
import { execute } from "@/lib/engine/execute";
import type { ExecutionEventOf } from "@/lib/contracts/events";
import { createTestUser } from "../helpers/db";
import { chain, collect, graph, node } from "../engine/helpers";

describe("node_started input", () => {
  it("is the state the node starts from, with long values clipped", async () => {
    const user = await createTestUser();
    const long = "x".repeat(2_000);
    const definition = graph(
      [
        node("start", "start"),
        node("set", "variable", {
          assignments: [
            { name: "topic", value: "cats" },
            { name: "blob", value: long },
          ],
        }),
        node("about", "transform", {
          expression: "'About ' & variables.topic",
          target: "variable",
          variable: "headline",
        }),
        node("end", "end"),
      ],
      chain("start", "set", "about", "end"),
    );
    const events = await collect(
      await execute(
        { type: "CUSTOM", definition, input: { message: "hello there" } },
        { userId: user.id, stream: true },
      ),
    );
    const started = events.filter((e): e is ExecutionEventOf<"node_started"> => e.type === "node_started");
    const input = (id: string) => started.find((e) => e.data.nodeId === id)!.data.input!;

    expect(input("start")).toEqual({
      messageCount: 1,
      lastMessage: { role: "human", text: "hello there" },
      variables: {},
    });
    const about = input("about");
    expect(about.variables.topic).toBe("cats");
    expect(typeof about.variables.blob).toBe("string");
    expect((about.variables.blob as string).length).toBeLessThan(600);
    expect(input("end").variables).toMatchObject({ topic: "cats", headline: "About cats" });
  });
});
