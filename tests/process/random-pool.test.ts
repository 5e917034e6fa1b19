import { webcrypto } from "node:crypto";
import { describe, expect, it } from "vitest";
import { installRandomPool } from "@/lib/process/random-pool";

/** A Web Crypto object of its own (the global one stays as it is), counting the standard method's calls. */
function cryptoObject() {
  const calls: number[] = [];
  const target = {
    getRandomValues<T extends ArrayBufferView | null>(array: T): T {
      calls.push(array?.byteLength ?? -1);
      return webcrypto.getRandomValues(array as never) as T;
    },
  } as unknown as Crypto;
  return { target, calls };
}

describe("the random-values pool", () => {
  it("serves small integer arrays from the pool, across refills, with fresh bytes each time", () => {
    const { target, calls } = cryptoObject();
    expect(installRandomPool(target)).toBe(true);
    expect(installRandomPool(target)).toBe(false);
    const seen = new Set<string>();
    // 1,000 × 16 bytes: the 4 KiB pool is refilled three times.
    for (let i = 0; i < 1000; i++) {
      const bytes = target.getRandomValues(new Uint8Array(16));
      seen.add(Buffer.from(bytes).toString("hex"));
    }
    expect(seen.size).toBe(1000);
    expect(calls).toEqual([]);
    // Byte values spread evenly (a loose chi-square bound: 255 degrees of freedom, p ≈ 1e-6 at 400).
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 400; i++) for (const byte of target.getRandomValues(new Uint8Array(250))) counts[byte]!++;
    const expected = (400 * 250) / 256;
    const chiSquare = counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(400);
  });

  it("fills exactly the view it is given, of any integer type", () => {
    const { target } = cryptoObject();
    installRandomPool(target);
    const buffer = new Uint8Array(64);
    target.getRandomValues(new Uint8Array(buffer.buffer, 16, 32));
    expect(buffer.subarray(0, 16).every((b) => b === 0)).toBe(true);
    expect(buffer.subarray(48).every((b) => b === 0)).toBe(true);
    expect(buffer.subarray(16, 48).some((b) => b !== 0)).toBe(true);
    const words = target.getRandomValues(new Uint32Array(8));
    expect(words.some((w) => w !== 0)).toBe(true);
    expect(target.getRandomValues(new BigUint64Array(2)).some((w) => w !== 0n)).toBe(true);
  });

  it("leaves large arrays and what the standard refuses to the standard method", () => {
    const { target, calls } = cryptoObject();
    installRandomPool(target);
    target.getRandomValues(new Uint8Array(1024));
    expect(calls).toEqual([1024]);
    expect(() => target.getRandomValues(new Float32Array(4))).toThrow(/TypeMismatchError|not of an integer type|type/i);
    expect(() => target.getRandomValues(new Uint8Array(70_000))).toThrow(/65,?536|quota/i);
  });
});
