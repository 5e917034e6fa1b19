"use client";

/**
 * The conversations sidebar: a new chat, a search (on the server, over titles and messages, as you type),
 * the list by last activity grouped by day (Today, Yesterday, Previous 7 days, Older), and per
 * conversation rename (inline) and delete (confirmed).
 */
import { clsx } from "clsx";
import { Loader2, MessageSquarePlus, Pencil, Search, Trash2, X } from "lucide-react";
import Link from "next/link";
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import type { ConversationSummary } from "@/lib/contracts/conversations";
import { CONVERSATION_SEARCH_MAX_LENGTH, CONVERSATION_TITLE_MAX_LENGTH } from "@/lib/contracts/conversations";
import type { ConversationPage } from "@/lib/api-client/chat";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { CharacterCount } from "@/components/ui/character-count";
import { focusRing, focusRingTight } from "@/components/ui/focus-ring";
import { useSingleFlight } from "@/components/ui/single-flight";
import { chatRuns } from "./chat-runs";
import { useConversationList, useConversationSearch, useDeleteConversation, useRenameConversation } from "./queries";

const DAY_MS = 24 * 60 * 60 * 1000;
/** How long typing pauses before the search asks the server. */
export const SEARCH_DEBOUNCE_MS = 250;

/** `value`, once it has stopped changing for `ms`. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * `text` with each case-insensitive occurrence of `needle` in a <mark>. Plain text nodes only: whatever
 * a title or message contains is shown as text, never as HTML.
 */
export function highlightMatches(text: string, needle: string): ReactNode[] {
  const words = needle.trim().replace(/\s+/g, " ");
  if (!words) return [text];
  const pattern = new RegExp(`(${words.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")})`, "giu");
  return text.split(pattern).map((part, index) =>
    index % 2 === 1 ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: pieces of one fixed string in order (the same word may recur)
      <mark key={index} className="rounded-sm bg-amber-100 px-px text-inherit">
        {part}
      </mark>
    ) : (
      part
    ),
  );
}

/** Groups by the day of last activity, in the viewer's time zone. */
export function groupByActivity(items: readonly ConversationSummary[], now: Date = new Date()) {
  const startOfToday = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const groups: Array<{ label: string; items: ConversationSummary[] }> = [
    { label: "Today", items: [] },
    { label: "Yesterday", items: [] },
    { label: "Previous 7 days", items: [] },
    { label: "Older", items: [] },
  ];
  for (const item of items) {
    const at = new Date(item.lastMessageAt ?? item.createdAt).getTime();
    const index = at >= startOfToday ? 0 : at >= startOfToday - DAY_MS ? 1 : at >= startOfToday - 7 * DAY_MS ? 2 : 3;
    groups[index]!.items.push(item);
  }
  return groups.filter((group) => group.items.length > 0);
}

