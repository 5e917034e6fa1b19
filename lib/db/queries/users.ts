/**
 * User lookups and creation. Emails are stored in lower case (callers normalise; these functions do too,
 * so a mixed-case address from an OAuth provider still finds its account).
 */
import "server-only";
import { eq, sql } from "drizzle-orm";
import { getDb, preparedPerDb } from "../client";
import { users } from "../schema";

export interface UserRecord {
  id: string;
  email: string;
  name: string | null;
}

/** Includes the password hash: only the credentials check needs it. */
export interface UserWithPassword extends UserRecord {
  passwordHash: string | null;
}

const publicColumns = { id: users.id, email: users.email, name: users.name };

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Every request signed in by cookie looks its user up: a prepared statement. */
const userById = preparedPerDb((db) =>
  db
    .select(publicColumns)
    .from(users)
    .where(eq(users.id, sql.placeholder("id")))
    .limit(1)
    .prepare("lattice_user_by_id"),
);

export async function getUserById({ id }: { id: string }): Promise<UserRecord | null> {
  const db = await getDb();
  const [row] = await userById(db).execute({ id });
  return row ?? null;
}

export async function getUserByEmail({ email }: { email: string }): Promise<UserRecord | null> {
  const db = await getDb();
  const [row] = await db
    .select(publicColumns)
    .from(users)
    .where(eq(users.email, normalizeEmail(email)))
    .limit(1);
  return row ?? null;
}

export async function getUserWithPasswordByEmail({ email }: { email: string }): Promise<UserWithPassword | null> {
  const db = await getDb();
  const [row] = await db
    .select({ ...publicColumns, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, normalizeEmail(email)))
    .limit(1);
  return row ?? null;
}

/**
 * Creates a user with a password. Returns null when the email is taken (also under a concurrent signup:
 * the unique index decides, not a check-then-insert race).
 */
export async function createUserWithPassword({
  email,
  name,
  passwordHash,
}: {
  email: string;
  name: string | null;
  passwordHash: string;
}): Promise<UserRecord | null> {
  const db = await getDb();
  const [row] = await db
    .insert(users)
    .values({ email: normalizeEmail(email), name, passwordHash })
    .onConflictDoNothing({ target: users.email })
    .returning(publicColumns);
  return row ?? null;
}
