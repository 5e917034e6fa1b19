/**
 * Issue lines name the node they are about in words: two nodes with the same label (two “End” nodes) must
 * not give two identical lines — each says which node it is (its id), and carries its nodeId.
 */
import { describe, expect, it } from "vitest";
import { defaultValidationContext, validateWorkflow } from "@/lib/validation";
import { edge, node } from "./fixtures";

const user = { id: "user-1" };

describe("issue lines", () => {
  it("tell apart two nodes with the same label by their ids", () => {
    const result = validateWorkflow(
      {
        nodes: [
          node("start", "start", {}, "Start"),
          node("model", "model", { provider: "local", model: "echo" }, "Answer"),
          node("end", "end", {}, "End"),
          node("end_2", "end", {}, "End"),
          node("end_3", "end", {}, "End"),
        ],
        edges: [edge("start", "model"), edge("model", "end")],
      },
      user,
      defaultValidationContext(),
    );
    const unreachable = result.errors.filter((issue) => issue.code === "node.unreachable");
    expect(unreachable.map((issue) => issue.nodeId)).toEqual(["end_2", "end_3"]);
    const [second, third] = unreachable.map((issue) => issue.message);
    expect(second).not.toBe(third);
    expect(second).toContain("End node “End” (id end_2)");
    expect(third).toContain("End node “End” (id end_3)");
  });

  it("keep naming a node by its label alone when no other node shares it", () => {
    const result = validateWorkflow(
      {
        nodes: [
          node("start", "start", {}, "Start"),
          node("model", "model", { provider: "local", model: "echo" }, "Answer"),
          node("end", "end", {}, "End"),
          node("reply", "end", {}, "Reply"),
        ],
        edges: [edge("start", "model"), edge("model", "end")],
      },
      user,
      defaultValidationContext(),
    );
    const [unreachable] = result.errors.filter((issue) => issue.code === "node.unreachable");
    expect(unreachable?.message).toContain("End node “Reply”");
    expect(unreachable?.message).not.toContain("(id ");
  });
});