function ConversationRow({
  item,
  active,
  needle,
  onNavigate,
  onDelete,
}: {
  item: ConversationSummary;
  active: boolean;
  /** The search text, highlighted in the title and the match snippet ("" when not searching). */
  needle: string;
  onNavigate: () => void;
  onDelete: (item: ConversationSummary) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(item.title);
  const rename = useRenameConversation();
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (editing) input.current?.select();
  }, [editing]);

  const save = () => {
    const title = draft.trim();
    setEditing(false);
    if (title && title !== item.title) rename.mutate({ id: item.id, title });
    else setDraft(item.title);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Enter") {
      event.preventDefault();
      save();
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      setDraft(item.title);
      setEditing(false);
    }
  };

  if (editing) {
    return (
      <li className="px-1">
        <label htmlFor={`rename-${item.id}`} className="sr-only">
          Conversation title
        </label>
        <input
          id={`rename-${item.id}`}
          ref={input}
          data-testid="conversation-rename-input"
          value={draft}
          maxLength={CONVERSATION_TITLE_MAX_LENGTH}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={onKeyDown}
          onBlur={save}
          aria-describedby={`rename-${item.id}-count`}
          className="h-8 w-full rounded-md border border-indigo-400 bg-white px-2 text-[13px] text-zinc-900 shadow-sm outline-none focus:ring-2 focus:ring-indigo-200"
        />
        {/* The limit the API holds titles to, shown before typing hits it (maxLength stops there). */}
        <CharacterCount
          id={`rename-${item.id}-count`}
          data-testid="conversation-rename-count"
          length={draft.length}
          max={CONVERSATION_TITLE_MAX_LENGTH}
          className="block px-1 pt-0.5 text-right"
        />
      </li>
    );
  }

  return (
    <li data-testid="conversation-item" data-conversation-id={item.id} className="group/row relative">
      <Link
        href={`/chat/${item.id}`}
        aria-current={active ? "page" : undefined}
        onClick={onNavigate}
        title={item.title}
        className={clsx(
          "flex rounded-md pr-14 pl-2.5 text-[13px] transition-colors",
          item.match ? "flex-col justify-center gap-0.5 py-1.5" : "h-8 items-center",
          active ? "bg-zinc-200/70 font-medium text-zinc-900" : "text-zinc-700 hover:bg-zinc-200/50",
          focusRingTight,
        )}
      >
        <span data-testid="conversation-title" className="truncate">
          {needle ? highlightMatches(item.title, needle) : item.title}
        </span>
        {item.match ? (
          <span
            data-testid="conversation-match"
            className="line-clamp-2 text-[11.5px] leading-snug font-normal text-zinc-500"
          >
            <span className="sr-only">{item.match.role === "user" ? "You: " : "Answer: "}</span>
            {highlightMatches(item.match.snippet, needle)}
          </span>
        ) : null}
      </Link>
      <div
        className={clsx(
          "absolute inset-y-0 right-1 flex items-center gap-0.5 opacity-0 transition-opacity group-hover/row:opacity-100 focus-within:opacity-100",
          active && "opacity-100",
        )}
      >
        <button
          type="button"
          data-testid="conversation-rename"
          aria-label={`Rename “${item.title}”`}
          title="Rename"
          onClick={() => {
            setDraft(item.title);
            setEditing(true);
          }}
          className={clsx("rounded p-1 text-zinc-400 hover:bg-white hover:text-zinc-700", focusRingTight)}
        >
          <Pencil aria-hidden className="size-3.5" />
        </button>
        <button
          type="button"
          data-testid="conversation-delete"
          aria-label={`Delete “${item.title}”`}
          title="Delete"
          onClick={() => onDelete(item)}
          className={clsx("rounded p-1 text-zinc-400 hover:bg-white hover:text-red-600", focusRingTight)}
        >
          <Trash2 aria-hidden className="size-3.5" />
        </button>
      </div>
    </li>
  );
}

