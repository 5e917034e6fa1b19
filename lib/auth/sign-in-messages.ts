/**
 * What the sign-in and sign-up forms say when an attempt is refused, shared by the server action, the
 * sign-in page (errors next-auth reports in its URL) and the API. Client-safe.
 */

/** next-auth's `code` for a sign-in the throttle refused (`/signin?error=CredentialsSignin&code=rate_limited`). */
export const SIGN_IN_THROTTLED_CODE = "rate_limited";

export const INVALID_CREDENTIALS_MESSAGE = "Invalid email or password.";

/** "14 minutes", "40 seconds": how long a refused client waits, in words. */
export function describeWait(seconds: number): string {
  const whole = Math.max(1, Math.ceil(seconds));
  if (whole < 60) return `${whole} second${whole === 1 ? "" : "s"}`;
  const minutes = Math.ceil(whole / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

/** The refusal of a throttled attempt, with the wait when it is known. */
export function throttledMessage(retryAfterSeconds?: number): string {
  const wait = retryAfterSeconds === undefined ? "a few minutes" : describeWait(retryAfterSeconds);
  return `Too many attempts to sign in or sign up for this account or from this network. Try again in ${wait}.`;
}

/**
 * The form's message for a sign-in next-auth refused with a CredentialsSignin error (wrong credentials, or
 * the throttle's SignInThrottledError), undefined for any other error.
 */
export function signInRefusalMessage(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { type, code, retryAfterSeconds } = error as { type?: unknown; code?: unknown; retryAfterSeconds?: unknown };
  if (type !== "CredentialsSignin") return undefined;
  if (code === SIGN_IN_THROTTLED_CODE) {
    return throttledMessage(typeof retryAfterSeconds === "number" ? retryAfterSeconds : undefined);
  }
  return INVALID_CREDENTIALS_MESSAGE;
}
