/**
 * Row ids: ULIDs (26 characters, time-ordered), as the `ulid` package makes them but from a buffer of
 * cryptographic random bytes refilled 4 KB at a time. `ulid()` alone looks the crypto API up and draws from
 * it once per character — 16 calls per id, a visible share of a chat turn's CPU in profiles.
 */
import { randomFillSync } from "node:crypto";
import { monotonicFactory, ulid } from "ulid";

const randomBytes = new Uint8Array(4096);
let randomAt = randomBytes.length;

function bufferedRandom(): number {
  if (randomAt === randomBytes.length) {
    randomFillSync(randomBytes);
    randomAt = 0;
  }
  return randomBytes[randomAt++]! / 256;
}

/**
 * Ids made now: each sorts after the one before it, even within one millisecond. One per process, on
 * globalThis: a production build bundles this module more than once (the instrumentation entry and the
 * routes), and a question's id and its answer's may come from different copies.
 */
const shared = globalThis as typeof globalThis & { __latticeNextId?: (seedTime?: number) => string };
const nextId = (shared.__latticeNextId ??= monotonicFactory(bufferedRandom));

/**
 * A new id; `seedTime` (ms) dates it (an id made for something that happened earlier sorts there). Ids made
 * now increase within the process: a chat turn's answer, stored right after its question (the built-in model
 * answers within the same millisecond), sorts after it, and a conversation is read back in id order.
 */
export function newId(seedTime?: number): string {
  return seedTime === undefined ? nextId() : ulid(seedTime, bufferedRandom);
}
