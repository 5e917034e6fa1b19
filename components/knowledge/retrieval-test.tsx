"use client";

/**
 * "Test retrieval": type a question, see the passages a retrieval node or the knowledge-search tool would
 * get for it (the same search, the node's default number of results), ranked, with the document each comes
 * from, its 0–1 score (meaning and words, or words only), and how long the search took. Passages are shown
 * as text with the question's words in <mark>s.
 */
import { CircleAlert, Search } from "lucide-react";
import { useId, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { ErrorNote } from "@/components/ui/error-note";
import { Input } from "@/components/ui/input";
import { KNOWLEDGE_LIMITS, type KnowledgeSearchResultDto } from "@/lib/contracts/knowledge";
import { errorText, Field, fieldIssue, invalidProps } from "./fields";
import { countOf } from "./format";
import { highlightPieces } from "./highlight";
import { useSearchKnowledgeBase } from "./queries";

/** A passage longer than this (or with more lines) is clamped until "Show more". */
const CLAMP_CHARS = 320;
const CLAMP_LINES = 4;

export function RetrievalTest({
  knowledgeBaseId,
  documentCount,
  className,
}: {
  knowledgeBaseId: string;
  documentCount: number;
  className?: string;
}) {
  const queryId = useId();
  const topKId = useId();
  const [query, setQuery] = useState("");
  const [topK, setTopK] = useState(String(KNOWLEDGE_LIMITS.defaultTopK));
  const [missing, setMissing] = useState<string | null>(null);

  const run = useSearchKnowledgeBase(knowledgeBaseId);
  const queryError = missing ?? fieldIssue(run.error, "query");
  const topKError = fieldIssue(run.error, "topK");
  const formError = run.error && !queryError && !topKError ? errorText(run.error) : null;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const text = query.trim();
    if (!text) {
      setMissing("Type a question to search for.");
      return;
    }
    setMissing(null);
    run.mutate({ query: text, topK: Number(topK) });
  };

  if (documentCount === 0) {
    return (
      <Card aria-labelledby="retrieval-title" className={className}>
        <Header />
        <p data-testid="retrieval-empty" className="px-5 py-6 text-[13px] text-zinc-500">
          Add a document first: there is nothing to search yet.
        </p>
      </Card>
    );
  }

  const searched = run.variables?.query ?? "";
  return (
    <Card aria-labelledby="retrieval-title" className={className}>
      <Header />
      <form onSubmit={submit} noValidate aria-label="Test retrieval" className="flex flex-col gap-3 px-5 py-4">
        <div className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_6rem]">
          <Field id={queryId} label="Question" error={queryError}>
            <Input
              id={queryId}
              data-testid="retrieval-query"
              value={query}
              onChange={(event) => {
                setQuery(event.target.value);
                setMissing(null);
                if (run.isError) run.reset();
              }}
              placeholder="e.g. How long does a refund take?"
              maxLength={KNOWLEDGE_LIMITS.queryMaxLength}
              autoComplete="off"
              {...invalidProps(queryId, queryError)}
            />
          </Field>
          <Field id={topKId} label="Results" error={topKError}>
            <Input
              id={topKId}
              data-testid="retrieval-topk"
              type="number"
              inputMode="numeric"
              min={1}
              max={KNOWLEDGE_LIMITS.testMaxTopK}
              step={1}
              value={topK}
              onChange={(event) => {
                setTopK(event.target.value);
                if (run.isError) run.reset();
              }}
              {...invalidProps(topKId, topKError)}
            />
          </Field>
        </div>
        <ErrorNote message={formError} />
        <Button type="submit" data-testid="retrieval-run" disabled={run.isPending} className="self-end">
          <Search aria-hidden />
          {run.isPending ? "Searching…" : "Search"}
        </Button>
      </form>
      <div aria-live="polite" aria-busy={run.isPending}>
        {run.isSuccess ? (
          run.data.results.length === 0 ? (
            <div className="border-t border-zinc-200 px-5 py-6">
              <SearchWarning warning={run.data.warning} />
              <p data-testid="retrieval-empty" className="text-[13px] text-zinc-500">
                {run.data.mode === "hybrid"
                  ? `No passage matches “${searched}” by meaning or words.`
                  : `No passage matches “${searched}”. Search matches words, not meaning: try words the documents use, or choose an embeddings model.`}
              </p>
            </div>
          ) : (
            <div className="border-t border-zinc-200">
              <div className="px-5 pt-3">
                <SearchWarning warning={run.data.warning} />
              </div>
              <p data-testid="retrieval-summary" className="px-5 text-xs text-zinc-500">
                {countOf(run.data.results.length, "passage")} ·{" "}
                <span data-testid="retrieval-mode">
                  {run.data.mode === "hybrid" ? "by meaning and words" : "by words"}
                </span>{" "}
                · {formatTook(run.data.tookMs)}
              </p>
              <ol className="divide-y divide-zinc-100">
                {run.data.results.map((result) => (
                  <RetrievalResult key={`${result.rank}-${result.documentId}`} result={result} query={searched} />
                ))}
              </ol>
            </div>
          )
        ) : null}
      </div>
    </Card>
  );
}

