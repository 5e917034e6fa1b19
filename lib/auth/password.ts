/** Password hashing with bcrypt (bcryptjs: pure JS, no native build). */
import "server-only";
import bcrypt from "bcryptjs";

const COST = 10;
// Compared against when the email is unknown, so both failures take the same time and an attacker cannot
// probe which emails have accounts. (A valid bcrypt hash of a random string nobody knows.)
const DUMMY_HASH = "$2b$10$CwTycUXWue0Thq9StjUM0uJ8.VWd2H0BTr3yKa4dCHZ2nO9qvH5m.";

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

/** True when `password` matches `hash`; a null hash (OAuth-only account) never matches, in constant-ish time. */
export async function verifyPassword(password: string, hash: string | null): Promise<boolean> {
  const matches = await bcrypt.compare(password, hash ?? DUMMY_HASH);
  return hash !== null && matches;
}
