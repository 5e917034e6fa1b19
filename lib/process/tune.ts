/**
 * What a Lattice process (the server, a queue worker) sets up for itself at start: the heap's bounded growth, the
 * young generation's bound and the idle collector (./idle-gc), and the pool behind `crypto.getRandomValues`
 * (./random-pool).
 */
import { env } from "@/lib/env";
import { limitHeapGrowth, limitNewSpace, startIdleGc } from "./idle-gc";
import { installRandomPool } from "./random-pool";

export function tuneProcess(): void {
  limitHeapGrowth(env().LATTICE_HEAP_GROWING_PERCENT);
  limitNewSpace(env().LATTICE_NEW_SPACE_MB);
  startIdleGc();
  installRandomPool();
}
