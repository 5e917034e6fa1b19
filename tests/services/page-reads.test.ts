/**
 * The reads the pages make through lib/services (pages never import lib/db: tests/architecture holds that),
 * where the service adds something to the query beneath it.
 */
import { describe, expect, it } from "vitest";
import { builtinTemplateId, listTemplates, listTemplateUsage } from "@/lib/services/templates";
import { listLastRuns } from "@/lib/services/workflows";
import { RAG_QA_SLUG } from "@/lib/templates/builtin";
import { createTestUser } from "../helpers/db";

describe("reads for the pages", () => {
  it("finds a built-in template's id by its slug, and null for a slug no built-in has", async () => {
    const user = await createTestUser();
    const rag = (await listTemplates({ ownerId: user.id })).find((t) => t.slug === RAG_QA_SLUG);
    expect(rag?.isBuiltin).toBe(true);
    expect(await builtinTemplateId({ slug: RAG_QA_SLUG })).toBe(rag!.id);
    expect(await builtinTemplateId({ slug: "no-such-template" })).toBeNull();
  });

  it("gives a new user no template usage and no last runs", async () => {
    const user = await createTestUser();
    expect(await listTemplateUsage({ ownerId: user.id })).toEqual([]);
    expect(await listLastRuns({ ownerId: user.id, workflowIds: [] })).toEqual([]);
  });
});
