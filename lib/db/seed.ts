/**
 * Start-up seed: built-in templates (upserted by slug, so a new release updates them) and, in embedded
 * mode, the demo account whose credentials the sign-in page shows.
 */
import bcrypt from "bcryptjs";
import { eq, sql } from "drizzle-orm";
import { DEMO_EMAIL, demoAccountEnabled, getLocalSecrets } from "@/lib/config/local-secrets";
import { builtinTemplates } from "@/lib/templates/builtin";
import type { DbHandle } from "./client";
import { users, workflowTemplates } from "./schema";

const SEED_LOCK_KEY = 7_420_002;

export async function seedDatabase(handle: DbHandle): Promise<void> {
  await handle.withExclusiveLock(SEED_LOCK_KEY, async () => {
    const { db } = handle;
    for (const t of builtinTemplates) {
      await db
        .insert(workflowTemplates)
        .values({
          slug: t.slug,
          name: t.name,
          description: t.description,
          category: t.category,
          isBuiltin: true,
          ownerId: null,
          definition: t.definition,
          defaultParams: t.defaultParams,
        })
        .onConflictDoUpdate({
          target: workflowTemplates.slug,
          set: {
            name: sql`excluded.name`,
            description: sql`excluded.description`,
            category: sql`excluded.category`,
            definition: sql`excluded.definition`,
            defaultParams: sql`excluded.default_params`,
            isBuiltin: true,
          },
        });
    }
    if (demoAccountEnabled()) {
      const existing = await db.select({ id: users.id }).from(users).where(eq(users.email, DEMO_EMAIL)).limit(1);
      if (existing.length === 0) {
        const passwordHash = await bcrypt.hash(getLocalSecrets().demoPassword, 10);
        await db
          .insert(users)
          .values({ email: DEMO_EMAIL, name: "Demo user", passwordHash })
          .onConflictDoNothing({ target: users.email });
      }
    }
  });
}
