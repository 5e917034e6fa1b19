/**
 * The Auth.js adapter on our tables (users/accounts/sessions/verification_tokens). OAuth sign-ins create
 * and link users through it; emails are lower-cased on the way in so they meet password accounts.
 */
import "server-only";
import { DrizzleAdapter } from "@auth/drizzle-adapter";
import type { Adapter } from "next-auth/adapters";
import { getDb } from "../client";
import { accounts, sessions, users, verificationTokens } from "../schema";
import { normalizeEmail } from "./users";

export async function createAuthAdapter(): Promise<Adapter> {
  const db = await getDb();
  const base = DrizzleAdapter(db, {
    usersTable: users,
    accountsTable: accounts,
    sessionsTable: sessions,
    verificationTokensTable: verificationTokens,
  });
  return {
    ...base,
    createUser: (user) => base.createUser!({ ...user, email: normalizeEmail(user.email) }),
    getUserByEmail: (email) => base.getUserByEmail!(normalizeEmail(email)),
  };
}
