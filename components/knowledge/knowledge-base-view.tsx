"use client";

/**
 * One knowledge base: its documents (with delete), the forms that add more (./add-document) and deleting
 * the base itself. The server page hands down the first read; React Query keeps it current, and every change
 * invalidates ["knowledge-bases"], so the chat's and the template dialog's lists follow.
 */
import { ArrowLeft, FileText, MessageSquare, Trash2 } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { searchOfChoice } from "@/components/chat/answer-choice";
import { Badge } from "@/components/ui/badge";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import { Button, buttonClasses } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { focusRing } from "@/components/ui/focus-ring";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import type { KnowledgeDocumentDto } from "@/lib/contracts/knowledge";
import { AddDocument } from "./add-document";
import { Embeddings } from "./embeddings";
import { errorText } from "./fields";
import { countOf, documentKind, formatBytes } from "./format";
import {
  type KnowledgeBaseData,
  useDeleteDocument,
  useDeleteKnowledgeBase,
  useKnowledgeBase,
  useUpdateDocuments,
} from "./queries";
import { RetrievalTest } from "./retrieval-test";

export function KnowledgeBaseView({
  initial,
  chatTemplateId,
}: {
  initial: KnowledgeBaseData;
  chatTemplateId: string | null;
}) {
  const id = initial.knowledgeBase.id;
  const router = useRouter();
  const { data } = useKnowledgeBase(initial);
  const { knowledgeBase: kb, documents } = data;
  const chunkCount = documents.reduce((sum, d) => sum + d.chunkCount, 0);
  const sizeBytes = documents.reduce((sum, d) => sum + d.sizeBytes, 0);

  const update = useUpdateDocuments(id);

  const [toDelete, setToDelete] = useState<KnowledgeDocumentDto | null>(null);
  const removeDocument = useDeleteDocument(id, { onDeleted: () => setToDelete(null) });

  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const removeBase = useDeleteKnowledgeBase(id, {
    onDeleted: () => {
      router.push("/knowledge");
      router.refresh();
    },
  });

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-3">
        <Link
          href="/knowledge"
          className={`flex w-fit items-center gap-1 rounded-sm text-[13px] font-medium text-zinc-500 hover:text-zinc-800 ${focusRing}`}
        >
          <ArrowLeft aria-hidden className="size-3.5" />
          Knowledge
        </Link>
        <PageHeader
          title={
            <span data-testid="knowledge-title" className="break-words">
              {kb.name}
            </span>
          }
          description={kb.description || undefined}
          actions={
            <>
              {chatTemplateId ? (
                <Link
                  href={`/chat${searchOfChoice({ kind: "template", id: chatTemplateId, knowledgeBaseId: id })}`}
                  prefetch={false}
                  data-testid="knowledge-chat"
                  className={buttonClasses({ variant: "secondary" })}
                >
                  <MessageSquare aria-hidden />
                  Chat with it
                </Link>
              ) : null}
              <Button
                variant="danger-ghost"
                data-testid="knowledge-delete"
                aria-haspopup="dialog"
                onClick={() => {
                  removeBase.reset();
                  setConfirmingDelete(true);
                }}
              >
                <Trash2 aria-hidden />
                Delete
              </Button>
            </>
          }
        />
        <p
          data-testid="knowledge-stats"
          className="flex flex-wrap items-center gap-x-2 gap-y-1 text-[13px] text-zinc-500"
        >
          <span>{countOf(documents.length, "document")}</span>
          <span aria-hidden>·</span>
          <span>{countOf(chunkCount, "chunk")}</span>
          <span aria-hidden>·</span>
          <span>{formatBytes(sizeBytes)}</span>
          <span aria-hidden>·</span>
          <span>
            Updated <RelativeTime date={kb.updatedAt} />
          </span>
        </p>
        <p data-testid="knowledge-usage" className="text-[13px] text-zinc-600">
          Use it from the <strong className="font-medium text-zinc-800">Knowledge base Q&amp;A</strong> template, a
          retrieval node or the knowledge-search tool.
          {chatTemplateId
            ? " “Chat with it” opens a chat with that template, answering from this knowledge base."
            : null}
        </p>
      </div>

      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
        {/* Narrow screens: one column, documents, adding them, then testing them; wide: testing under the documents. */}
        <div className="contents lg:flex lg:min-w-0 lg:flex-col lg:gap-6">
          <Card aria-labelledby="documents-title">
            <CardHeader
              title={<span id="documents-title">Documents</span>}
              description="Each is split into overlapping chunks; search returns the chunks that match a question."
            />
            {documents.length === 0 ? (
              <EmptyState
                compact
                icon={FileText}
                title="No documents yet"
                description="Upload a .txt, .md or .pdf file, or paste text: it is split into chunks and searchable at once."
              />
            ) : (
              <DocumentTable
                documents={documents}
                onDelete={(document) => {
                  removeDocument.reset();
                  setToDelete(document);
                }}
              />
            )}
          </Card>
          <RetrievalTest knowledgeBaseId={id} documentCount={documents.length} className="max-lg:order-last" />
        </div>
        <div className="flex min-w-0 flex-col gap-6">
          <AddDocument
            knowledgeBaseId={id}
            onAdded={(document) => update((docs) => [...docs.filter((d) => d.id !== document.id), document])}
          />
          <Embeddings knowledgeBaseId={id} />
        </div>
      </div>

      <ConfirmDialog
        open={toDelete !== null}
        onCancel={() => setToDelete(null)}
        onConfirm={() => toDelete && removeDocument.mutate(toDelete.id)}
        title={`Delete “${toDelete?.title ?? ""}”?`}
        description="Its chunks are removed from the knowledge base; workflows will no longer find them. This cannot be undone."
        confirmLabel="Delete document"
        pendingLabel="Deleting…"
        pending={removeDocument.isPending}
        error={removeDocument.isError ? errorText(removeDocument.error) : null}
        testId="document-delete"
      />
      <ConfirmDialog
        open={confirmingDelete}
        onCancel={() => setConfirmingDelete(false)}
        onConfirm={() => removeBase.mutate()}
        title={`Delete “${kb.name}”?`}
        description={`Its ${countOf(documents.length, "document")} and their chunks are deleted. Workflows that read it will find nothing. This cannot be undone.`}
        confirmLabel="Delete knowledge base"
        pendingLabel="Deleting…"
        // Stays busy after success: the page is on its way back to the list.
        pending={removeBase.isPending || removeBase.isSuccess}
        error={removeBase.isError ? errorText(removeBase.error) : null}
        testId="knowledge-delete"
      />
    </div>
  );
}

