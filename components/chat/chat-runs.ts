"use client";

/**
 * The chat's runs in flight, kept outside React: a stream goes on when its conversation is not on screen
 * (the user opened another one) and is found again when it comes back. Each turn is what the user sent (or
 * answered) plus the live answer folded from the run's events. Once the saved messages arrive from the API
 * (the conversation query is refetched when a run ends), the conversation view stops showing the turn.
 */
import type { QueryClient } from "@tanstack/react-query";
import { useStore } from "zustand";
import { useShallow } from "zustand/react/shallow";
import { createStore } from "zustand/vanilla";
import type { ExecutionEvent } from "@/lib/contracts/events";
import { fetchExecutionLastSeq } from "@/lib/api-client/chat";
import { cancelExecution } from "@/lib/api-client/monitor";
import { isAppError } from "@/lib/errors";
import { applyEvents, isLive, newLiveRun, type LiveRun } from "./live-run";
import { followRun, openRunEvents, postForEvents, type RunStreamOutcome } from "@/lib/api-client/run-stream";
import { chatKeys } from "./queries";

/** Who answers the next message: a saved workflow or a template (the API takes one or the other). */
export type AnswerTarget = { workflowId: string } | { templateId: string };

export interface ChatTurn {
  key: string;
  conversationId?: string;
  /** What the user sent, shown at once (the saved copy replaces it when it arrives). */
  userMessage?: { content: string; createdAt: string };
  /** A human step answered: the run continues under the same execution. */
  resumes?: { messageId: string; answer: { approved?: boolean; text?: string } };
  /** Name of the workflow or template answering, for the message header. */
  answererName?: string;
  run: LiveRun;
  connection: "open" | "reconnecting" | "closed";
  reconnectAttempt?: number;
  /** The request itself failed (no run started), or the stream could not be recovered. */
  failure?: { code: string; message: string };
  stopRequested?: boolean;
  /** What was sent, to send it again. */
  retry?: { message: string; target?: AnswerTarget };
}

interface ChatRunsState {
  turns: ChatTurn[];
}

const store = createStore<ChatRunsState>(() => ({ turns: [] }));
const controllers = new Map<string, AbortController>();
/** Runs already followed in this tab: an attach must not start a second stream of the same run. */
const followed = new Set<string>();

let counter = 0;
function nextKey(): string {
  counter += 1;
  return `turn-${Date.now().toString(36)}-${counter}`;
}

function update(key: string, change: (turn: ChatTurn) => ChatTurn) {
  store.setState((state) => ({ turns: state.turns.map((turn) => (turn.key === key ? change(turn) : turn)) }));
}

function get(key: string): ChatTurn | undefined {
  return store.getState().turns.find((turn) => turn.key === key);
}

function refresh(queryClient: QueryClient, conversationId: string | undefined) {
  void queryClient.invalidateQueries({ queryKey: chatKeys.conversations, exact: false, refetchType: "active" });
  if (conversationId) void queryClient.invalidateQueries({ queryKey: chatKeys.conversation(conversationId) });
}

function requestStop(key: string) {
  const turn = get(key);
  const executionId = turn?.run.executionId;
  if (!turn || !executionId) return;
  cancelExecution(executionId).catch((error: unknown) => {
    // 409: it ended on its own meanwhile; its last event says how.
    if (isAppError(error) && error.status === 409) return;
    update(key, (t) => ({ ...t, stopRequested: false }));
  });
}

interface FollowArgs {
  key: string;
  queryClient: QueryClient;
  open: (signal: AbortSignal) => Promise<Response>;
  executionId?: string;
  afterSeq?: number;
  onConversationId?: (conversationId: string) => void;
}

async function follow({ key, queryClient, open, executionId, afterSeq, onConversationId }: FollowArgs): Promise<void> {
  const controller = new AbortController();
  controllers.set(key, controller);
  let announced = false;
  const outcome: RunStreamOutcome = await followRun({
    open,
    signal: controller.signal,
    ...(executionId ? { executionId } : {}),
    ...(afterSeq !== undefined ? { afterSeq } : {}),
    onEvents: (events: ExecutionEvent[]) => {
      const before = get(key);
      if (!before) return;
      const run = applyEvents(before.run, events);
      if (run.executionId) followed.add(run.executionId);
      update(key, (turn) => ({
        ...turn,
        run,
        conversationId: turn.conversationId ?? run.conversationId,
        connection: "open",
      }));
      if (!announced && run.conversationId) {
        announced = true;
        if (!before.conversationId) {
          onConversationId?.(run.conversationId);
          // A new conversation: the sidebar lists it at once, with the title the server gave it.
          refresh(queryClient, undefined);
        }
      }
      // Stop was pressed before the run had an id: send it now.
      if (before.stopRequested && !before.run.executionId && run.executionId) requestStop(key);
    },
    onReconnecting: (attempt) =>
      update(key, (turn) => ({ ...turn, connection: "reconnecting", reconnectAttempt: attempt })),
    onReconnected: () => update(key, (turn) => ({ ...turn, connection: "open", reconnectAttempt: undefined })),
  });
  controllers.delete(key);
  if (outcome.kind === "aborted") return;
  update(key, (turn) => {
    const closed: ChatTurn = { ...turn, connection: "closed", reconnectAttempt: undefined };
    if (outcome.kind === "error") {
      return {
        ...closed,
        failure: { code: outcome.error.code, message: outcome.error.message },
        run: isLive(turn.run) ? { ...turn.run, status: "failed" } : turn.run,
      };
    }
    if (outcome.kind === "incomplete" && isLive(turn.run)) {
      const error = {
        code: "interrupted",
        message: "The run stopped without finishing (its server went away). Try again.",
      };
      return { ...closed, run: { ...turn.run, status: "failed", error } };
    }
    return closed;
  });
  refresh(queryClient, get(key)?.conversationId);
}

