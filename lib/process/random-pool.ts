/**
 * `crypto.getRandomValues` for small arrays, served from a pool of random bytes. A run asks it for 16 bytes
 * a dozen times and more — LangGraph's checkpoint ids (UUID v6) and task ids, LangChain's run ids — and each
 * call was a `getrandom` system call: 6–25 µs each on this kind of VM, ~0.1 ms of a chat turn before its model
 * request. The pool is refilled 4 KiB at a time from the same source (`randomFillSync`: the operating
 * system's CSPRNG), as Node's own `crypto.randomUUID` and the `uuid` package's Node build already do; each
 * byte is handed out once and zeroed in the pool as it goes. Arrays over 256 bytes, and anything that is not
 * an integer typed array (which the standard method refuses), go to the standard method unchanged.
 */
import { randomFillSync } from "node:crypto";

const POOL_BYTES = 4096;
const MAX_POOLED_BYTES = 256;
const INSTALLED = Symbol.for("lattice:pooled_random_values");

type IntegerArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

const INTEGER_ARRAYS = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  BigInt64Array,
  BigUint64Array,
];

function isIntegerArray(value: unknown): value is IntegerArray {
  return INTEGER_ARRAYS.some((type) => value instanceof type);
}

/**
 * Puts the pool in front of `target.getRandomValues` (the global Web Crypto object by default; whatever
 * wraps it, such as Next's prerender bookkeeping, keeps serving larger requests). Once per object; returns
 * whether it was installed now.
 */
export function installRandomPool(target: Crypto = globalThis.crypto): boolean {
  const holder = target as Crypto & { [INSTALLED]?: true };
  if (!holder || holder[INSTALLED]) return false;
  const standard = target.getRandomValues.bind(target) as (array: unknown) => unknown;
  const pool = new Uint8Array(POOL_BYTES);
  let used = POOL_BYTES;
  const pooled = function getRandomValues<T>(array: T): T {
    if (!isIntegerArray(array) || array.byteLength > MAX_POOLED_BYTES) return standard(array) as T;
    const size = array.byteLength;
    if (size > POOL_BYTES - used) {
      randomFillSync(pool);
      used = 0;
    }
    new Uint8Array(array.buffer, array.byteOffset, size).set(pool.subarray(used, used + size));
    pool.fill(0, used, used + size);
    used += size;
    return array;
  };
  (holder as { getRandomValues: unknown }).getRandomValues = pooled;
  holder[INSTALLED] = true;
  return true;
}