const DOCUMENT_COLUMNS: DataColumn[] = [
  { label: "Title" },
  { label: "Type", width: "w-24" },
  { label: "Chunks", width: "w-20", align: "right" },
  { label: "Size", width: "w-20", align: "right" },
  { label: "Added", width: "w-28" },
  { label: "Actions", width: "w-24", hidden: true },
];

function DocumentTable({
  documents,
  onDelete,
}: {
  documents: KnowledgeDocumentDto[];
  onDelete: (document: KnowledgeDocumentDto) => void;
}) {
  return (
    <DataTable columns={DOCUMENT_COLUMNS} minWidth="min-w-[36rem]">
      {documents.map((document) => (
        <tr key={document.id} data-testid="document-row" data-document-id={document.id} className="h-14">
          <td data-testid="document-title" className="truncate px-5 font-medium text-zinc-900" title={document.title}>
            {document.title}
            {document.embeddingError ? (
              <span
                data-testid="document-embedding-error"
                title={document.embeddingError}
                className="block truncate text-xs font-normal text-amber-700"
              >
                Not embedded: found by its words only
              </span>
            ) : null}
          </td>
          <td className="px-3">
            <Badge>{documentKind(document.mimeType)}</Badge>
          </td>
          <td data-testid="document-chunks" className="px-3 text-right text-zinc-700 tabular-nums">
            {document.chunkCount.toLocaleString("en")}
          </td>
          <td className="px-3 text-right text-zinc-600 tabular-nums">{formatBytes(document.sizeBytes)}</td>
          <td className="px-3 text-zinc-600">
            <RelativeTime date={document.createdAt} />
          </td>
          <td className="px-5 text-right">
            <Button
              variant="danger-ghost"
              size="sm"
              data-testid="document-delete"
              aria-haspopup="dialog"
              aria-label={`Delete ${document.title}`}
              onClick={() => onDelete(document)}
            >
              Delete
            </Button>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