export const chatRuns = {
  /** Sends a message; the conversation is created by the server when `conversationId` is absent. */
  send({
    queryClient,
    conversationId,
    message,
    target,
    answererName,
    onConversationId,
  }: {
    queryClient: QueryClient;
    conversationId?: string;
    message: string;
    target?: AnswerTarget;
    answererName?: string;
    onConversationId?: (conversationId: string) => void;
  }): string {
    const key = nextKey();
    const turn: ChatTurn = {
      key,
      ...(conversationId ? { conversationId } : {}),
      userMessage: { content: message, createdAt: new Date().toISOString() },
      ...(answererName ? { answererName } : {}),
      run: newLiveRun(conversationId ? { conversationId } : {}),
      connection: "open",
      retry: { message, ...(target ? { target } : {}) },
    };
    store.setState((state) => ({ turns: [...state.turns, turn] }));
    const body = { message, ...(conversationId ? { conversationId } : {}), ...(target ?? {}) };
    void follow({
      key,
      queryClient,
      open: postForEvents("/api/chat", body),
      ...(onConversationId ? { onConversationId } : {}),
    });
    return key;
  },

  /** Follows a run that is under way (found when a conversation opens, or after a reload). */
  attach({
    queryClient,
    conversationId,
    executionId,
    answererName,
  }: {
    queryClient: QueryClient;
    conversationId: string;
    executionId: string;
    answererName?: string;
  }) {
    if (followed.has(executionId)) return;
    followed.add(executionId);
    const key = nextKey();
    const turn: ChatTurn = {
      key,
      conversationId,
      ...(answererName ? { answererName } : {}),
      run: newLiveRun({ conversationId, executionId }),
      connection: "open",
    };
    store.setState((state) => ({ turns: [...state.turns, turn] }));
    void follow({ key, queryClient, executionId, afterSeq: 0, open: openRunEvents(executionId, 0) });
  },

  /** Answers the human step a paused run waits at; the run goes on and streams the rest of its answer. */
  resume({
    queryClient,
    conversationId,
    executionId,
    messageId,
    answer,
    answererName,
  }: {
    queryClient: QueryClient;
    conversationId: string;
    executionId: string;
    messageId: string;
    answer: { approved?: boolean; text?: string };
    answererName?: string;
  }) {
    const key = nextKey();
    const turn: ChatTurn = {
      key,
      conversationId,
      resumes: { messageId, answer },
      ...(answererName ? { answererName } : {}),
      run: newLiveRun({ conversationId, executionId }),
      connection: "open",
    };
    store.setState((state) => ({ turns: [...state.turns, turn] }));
    followed.add(executionId);
    // The resumed run continues the execution's numbering. Knowing where the pause left it, a reconnect asks
    // only for what came after (not the first part's events, whose last one ended that part).
    void fetchExecutionLastSeq(executionId)
      .catch(() => undefined)
      .then((afterSeq) =>
        follow({
          key,
          queryClient,
          executionId,
          ...(afterSeq !== undefined ? { afterSeq } : {}),
          open: postForEvents(`/api/executions/${executionId}/resume`, answer),
        }),
      );
  },

  /** Stops the run: the server cancels it (the model stops), and its last event marks the answer stopped. */
  stop(key: string) {
    const turn = get(key);
    if (!turn || !isLive(turn.run) || turn.stopRequested) return;
    update(key, (t) => ({ ...t, stopRequested: true }));
    requestStop(key);
  },

  /** Forgets a turn whose saved messages are on screen. */
  dismiss(key: string) {
    controllers.get(key)?.abort();
    controllers.delete(key);
    store.setState((state) => ({ turns: state.turns.filter((turn) => turn.key !== key) }));
  },

  /** Forgets every turn of a deleted conversation. */
  forgetConversation(conversationId: string) {
    for (const turn of store.getState().turns) if (turn.conversationId === conversationId) chatRuns.dismiss(turn.key);
  },
};

/** The turns of one conversation (or, with `null`, of the new conversation being started on this page). */
export function useConversationTurns(conversationId: string | null, draftKeys: readonly string[] = []): ChatTurn[] {
  return useStore(
    store,
    useShallow((state) =>
      state.turns.filter(
        (turn) => (conversationId ? turn.conversationId === conversationId : false) || draftKeys.includes(turn.key),
      ),
    ),
  );
}

/** Test and debugging access to the raw store. */
export const chatRunsStore = store;
