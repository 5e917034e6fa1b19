/**
 * The queue's one job type: run one execution. The job carries the request and its owner, and the id of
 * the execution created (pending) when it was enqueued — so a job retried after its worker died continues
 * that execution instead of starting a second one. The pg-boss job id is derived from the execution id, so
 * the job of an execution can only exist once.
 */
import { z } from "zod";

/** The pg-boss queue every run job goes to. */
export const RUN_QUEUE = "lattice-runs";
/** NOTIFY channel that wakes idle workers when a job is enqueued (they also poll). */
export const WAKE_CHANNEL = "lattice_queue_wake";

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export const runJobSchema = z.object({
  /** The pending execution this job runs (its row exists before the job). */
  executionId: z.string().regex(ULID),
  ownerId: z.string().min(1),
  /** The ExecutionRequest, parsed again by the engine when the job runs. */
  request: z.record(z.string(), z.unknown()),
  /** A re-run: the execution it repeats. */
  rerunOf: z.string().regex(ULID).optional(),
  /** Time travel: start from this step of `rerunOf` with these variables. */
  fromStep: z
    .object({ checkpointId: z.string().min(1), variables: z.record(z.string(), z.unknown()).optional() })
    .optional(),
  enqueuedAt: z.string(),
});
export type RunJob = z.infer<typeof runJobSchema>;

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * The 128 bits of a ULID as a UUID (8-4-4-4-12 hex): the job id of an execution. Not an RFC 4122 version;
 * PostgreSQL's uuid type takes any 128 bits.
 */
export function jobIdOf(executionId: string): string {
  if (!ULID.test(executionId)) throw new Error(`not a ULID: ${executionId}`);
  let value = 0n;
  for (const char of executionId) value = (value << 5n) | BigInt(CROCKFORD.indexOf(char));
  const hex = value.toString(16).padStart(32, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
