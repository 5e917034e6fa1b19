import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { KnowledgeBaseView } from "@/components/knowledge/knowledge-base-view";
import { isId } from "@/lib/contracts/common";
import { requireSessionUser } from "@/lib/auth";
import { isAppError } from "@/lib/errors";
import { getKnowledgeBaseWithDocuments } from "@/lib/services/knowledge";
import { builtinTemplateId } from "@/lib/services/templates";
import { RAG_QA_SLUG } from "@/lib/templates/builtin";

export const metadata: Metadata = { title: "Knowledge base" };

/**
 * One knowledge base: its documents, adding (upload or paste) and deleting them, and deleting the base.
 * Read here; the client keeps it current with React Query. Another user's base is a 404, like a missing one.
 */
export default async function KnowledgeBasePage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const { id } = await params;
  const user = await requireSessionUser({ callbackUrl: `/knowledge/${id}` });
  if (!isId(id)) notFound();
  const [data, ragTemplateId] = await Promise.all([
    getKnowledgeBaseWithDocuments({ ownerId: user.id, id }).catch((error: unknown) => {
      if (isAppError(error) && error.status === 404) return null;
      throw error;
    }),
    builtinTemplateId({ slug: RAG_QA_SLUG }),
  ]);
  if (!data) notFound();
  return <KnowledgeBaseView key={id} initial={data} chatTemplateId={ragTemplateId} />;
}
