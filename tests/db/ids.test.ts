import { decodeTime } from "ulid";
import { describe, expect, it } from "vitest";
import { newId } from "@/lib/ids";

describe("row ids", () => {
  it("increase in the order they are made, even within one millisecond", () => {
    const ids = Array.from({ length: 5_000 }, () => newId());
    const times = new Set(ids.map((id) => decodeTime(id)));
    // Thousands of ids in a few milliseconds: many share one.
    expect(times.size).toBeLessThan(ids.length / 10);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!, `id ${i}`).toBe(true);
  });

  it("dated earlier, sort at that time and before the ids made now", () => {
    const now = newId();
    const earlier = newId(Date.now() - 60_000);
    expect(decodeTime(earlier)).toBeLessThan(decodeTime(now));
    expect(earlier < now).toBe(true);
    expect(newId() > now).toBe(true);
  });
});
