"use client";

/**
 * One conversation: its header (title, who answers, which can change for the next message), the messages
 * (saved ones and the answer streaming now), and the composer. A new conversation starts here too: the
 * first message creates it on the server, and the address becomes /chat/<id> without reloading anything,
 * so the stream goes on undisturbed.
 */
import { TestModelNotice } from "@/components/shell/test-model-notice";
import { useQueryClient } from "@tanstack/react-query";
import { clsx } from "clsx";
import { ArrowDown, CircleAlert, MessageSquare, PanelLeft, Sparkles } from "lucide-react";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { ConversationDto } from "@/lib/contracts/conversations";
import type { KnowledgeBaseDto } from "@/lib/contracts/knowledge";
import type { TemplateSummary } from "@/lib/contracts/templates";
import { focusRing } from "@/components/ui/focus-ring";
import {
  choiceFromConversation,
  describeChoice,
  needsKnowledgeBase,
  searchOfChoice,
  type AnswerChoice,
  type TemporaryAnswerer,
} from "./answer-choice";
import { AnswerPicker } from "./answer-picker";
import { useAnswererData, useConversation, useTemplateDetail } from "./queries";
import { chatRuns, useConversationTurns, type AnswerTarget } from "./chat-runs";
import { useChatShell } from "./chat-shell";
import { Composer, type ComposerHandle } from "./composer";
import { conversationTotals } from "./format";
import { RAG_QA_SLUG, TOOL_AGENT_SLUG, UNIVERSAL_CHAT_SLUG } from "@/lib/templates/slugs";
import { isLive } from "./live-run";
import { AssistantMessage, UserMessage } from "./messages";
import { buildTranscript, settledTurns, unfollowedRun, type AssistantItem } from "./transcript";

function targetOf(choice: AnswerChoice): AnswerTarget {
  return choice.kind === "workflow" ? { workflowId: choice.id } : { templateId: choice.id };
}

/** Writes who answers next into the address (kept until a message is sent, so a reload keeps the choice). */
function rememberChoice(choice: AnswerChoice | null) {
  const url = `${window.location.pathname}${searchOfChoice(choice)}`;
  // A null state lets Next.js sync its router (useSearchParams) with the new address.
  if (url !== `${window.location.pathname}${window.location.search}`) window.history.replaceState(null, "", url);
}

/** Stays at the bottom while new text arrives, unless the reader scrolled up. */
function useStickToBottom(deps: unknown[]) {
  const scroller = useRef<HTMLDivElement>(null);
  const [atBottom, setAtBottom] = useState(true);
  const stick = useRef(true);

  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    const near = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    stick.current = near;
    setAtBottom(near);
  }, []);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
    // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's `deps` are what grows the content (not read here); scroll down again whenever they change
  }, deps);

  const toBottom = useCallback((smooth = true) => {
    const el = scroller.current;
    if (!el) return;
    stick.current = true;
    setAtBottom(true);
    el.scrollTo({ top: el.scrollHeight, behavior: smooth ? "smooth" : "auto" });
  }, []);

  return { scroller, onScroll, atBottom, toBottom };
}

/** First messages to try, fitting who answers: tools for the tool agent, a question for the Q&A template. */
function suggestionsFor(slug: string | null | undefined): string[] {
  if (slug === TOOL_AGENT_SLUG)
    return [
      "Use calculator on (12.5 * 8) / 3",
      "What time is it now?",
      "Explain what a workflow graph is, in two sentences.",
    ];
  if (slug === RAG_QA_SLUG)
    return ["What does the knowledge base say about refunds?", "Summarise the main points of the documents."];
  return [
    "Explain what a workflow graph is, in two sentences.",
    "Write a haiku about tokens streaming in.",
    "Give me three names for a tea shop.",
  ];
}

