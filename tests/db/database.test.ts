import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rowsOf } from "@/lib/db/client";
import { getAppliedMigration } from "@/lib/db/migrate";
import { workflowExecutions, workflowTemplates } from "@/lib/db/schema";
import { UNIVERSAL_CHAT_SLUG } from "@/lib/templates/builtin";
import { createTestUser, testDb } from "../helpers/db";

describe("database", () => {
  it("is migrated to the newest migration on first open", async () => {
    const { db } = await testDb();
    const applied = await getAppliedMigration(db);
    expect(applied.pending).toBe(0);
    expect(applied.tag).toMatch(/^\d{4}_/);
  });

  it("seeds the built-in templates", async () => {
    const { db } = await testDb();
    const rows = await db
      .select()
      .from(workflowTemplates)
      .where(sql`${workflowTemplates.slug} = ${UNIVERSAL_CHAT_SLUG}`);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.isBuiltin).toBe(true);
    expect(rows[0]?.ownerId).toBeNull();
  });

  it("gives rows 26-character ULID ids and timestamptz times", async () => {
    const { db } = await testDb();
    const user = await createTestUser();
    expect(user.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    const [execution] = await db
      .insert(workflowExecutions)
      .values({ ownerId: user.id, workflowType: "CUSTOM", status: "running", startedAt: new Date() })
      .returning();
    expect(execution?.id).toHaveLength(26);
    expect(execution?.definitionId).toBeNull();
    const types = rowsOf<{ data_type: string }>(
      await db.execute(
        sql`select data_type from information_schema.columns where table_name = 'workflow_executions' and column_name = 'started_at'`,
      ),
    );
    expect(types[0]?.data_type).toBe("timestamp with time zone");
  });

  it("keeps execution events unique per execution and sequence number", async () => {
    const { db } = await testDb();
    const user = await createTestUser();
    const [execution] = await db
      .insert(workflowExecutions)
      .values({ ownerId: user.id, workflowType: "CUSTOM", status: "running" })
      .returning();
    const insert = () =>
      db.execute(
        sql`insert into execution_events (execution_id, seq, type) values (${execution!.id}, 1, 'node_started')`,
      );
    await insert();
    await expect(insert()).rejects.toThrow();
  });

  it("maintains a full-text search vector for knowledge chunks", async () => {
    const { db } = await testDb();
    const user = await createTestUser();
    const kb = rowsOf<{ id: string }>(
      await db.execute(
        sql`insert into knowledge_bases (id, owner_id, name) values ('01JTESTKB000000000000000' || substr(md5(random()::text), 1, 2), ${user.id}, 'kb') returning id`,
      ),
    )[0]!;
    const doc = rowsOf<{ id: string }>(
      await db.execute(
        sql`insert into knowledge_documents (id, knowledge_base_id, owner_id, title) values ('01JTESTDOC00000000000000' || substr(md5(random()::text), 1, 2), ${kb.id}, ${user.id}, 'd') returning id`,
      ),
    )[0]!;
    await db.execute(
      sql`insert into knowledge_chunks (id, document_id, knowledge_base_id, owner_id, position, content) values ('01JTESTCHUNK000000000000' || substr(md5(random()::text), 1, 2), ${doc.id}, ${kb.id}, ${user.id}, 0, 'Lattice runs workflows on PostgreSQL')`,
    );
    const hits = rowsOf<{ n: number }>(
      await db.execute(
        sql`select count(*)::int as n from knowledge_chunks where knowledge_base_id = ${kb.id} and search_vector @@ websearch_to_tsquery('english', 'workflow')`,
      ),
    );
    expect(hits[0]?.n).toBe(1);
  });
});
