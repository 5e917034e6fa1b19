import { BookOpen, Library } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { Suspense } from "react";
import { countOf, formatBytes } from "@/components/knowledge/format";
import { NewKnowledgeBase } from "@/components/knowledge/new-knowledge-base";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { focusRing } from "@/components/ui/focus-ring";
import { PageHeader } from "@/components/ui/page-header";
import { PageSkeleton } from "@/components/ui/page-skeleton";
import { RelativeTime } from "@/components/ui/relative-time";
import type { KnowledgeBaseDto } from "@/lib/contracts/knowledge";
import { requireSessionUser } from "@/lib/auth";
import { listKnowledgeBases, listKnowledgeBaseTotals, type KnowledgeBaseTotals } from "@/lib/services/knowledge";

export const metadata: Metadata = { title: "Knowledge" };

const NO_TOTALS: KnowledgeBaseTotals = { chunkCount: 0, sizeBytes: 0 };

/**
 * The skeleton is this page's own Suspense fallback: a `loading.tsx` beside it would also wrap
 * /knowledge/:id and start that page's response (HTTP 200) before it could find that a base is missing.
 */
export default function KnowledgePage() {
  return (
    <Suspense fallback={<PageSkeleton label="knowledge bases" layout="cards" />}>
      <KnowledgeBases />
    </Suspense>
  );
}

async function KnowledgeBases() {
  await connection();
  const user = await requireSessionUser({ callbackUrl: "/knowledge" });
  const [knowledgeBases, totals] = await Promise.all([
    listKnowledgeBases({ ownerId: user.id }),
    listKnowledgeBaseTotals({ ownerId: user.id }),
  ]);

  return (
    <div className="flex flex-col gap-8">
      <PageHeader
        title="Knowledge"
        description="Documents your workflows answer from: each knowledge base is split into passages, and a retrieval node or the knowledge-search tool finds the ones that match a question."
        actions={knowledgeBases.length > 0 ? <NewKnowledgeBase /> : null}
      />
      {knowledgeBases.length === 0 ? (
        <EmptyState
          icon={Library}
          title="No knowledge bases yet"
          description="A knowledge base holds documents (.txt, .md, .pdf or pasted text) that the Knowledge base Q&A template, a retrieval node or the knowledge-search tool search to answer with your own content. Create one, then add documents to it."
          actions={<NewKnowledgeBase />}
        />
      ) : (
        <ul data-testid="knowledge-list" className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
          {knowledgeBases.map((kb) => (
            <li key={kb.id}>
              <KnowledgeCard knowledgeBase={kb} totals={totals.get(kb.id) ?? NO_TOTALS} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function KnowledgeCard({
  knowledgeBase: kb,
  totals,
}: {
  knowledgeBase: KnowledgeBaseDto;
  totals: KnowledgeBaseTotals;
}) {
  return (
    <Card
      data-testid="knowledge-card"
      className="relative flex h-full flex-col p-5 transition-colors hover:border-zinc-300"
    >
      <div className="flex size-9 items-center justify-center rounded-md bg-indigo-50 text-indigo-600 ring-1 ring-indigo-100">
        <BookOpen aria-hidden className="size-4" />
      </div>
      <h2 className="mt-4 font-semibold break-words text-zinc-900">
        {/* The whole card is the link's target (the stretched ::after), the name its accessible text. */}
        <Link
          href={`/knowledge/${kb.id}`}
          className={`rounded-sm after:absolute after:inset-0 after:rounded-lg ${focusRing}`}
        >
          {kb.name}
        </Link>
      </h2>
      <p className="mt-1 line-clamp-3 flex-1 text-[13px] leading-5 break-words text-zinc-500">
        {kb.description || "No description"}
      </p>
      <p
        data-testid="knowledge-card-stats"
        className="mt-4 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-zinc-500"
      >
        <span>{countOf(kb.documentCount, "document")}</span>
        <span aria-hidden>·</span>
        <span>{countOf(totals.chunkCount, "chunk")}</span>
        <span aria-hidden>·</span>
        <span>{formatBytes(totals.sizeBytes)}</span>
      </p>
      <p className="mt-1 text-xs text-zinc-500">
        Updated <RelativeTime date={kb.updatedAt} />
      </p>
    </Card>
  );
}
