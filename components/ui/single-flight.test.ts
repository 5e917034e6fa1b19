import { describe, expect, it, vi } from "vitest";
import { isRepeatClick, singleFlight } from "./single-flight";
import { lengthHint } from "./length-hint";

describe("singleFlight (issue 14, item 1: one request per click)", () => {
  it("starts nothing while an action is in flight, and hands back its promise", async () => {
    const flight = singleFlight<number>();
    let finish!: (value: number) => void;
    const action = vi.fn(() => new Promise<number>((resolve) => (finish = resolve)));
    const first = flight.run(action);
    const second = flight.run(action);
    expect(flight.pending).toBe(true);
    expect(action).toHaveBeenCalledTimes(1);
    finish(7);
    expect(await first).toBe(7);
    expect(await second).toBe(7);
    expect(flight.pending).toBe(false);
    // Once settled, the next call runs again.
    const third = flight.run(() => Promise.resolve(8));
    expect(await third).toBe(8);
  });

  it("lets a failure through and is free again after it", async () => {
    const flight = singleFlight();
    await expect(flight.run(() => Promise.reject(new Error("no")))).rejects.toThrow("no");
    expect(flight.pending).toBe(false);
    await expect(
      flight.run(() => {
        throw new Error("sync");
      }),
    ).rejects.toThrow("sync");
    expect(flight.pending).toBe(false);
  });

  it("tells the second click of a double-click from a click", () => {
    expect(isRepeatClick({ detail: 1 })).toBe(false);
    expect(isRepeatClick({ detail: 0 })).toBe(false); // the keyboard's Enter or Space
    expect(isRepeatClick({ detail: 2 })).toBe(true);
  });
});

describe("lengthHint (issue 14, item 5: limits shown where typed)", () => {
  it("says nothing far from the limit, counts from 80% of it, and says when it is reached", () => {
    expect(lengthHint(0, 200)).toBeNull();
    expect(lengthHint(159, 200)).toBeNull();
    expect(lengthHint(160, 200)).toEqual({
      text: "160/200",
      label: "160 of 200 characters, 40 left",
      atLimit: false,
    });
    expect(lengthHint(200, 200)).toMatchObject({ text: "200/200", atLimit: true });
    expect(lengthHint(200, 200)?.label).toContain("limit is reached");
  });
});
