/**
 * Test database helpers. Tests share the worker's database (PGlite in memory, or the worker's own PostgreSQL
 * database) and isolate themselves by creating their own users: never truncate, never assume empty tables.
 */
import { ulid } from "ulid";
import { getDbHandle, type DbHandle } from "@/lib/db/client";
import { users, type User } from "@/lib/db/schema";

export async function testDb(): Promise<DbHandle> {
  return getDbHandle();
}

export async function createTestUser(overrides: Partial<typeof users.$inferInsert> = {}): Promise<User> {
  const { db } = await testDb();
  const [user] = await db
    .insert(users)
    .values({ email: `user-${ulid().toLowerCase()}@test.local`, name: "Test user", ...overrides })
    .returning();
  return user!;
}