export function ConversationSidebar({
  initialPage,
  activeId,
  onNewChat,
  onNavigate,
  onDeleted,
}: {
  initialPage?: ConversationPage;
  activeId: string | null;
  onNewChat: () => void;
  /** A conversation was opened (the drawer on small screens closes). */
  onNavigate: () => void;
  onDeleted: (id: string) => void;
}) {
  const list = useConversationList(initialPage);
  // A deleted conversation's runs in flight are forgotten with it.
  const remove = useDeleteConversation({ onDeleted: chatRuns.forgetConversation });
  const deleting = useSingleFlight();
  const [query, setQuery] = useState("");
  const [toDelete, setToDelete] = useState<ConversationSummary | null>(null);

  // While the box has text, the server searches titles and messages (after a pause in typing).
  const needle = query.trim();
  const searchText = useDebounced(needle, SEARCH_DEBOUNCE_MS);
  const search = useConversationSearch(needle ? searchText : "");
  const searching = needle.length > 0;

  const all = useMemo(() => list.data?.pages.flatMap((page) => page.conversations) ?? [], [list.data]);
  const results = useMemo(() => search.data?.pages.flatMap((page) => page.conversations) ?? null, [search.data]);
  const searchPending = searching && (searchText !== needle || search.isFetching);
  // "No match" only once the server answered for this very text.
  const noMatch = searching && !searchPending && !search.isPlaceholderData && search.isSuccess && results?.length === 0;
  const shown = searching ? (results ?? []) : all;
  const groups = groupByActivity(shown);
  const more = searching ? search : list;

  return (
    <div data-testid="conversation-sidebar" className="flex h-full min-h-0 flex-col">
      <div className="flex flex-col gap-2 p-3">
        <Button variant="secondary" data-testid="new-chat" className="w-full justify-start" onClick={onNewChat}>
          <MessageSquarePlus aria-hidden />
          New chat
        </Button>
        <div className="relative">
          {searchPending ? (
            <Loader2
              data-testid="conversation-search-pending"
              aria-hidden
              className="pointer-events-none absolute top-1/2 left-2.5 size-3.5 -translate-y-1/2 animate-spin text-zinc-400"
            />
          ) : (
            <Search
              aria-hidden
              className="pointer-events-none absolute top-1/2 left-2.5 size-3.5 -translate-y-1/2 text-zinc-400"
            />
          )}
          <label htmlFor="conversation-search" className="sr-only">
            Search conversations
          </label>
          <input
            id="conversation-search"
            data-testid="conversation-search"
            type="search"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            placeholder="Search chats"
            maxLength={CONVERSATION_SEARCH_MAX_LENGTH}
            aria-busy={searchPending}
            className={clsx(
              "h-8 w-full rounded-md border border-zinc-200 bg-white pr-7 pl-8 text-[13px] text-zinc-900 placeholder:text-zinc-400 [&::-webkit-search-cancel-button]:hidden",
              focusRingTight,
            )}
          />
          {query ? (
            <button
              type="button"
              aria-label="Clear search"
              onClick={() => setQuery("")}
              className={clsx(
                "absolute top-1/2 right-1.5 -translate-y-1/2 rounded p-0.5 text-zinc-400 hover:text-zinc-700",
                focusRingTight,
              )}
            >
              <X aria-hidden className="size-3.5" />
            </button>
          ) : null}
        </div>
      </div>

      <nav aria-label="Conversations" className="min-h-0 flex-1 overflow-y-auto px-2 pb-3">
        {!searching && all.length === 0 && !list.isFetching ? (
          <p
            data-testid="conversation-list-empty"
            className="px-2.5 py-6 text-center text-[12.5px] leading-relaxed text-zinc-500"
          >
            Your conversations will appear here.
          </p>
        ) : noMatch ? (
          <p data-testid="conversation-search-empty" className="px-2.5 py-6 text-center text-[12.5px] text-zinc-500">
            No chat matches “{needle}”.
          </p>
        ) : searching && search.isError && !searchPending ? (
          <p role="alert" className="px-2.5 py-6 text-center text-[12.5px] text-zinc-500">
            The search failed. Edit the text to try again.
          </p>
        ) : searching && results === null ? (
          <p className="flex items-center justify-center gap-1.5 px-2.5 py-6 text-[12.5px] text-zinc-500">
            <Loader2 aria-hidden className="size-3.5 animate-spin" />
            Searching…
          </p>
        ) : (
          groups.map((group) => (
            <section key={group.label} className={clsx("mb-3", searchPending && "opacity-60 transition-opacity")}>
              <h2 className="px-2.5 pt-1 pb-1 text-[11px] font-medium tracking-wide text-zinc-400 uppercase">
                {group.label}
              </h2>
              <ul className="flex flex-col gap-px">
                {group.items.map((item) => (
                  <ConversationRow
                    key={item.id}
                    item={item}
                    active={item.id === activeId}
                    needle={searching ? needle : ""}
                    onNavigate={onNavigate}
                    onDelete={setToDelete}
                  />
                ))}
              </ul>
            </section>
          ))
        )}
        {more.hasNextPage && !noMatch && !(searching && search.isPlaceholderData) ? (
          <button
            type="button"
            data-testid={searching ? "conversation-search-more" : undefined}
            onClick={() => void more.fetchNextPage()}
            disabled={more.isFetchingNextPage}
            className={clsx(
              "mx-auto mt-1 flex items-center gap-1.5 rounded-md px-2 py-1 text-[12px] font-medium text-zinc-500 hover:bg-zinc-200/50",
              focusRing,
            )}
          >
            {more.isFetchingNextPage ? <Loader2 aria-hidden className="size-3.5 animate-spin" /> : null}
            {searching ? "Load more" : "Show older chats"}
          </button>
        ) : null}
      </nav>

      <Dialog
        open={toDelete !== null}
        onClose={() => setToDelete(null)}
        title="Delete this chat?"
        description={
          toDelete ? (
            <>“{toDelete.title}” and its messages will be deleted. Its runs stay in the execution history.</>
          ) : null
        }
        data-testid="confirm-delete-dialog"
        footer={
          <>
            <Button variant="secondary" onClick={() => setToDelete(null)}>
              Cancel
            </Button>
            <Button
              variant="danger"
              data-testid="confirm-delete"
              disabled={remove.isPending || deleting.pending}
              onClick={() => {
                const target = toDelete;
                if (!target) return;
                // One delete per click: a second one would fail (the chat is gone) before isPending disables this.
                deleting.run(async () => {
                  await remove.mutateAsync({ id: target.id });
                  setToDelete(null);
                  onDeleted(target.id);
                });
              }}
            >
              {remove.isPending || deleting.pending ? (
                <Loader2 aria-hidden className="animate-spin" />
              ) : (
                <Trash2 aria-hidden />
              )}
              Delete
            </Button>
          </>
        }
      />
    </div>
  );
}
