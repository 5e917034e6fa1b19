/**
 * The SSE ids of a LangGraph stream with subgraphs: a child run's frames sit, as one block, after every frame of
 * the parent's event they are anchored to and before the parent's next event; children of one anchor in the
 * order of their ids; ids round-trip, and anything else is no id of ours.
 */
import { describe, expect, it } from "vitest";
import { childPlace, type FramePlace, frameIdOf, isAfterPlace, parseFrameId } from "@/lib/langgraph-api/events";

const A = "01AAAAAAAAAAAAAAAAAAAAAAAA";
const B = "01BBBBBBBBBBBBBBBBBBBBBBBB";

describe("frame places", () => {
  const ordered: FramePlace[] = [
    [5, 0],
    [5, 3],
    childPlace(5, A, [1, 0]),
    childPlace(5, A, [2, 1]),
    childPlace(5, A, childPlace(2, B, [1, 0])),
    childPlace(5, A, [3, 0]),
    childPlace(5, B, [1, 0]),
    [6, 0],
  ];

  it("orders a child's block between its anchor's frames and the parent's next event", () => {
    for (const [i, earlier] of ordered.entries())
      for (const later of ordered.slice(i + 1)) {
        expect(isAfterPlace(later, earlier), `${frameIdOf(later)} after ${frameIdOf(earlier)}`).toBe(true);
        expect(isAfterPlace(earlier, later), `${frameIdOf(earlier)} not after ${frameIdOf(later)}`).toBe(false);
      }
    expect(isAfterPlace([5, 0], undefined)).toBe(true);
    expect(isAfterPlace([5, 0], [5, 0])).toBe(false);
  });

  it("round-trips ids and refuses others", () => {
    expect(ordered.map((place) => parseFrameId(frameIdOf(place)))).toEqual(ordered);
    expect(frameIdOf(childPlace(5, A, childPlace(2, B, [1, 0])))).toBe(`5~${A}~2~${B}~1-0`);
    for (const bad of ["", "5", "5-", "x-1", `5~${A}`, `5~${A}~`, `5~a-b~1-0`, "1-2-3", null, undefined])
      expect(parseFrameId(bad), String(bad)).toBeUndefined();
  });
});