function Header() {
  return (
    <CardHeader
      title={<span id="retrieval-title">Test retrieval</span>}
      description="The passages a retrieval node or the knowledge-search tool would get for a question, best first."
    />
  );
}

function RetrievalResult({ result, query }: { result: KnowledgeSearchResultDto; query: string }) {
  const [expanded, setExpanded] = useState(false);
  const long = result.text.length > CLAMP_CHARS || result.text.split("\n").length > CLAMP_LINES;
  return (
    <li data-testid="retrieval-result" data-rank={result.rank} className="flex flex-col gap-1.5 px-5 py-3">
      <div className="flex items-baseline gap-2 text-[13px]">
        <span className="shrink-0 font-semibold text-zinc-500 tabular-nums">#{result.rank}</span>
        <span
          data-testid="retrieval-result-title"
          className="min-w-0 truncate font-medium text-zinc-900"
          title={result.documentTitle}
        >
          {result.documentTitle}
        </span>
        <Score result={result} />
      </div>
      <p
        data-testid="retrieval-result-text"
        className={`text-[13px] leading-relaxed break-words whitespace-pre-wrap text-zinc-700 ${long && !expanded ? "line-clamp-4" : ""}`}
      >
        {highlightPieces(result.text, query).map((piece, index) =>
          piece.match ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: pieces of one fixed string in order (the same word may recur)
            <mark key={index} className="rounded-sm bg-amber-100 px-px text-inherit">
              {piece.text}
            </mark>
          ) : (
            piece.text
          ),
        )}
      </p>
      {long ? (
        <Button
          variant="ghost"
          size="sm"
          aria-expanded={expanded}
          onClick={() => setExpanded((open) => !open)}
          className="self-start"
        >
          {expanded ? "Show less" : "Show more"}
        </Button>
      ) : null}
    </li>
  );
}

function SearchWarning({ warning }: { warning: string | undefined }) {
  if (!warning) return null;
  return (
    <p data-testid="retrieval-warning" role="status" className="mb-2 flex gap-1.5 text-[12.5px] text-amber-800">
      <CircleAlert aria-hidden className="mt-0.5 size-3.5 shrink-0" />
      {warning}
    </p>
  );
}

/** The 0–1 score as a number and a small bar; its parts (meaning, words) in the tooltip. */
function Score({ result }: { result: KnowledgeSearchResultDto }) {
  const parts =
    result.similarity === undefined
      ? `Text rank ${result.textRank.toFixed(2)}`
      : `Meaning ${result.similarity.toFixed(2)} · words ${result.textRank.toFixed(2)}`;
  return (
    <span
      data-testid="retrieval-result-score"
      className="ml-auto flex shrink-0 items-center gap-1.5 text-xs text-zinc-500 tabular-nums"
      title={`Score ${result.score.toFixed(3)} of 1 — ${parts}`}
    >
      <span aria-hidden className="h-1 w-10 overflow-hidden rounded-full bg-zinc-100">
        <span className="block h-full rounded-full bg-indigo-400" style={{ width: `${result.score * 100}%` }} />
      </span>
      {result.score.toFixed(2)}
    </span>
  );
}

function formatTook(ms: number): string {
  if (ms < 1) return "under 1 ms";
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
