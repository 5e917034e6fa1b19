/**
 * Sign-in and sign-up throttling, counted in the database (auth_throttle) so the limits hold across
 * instances. Two buckets per attempt: the account (the email, whether or not it has an account) and the
 * client's address (lib/auth/client-address.ts; one shared bucket when it cannot be known).
 *
 * - A sign-in attempt is counted before the password is checked (so parallel guesses cannot slip past the
 *   count); a successful one gives its attempt back and clears the account's count. What remains are the
 *   failures.
 * - Every sign-up attempt counts, whatever its outcome: the counts then say nothing about whether an email
 *   already had an account.
 * - Beyond LATTICE_AUTH_ATTEMPTS_PER_ACCOUNT for the account or LATTICE_AUTH_ATTEMPTS_PER_IP for the address
 *   within LATTICE_AUTH_WINDOW_SECONDS, attempts are refused — a correct password too, or the limit would
 *   not stop a guesser — until the window, which starts at the bucket's first attempt, is over. So someone
 *   else's failures block an account for one window at most.
 *
 * Buckets are keyed hashes (HMAC with the auth secret): the table holds no email or address in the clear.
 */
import "server-only";
import crypto from "node:crypto";
import { getAuthSecret } from "@/lib/config/local-secrets";
import { countAuthAttempt, settleAuthAttempt } from "@/lib/db/queries/auth-throttle";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { throttledMessage } from "./sign-in-messages";

export interface ThrottleSettings {
  windowSeconds: number;
  perAccount: number;
  perAddress: number;
}

export function throttleSettings(): ThrottleSettings {
  const e = env();
  return {
    windowSeconds: e.LATTICE_AUTH_WINDOW_SECONDS,
    perAccount: e.LATTICE_AUTH_ATTEMPTS_PER_ACCOUNT,
    perAddress: e.LATTICE_AUTH_ATTEMPTS_PER_IP,
  };
}

/** Who an attempt is about and where it comes from. `address` null: unknown (the shared bucket). */
export interface AttemptSource {
  email: string;
  address: string | null;
}

export type ThrottleVerdict =
  | { allowed: true }
  | { allowed: false; scope: "account" | "address"; retryAfterSeconds: number };

function bucketOf(scope: "account" | "ip", value: string): string {
  const digest = crypto.createHmac("sha256", getAuthSecret()).update(`${scope}:${value}`).digest("base64url");
  return `${scope}:${digest.slice(0, 43)}`;
}

function bucketsOf({ email, address }: AttemptSource): { account: string; address: string } {
  return {
    account: bucketOf("account", email.trim().toLowerCase()),
    address: bucketOf("ip", address ?? "unknown"),
  };
}

let warnedUnknownAddress = false;

/**
 * Counts an attempt against the account and the address; refused when either is past its limit. The
 * attempt is counted either way (a refused one only after the limit, which changes nothing).
 */
export async function countAttempt(
  source: AttemptSource,
  settings: ThrottleSettings = throttleSettings(),
): Promise<ThrottleVerdict> {
  if (source.address === null && !warnedUnknownAddress) {
    warnedUnknownAddress = true;
    console.warn(
      "[auth] the client's address is unknown (no proxy trusted and no peer address on the request): per-address sign-in limits share one bucket. See LATTICE_TRUST_PROXY.",
    );
  }
  const buckets = bucketsOf(source);
  const counts = await countAuthAttempt({
    buckets: [buckets.account, buckets.address],
    windowSeconds: settings.windowSeconds,
  });
  const account = counts.find((c) => c.bucket === buckets.account);
  const address = counts.find((c) => c.bucket === buckets.address);
  const refusals: Array<{ scope: "account" | "address"; retryAfterSeconds: number; first: boolean }> = [];
  if (account && account.attempts > settings.perAccount) {
    refusals.push({
      scope: "account",
      retryAfterSeconds: account.secondsLeft,
      first: account.attempts === settings.perAccount + 1,
    });
  }
  if (address && address.attempts > settings.perAddress) {
    refusals.push({
      scope: "address",
      retryAfterSeconds: address.secondsLeft,
      first: address.attempts === settings.perAddress + 1,
    });
  }
  if (refusals.length === 0) return { allowed: true };
  for (const refusal of refusals) {
    if (!refusal.first) continue;
    // Once per bucket and window: an attack is worth a line in the log, each refused guess is not.
    const who = refusal.scope === "account" ? `account ${source.email}` : `address ${source.address ?? "(unknown)"}`;
    console.warn(
      `[auth] too many sign-in/sign-up attempts for ${who}: refusing them for ${refusal.retryAfterSeconds} s`,
    );
  }
  // Both refuse: the client must wait for the later of the two.
  const longest = refusals.reduce((a, b) => (b.retryAfterSeconds > a.retryAfterSeconds ? b : a));
  return { allowed: false, scope: longest.scope, retryAfterSeconds: Math.max(1, longest.retryAfterSeconds) };
}

/** A successful sign-in: its attempt was no failure, and the account's earlier failures are forgotten. */
export async function settleSuccessfulSignIn(source: AttemptSource): Promise<void> {
  const buckets = bucketsOf(source);
  await settleAuthAttempt({ clear: [buckets.account], refund: [buckets.address] });
}

/** The API's answer to a refused attempt: 429 with Retry-After. */
export function throttledError(verdict: Extract<ThrottleVerdict, { allowed: false }>): AppError {
  return new AppError("rate_limit:auth", throttledMessage(verdict.retryAfterSeconds), {
    retryAfterSeconds: verdict.retryAfterSeconds,
  });
}

/** The buckets of a source (tests read the stored counts). */
export function throttleBuckets(source: AttemptSource): { account: string; address: string } {
  return bucketsOf(source);
}