export function ConversationView({
  initialConversation,
  initialChoice,
  initialTemporaries = [],
}: {
  initialConversation: ConversationDto | null;
  /** Who answers next, from the address (`?template=…&knowledgeBase=…`, `?workflow=…`); ignored unless the user sees it. */
  initialChoice?: AnswerChoice | undefined;
  /** The temporary definitions (a template with its knowledge base) that answer this conversation, by name. */
  initialTemporaries?: readonly TemporaryAnswerer[];
}) {
  const queryClient = useQueryClient();
  const shell = useChatShell();
  const [conversationId, setConversationId] = useState<string | null>(initialConversation?.id ?? null);
  const [draftKeys, setDraftKeys] = useState<string[]>([]);
  const conversation = useConversation(conversationId, initialConversation);
  const turns = useConversationTurns(conversationId, draftKeys);
  const { templates, workflows, knowledgeBases } = useAnswererData(shell.answerers);
  const [temporaries, setTemporaries] = useState<readonly TemporaryAnswerer[]>(initialTemporaries);
  const answerers = { templates, workflows, knowledgeBases, temporaries };
  const [picked, setPicked] = useState<AnswerChoice | null>(() =>
    initialChoice && describeChoice(initialChoice, { templates, workflows, knowledgeBases }) ? initialChoice : null,
  );
  const [preparing, setPreparing] = useState(false);
  const [pickerError, setPickerError] = useState<string | null>(null);
  const composer = useRef<ComposerHandle>(null);
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const universal = templates.find((t) => t.slug === UNIVERSAL_CHAT_SLUG);
  const choice: AnswerChoice | null =
    picked ??
    choiceFromConversation(conversation.data, answerers) ??
    (universal ? { kind: "template", id: universal.id } : null);
  const choiceName = describeChoice(choice, answerers)?.name ?? null;
  // Built-in templates answer with the default model: when that is the test model, the chat says so plainly.
  const answersWithTestModel =
    shell.testModel && choice?.kind === "template" && templates.some((t) => t.id === choice.id && t.isBuiltin);
  // A template that reads a knowledge base cannot answer without one: the picker asks, and sending waits.
  const templateDetail = useTemplateDetail(
    choice?.kind === "template" && !choice.knowledgeBaseId && choice.id !== universal?.id ? choice.id : null,
  );
  const needsBase =
    choice?.kind === "template" &&
    !choice.knowledgeBaseId &&
    templateDetail.data?.id === choice.id &&
    needsKnowledgeBase(templateDetail.data.defaultParams);
  // Asked for by the address without its knowledge base: the picker asks for one on arrival.
  const requestedTemplate =
    initialChoice?.kind === "template" && !initialChoice.knowledgeBaseId
      ? templates.find((t) => t.id === initialChoice.id)
      : undefined;

  const messages = useMemo(() => conversation.data?.messages ?? [], [conversation.data]);
  const items = useMemo(() => buildTranscript(messages, turns), [messages, turns]);
  const liveTurn = turns.find((turn) => isLive(turn.run) && turn.connection !== "closed");
  const busy = liveTurn !== undefined;

  // Names of who answered each saved message, from the metadata the run stored.
  const nameOf = useMemo(() => {
    const names = new Map<string, string>();
    for (const t of templates) names.set(t.id, t.name);
    for (const w of workflows) names.set(w.id, w.name);
    for (const t of temporaries) names.set(t.id, t.name);
    return (message: { metadata: Record<string, unknown> }) => {
      const { definitionId, templateId } = message.metadata as { definitionId?: unknown; templateId?: unknown };
      return (
        (typeof definitionId === "string" && names.get(definitionId)) ||
        (typeof templateId === "string" && names.get(templateId)) ||
        undefined
      );
    };
  }, [templates, workflows, temporaries]);
  const answererNames = useMemo(() => new Map(messages.map((m) => [m.id, nameOf(m)])), [messages, nameOf]);

  // A run of this conversation under way on the server (started in another tab, or before a reload).
  useEffect(() => {
    if (!conversation.data) return;
    const executionId = unfollowedRun(conversation.data.messages, turns);
    if (executionId) chatRuns.attach({ queryClient, conversationId: conversation.data.id, executionId });
  }, [conversation.data, turns, queryClient]);

  // Saved answers replace the live ones.
  useEffect(() => {
    for (const key of settledTurns(messages, turns)) chatRuns.dismiss(key);
  }, [messages, turns]);

  const { scroller, onScroll, atBottom, toBottom } = useStickToBottom([items]);

  const dispatch = (
    text: string,
    target: AnswerTarget,
    answererName: string | undefined,
    options: { replacesTurn?: string },
  ) => {
    if (options.replacesTurn) chatRuns.dismiss(options.replacesTurn);
    const key = chatRuns.send({
      queryClient,
      ...(conversationId ? { conversationId } : {}),
      message: text,
      target,
      ...(answererName ? { answererName } : {}),
      onConversationId: (id) => {
        // The view may be gone (the user opened another chat): then the address is not ours to change.
        if (!mounted.current) return;
        setConversationId(id);
        // A null state lets Next.js sync its router (usePathname) with the new address.
        window.history.replaceState(null, "", `/chat/${id}`);
      },
    });
    if (!conversationId) setDraftKeys((keys) => [...keys, key]);
    // Sent: the conversation now says who answered, the address need not.
    else rememberChoice(null);
    toBottom(false);
  };

  const send = (text: string, options: { replacesTurn?: string } = {}) => {
    if (!choice || preparing) return false;
    if (needsBase) {
      setPickerError(`Choose a knowledge base for ${choiceName ?? "this template"} first.`);
      return false;
    }
    if (choice.kind === "template" && choice.knowledgeBaseId) {
      // A template with its knowledge base answers as a temporary definition, made now (once per choice).
      const chosen = choice;
      setPickerError(null);
      setPreparing(true);
      void shell
        .prepareKnowledgeChat({ templateId: chosen.id, knowledgeBaseId: chosen.knowledgeBaseId! })
        .catch(() => ({ ok: false as const, message: "Could not prepare that knowledge base. Try again." }))
        .then((result) => {
          if (!mounted.current) return;
          setPreparing(false);
          if (!result.ok) {
            setPickerError(result.message);
            composer.current?.fill(text);
            return;
          }
          setTemporaries((list) => [{ id: result.workflowId, name: result.name }, ...list]);
          setPicked({ kind: "workflow", id: result.workflowId });
          dispatch(text, { workflowId: result.workflowId }, result.name, options);
        });
      return true;
    }
    dispatch(text, targetOf(choice), choiceName ?? undefined, options);
    return true;
  };

  const stop = useCallback(() => {
    if (liveTurn) chatRuns.stop(liveTurn.key);
  }, [liveTurn]);

  // Esc stops from anywhere in the chat, not only from the text box (menus and dialogs handle their own).
  useEffect(() => {
    if (!busy) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || event.defaultPrevented) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest('dialog, [role="menu"], input')) return;
      stop();
      composer.current?.focus();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [busy, stop]);

  const retry = (item: AssistantItem) => {
    if (item.prompt === undefined || busy) return;
    const failedTurn = item.turnKey && !item.messageId ? item.turnKey : undefined;
    send(item.prompt, failedTurn ? { replacesTurn: failedTurn } : {});
    composer.current?.focus();
  };

  const answer = (item: AssistantItem, value: { approved?: boolean; text?: string }) => {
    const id = conversationId ?? turns.find((t) => t.run.executionId === item.executionId)?.conversationId;
    if (!item.executionId || !item.messageId || !id) return;
    chatRuns.resume({
      queryClient,
      conversationId: id,
      executionId: item.executionId,
      messageId: item.messageId,
      answer: value,
      ...(item.answererName ? { answererName: item.answererName } : {}),
    });
  };

  const choose = (next: AnswerChoice) => {
    setPickerError(null);
    setPicked(next);
    rememberChoice(next);
    composer.current?.focus();
  };

  const chooseKnowledge = (template: TemplateSummary, kb: KnowledgeBaseDto) =>
    choose({ kind: "template", id: template.id, knowledgeBaseId: kb.id });

  const title =
    conversation.data?.title ?? (turns.length > 0 ? turns[0]?.userMessage?.content : undefined) ?? "New chat";
  const empty = items.length === 0;
  const lastAssistantKey = [...items].reverse().find((item) => item.kind === "assistant")?.key;
  const notFound = conversationId !== null && conversation.isError;

  return (
    <div
      data-testid="conversation"
      data-conversation-id={conversationId ?? ""}
      className="flex h-full min-h-0 flex-col"
    >
      <header className="flex h-14 shrink-0 items-center gap-2 border-b border-zinc-200 px-3 sm:px-4">
        <button
          type="button"
          onClick={shell.openConversations}
          aria-label="Show chats"
          className={clsx("-ml-1 rounded-md p-1.5 text-zinc-500 hover:bg-zinc-100 md:hidden", focusRing)}
        >
          <PanelLeft aria-hidden className="size-5" />
        </button>
        <h1
          data-testid="conversation-heading"
          className="max-w-[40%] min-w-0 truncate text-[14px] font-semibold text-zinc-900"
          title={title}
        >
          {title}
        </h1>
        <span aria-hidden className="text-zinc-300">
          /
        </span>
        <AnswerPicker
          choice={choice}
          choiceName={choiceName}
          templates={templates}
          workflows={workflows}
          knowledgeBases={knowledgeBases}
          pending={preparing}
          initialTemplate={requestedTemplate}
          onChoose={choose}
          onChooseKnowledge={chooseKnowledge}
        />
        {pickerError ? (
          <span role="alert" className="ml-2 flex min-w-0 items-center gap-1 truncate text-[12px] text-red-600">
            <CircleAlert aria-hidden className="size-3.5 shrink-0" />
            {pickerError}
          </span>
        ) : null}
      </header>
      {answersWithTestModel ? <TestModelNotice className="mx-3 mt-3 shrink-0 py-2 sm:mx-4" /> : null}

      <div className="relative min-h-0 flex-1">
        <div ref={scroller} onScroll={onScroll} data-testid="message-list" className="h-full overflow-y-auto">
          {notFound ? (
            <div data-testid="conversation-missing" className="mx-auto max-w-md px-6 py-24 text-center">
              <MessageSquare aria-hidden className="mx-auto size-8 text-zinc-300" />
              <h2 className="mt-3 text-[15px] font-semibold text-zinc-900">This chat is gone</h2>
              <p className="mt-1 text-sm text-zinc-500">It may have been deleted. Start a new chat instead.</p>
            </div>
          ) : empty ? (
            <div className="flex min-h-full flex-col items-center justify-center px-6 py-12">
              <div data-testid="empty-state" className="flex max-w-xl flex-col items-center text-center">
                <div className="flex size-12 items-center justify-center rounded-2xl bg-indigo-50 text-indigo-600 ring-1 ring-indigo-100">
                  <Sparkles aria-hidden className="size-5" />
                </div>
                <h2 className="mt-4 text-xl font-semibold tracking-tight text-zinc-900">Start a conversation</h2>
                <p className="mt-1.5 text-sm text-zinc-500">
                  {choiceName ? (
                    <>
                      <span className="font-medium text-zinc-700">{choiceName}</span> answers. Pick another template or
                      workflow above at any time — every answer is a tracked run.
                    </>
                  ) : (
                    "Ask anything. Every answer is a tracked run you can open in the monitor."
                  )}
                </p>
                <div className="mt-6 flex flex-wrap justify-center gap-2">
                  {suggestionsFor(
                    choice?.kind === "template" ? templates.find((t) => t.id === choice.id)?.slug : undefined,
                  ).map((suggestion) => (
                    <button
                      key={suggestion}
                      type="button"
                      onClick={() => composer.current?.fill(suggestion)}
                      className={clsx(
                        "rounded-full border border-zinc-200 bg-white px-3 py-1.5 text-[12.5px] text-zinc-600 shadow-sm hover:border-zinc-300 hover:text-zinc-900",
                        focusRing,
                      )}
                    >
                      {suggestion}
                    </button>
                  ))}
                </div>
              </div>
            </div>
          ) : (
            <div className="mx-auto flex w-full max-w-3xl flex-col gap-7 px-4 pt-6 pb-10 sm:px-6">
              {items.map((item) =>
                item.kind === "user" ? (
                  <UserMessage key={item.key} item={item} />
                ) : (
                  <AssistantMessage
                    key={item.key}
                    item={
                      item.answererName
                        ? item
                        : {
                            ...item,
                            ...(answererNames.get(item.key) ? { answererName: answererNames.get(item.key)! } : {}),
                          }
                    }
                    isLast={item.key === lastAssistantKey}
                    onRetry={retry}
                    onAnswer={answer}
                  />
                ),
              )}
            </div>
          )}
        </div>
        {!atBottom && !empty ? (
          <button
            type="button"
            aria-label="Scroll to the newest message"
            onClick={() => toBottom()}
            className={clsx(
              "absolute bottom-3 left-1/2 flex size-8 -translate-x-1/2 items-center justify-center rounded-full border border-zinc-200 bg-white text-zinc-600 shadow-md hover:text-zinc-900",
              focusRing,
            )}
          >
            <ArrowDown aria-hidden className="size-4" />
          </button>
        ) : null}
      </div>

      <div className="shrink-0 px-3 pt-1 pb-3 sm:px-6 sm:pb-4">
        <Composer
          ref={composer}
          busy={busy}
          disabled={notFound}
          placeholder={
            needsBase
              ? `Choose a knowledge base for ${choiceName ?? "this template"} above…`
              : choiceName
                ? `Message ${choiceName}…`
                : "Message…"
          }
          onSend={(text) => send(text)}
          onStop={stop}
          footer={
            conversation.data ? (
              <span data-testid="conversation-totals">{conversationTotals(conversation.data)}</span>
            ) : null
          }
        />
      </div>
    </div>
  );
}
