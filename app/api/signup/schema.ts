import { z } from "zod";

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 200;
export const NAME_MAX_LENGTH = 100;

const required = (field: string, type: string) => (issue: { input?: unknown }) =>
  issue.input === undefined || issue.input === null ? `${field} is required` : `${field} must be a ${type}`;

export const signupBodySchema = z.object({
  email: z
    .string({ error: required("Email", "string") })
    .trim()
    .toLowerCase()
    .min(1, "Email is required")
    .max(320, "Email must be at most 320 characters")
    .pipe(z.email("Enter a valid email address")),
  password: z
    .string({ error: required("Password", "string") })
    .min(PASSWORD_MIN_LENGTH, `Password must be at least ${PASSWORD_MIN_LENGTH} characters`)
    .max(PASSWORD_MAX_LENGTH, `Password must be at most ${PASSWORD_MAX_LENGTH} characters`),
  name: z
    .string({ error: "Name must be a string" })
    .trim()
    .max(NAME_MAX_LENGTH, `Name must be at most ${NAME_MAX_LENGTH} characters`)
    .nullish()
    .transform((name) => (name ? name : null)),
});

export type SignupBody = z.infer<typeof signupBodySchema>;

/**
 * The one answer to every well-formed sign-up (202), whether or not the email already had an account: it
 * never tells anyone which emails have accounts.
 */
export const SIGNUP_ACCEPTED_MESSAGE =
  "If this email had no account, it has one now: sign in with it and the password you chose. If it already had one, nothing was changed and its owner has been notified.";

export interface SignupResponse {
  status: "accepted";
  /** The email as it was read (trimmed, lower case): the one to sign in with. */
  email: string;
  message: string;
}
