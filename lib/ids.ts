/**
 * Row ids: ULIDs (26 characters, time-ordered), as the `ulid` package makes them but from a buffer of
 * cryptographic random bytes refilled 4 KB at a time. `ulid()` alone looks the crypto API up and draws from
 * it once per character — 16 calls per id, a visible share of a chat turn's CPU in profiles.
 */
import { randomFillSync } from "node:crypto";
import { ulid } from "ulid";

const randomBytes = new Uint8Array(4096);
let randomAt = randomBytes.length;

function bufferedRandom(): number {
  if (randomAt === randomBytes.length) {
    randomFillSync(randomBytes);
    randomAt = 0;
  }
  return randomBytes[randomAt++]! / 256;
}

/** A new id; `seedTime` (ms) dates it (an id made for something that happened earlier sorts there). */
export function newId(seedTime?: number): string {
  return ulid(seedTime, bufferedRandom);
}
