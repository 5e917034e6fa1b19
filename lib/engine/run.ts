/**
 * Running a prepared run: the tracker's start (which may refuse it), the graph streamed to its end or pause,
 * then exactly one of tracker.complete / tracker.fail with the result. Stop signals (cancel, the time
 * budget) stop it through its context.
 */
import "server-only";
import { Command, GraphRecursionError } from "@langchain/langgraph";
import { createConversation } from "@/lib/db/queries/conversations";
import { replaceConversationTitle } from "@/lib/db/queries/conversation-list";
import { isAppError } from "@/lib/errors";
import { NodeFailedError } from "@/lib/graph/errors";
import { newId } from "@/lib/ids";
import { computeCost } from "@/lib/models";
import { saveAnswer, storeChatStart } from "./answer";
import type { ExecutionContext, StopReason } from "./context";
import type { ExecutionEvent } from "@/lib/contracts/events";
import type { PreparedExecution } from "./prepared";
import type { ExecutionError, ExecutionResult, ExecutionStatus } from "@/lib/contracts/execution-result";
import { keepsCheckpoints, type RunChildWorkflow, streamGraph } from "./stream-graph";
import { ConversationTitle } from "./title";

/** A run whose tracker has started it: what `continueRun` needs to run and finish it. */
export interface BegunRun extends PreparedExecution {
  emit: (event: ExecutionEvent) => void;
  /** Publishes an event of the run (held back until the run has started). */
  publish: (event: ExecutionEvent) => void;
  /** The tracker's start: resolves once the run's row exists; rejects when it was refused. */
  started: Promise<void>;
  /** Detaches the run's stop signals (cancel, time budget). */
  detach: () => void;
}

/**
 * Starts the run: the tracker's start (which may refuse it: then nothing of it exists), then run_started.
 * The start's round trip is not waited for before the graph runs: a run that keeps no checkpoints goes on
 * up to its first side effect (a model call, an HTTP request, a child run: they wait for `started`, so a
 * refused run never reaches a provider), and its events are held back until the start has committed, so
 * run_started comes first and nothing is stored or shown of a run that does not exist.
 */
export function beginRun(prepared: PreparedExecution, emit: (event: ExecutionEvent) => void): BegunRun {
  const { ctx } = prepared;
  const detach = watchStopSignals(ctx, prepared.signal);
  const deliver = (event: ExecutionEvent) => {
    ctx.tracker.onEvent(ctx, event);
    emit(event);
  };
  let held: ExecutionEvent[] | undefined = [ctx.event("run_started", ctx.toEventData())];
  const publish = (event: ExecutionEvent) => {
    if (held) held.push(event);
    else deliver(event);
  };
  const started = (async () => {
    // Without the database tracker, a new conversation is created here first (the run's row, if the
    // tracker writes one, refers to it); the database tracker creates it in its start statement.
    const chat = ctx.chatStart;
    if (!ctx.tracker.storesChatMessages && chat?.newConversation && ctx.conversationId) {
      await createConversation({ id: ctx.conversationId, ownerId: ctx.userId, ...chat.newConversation });
    }
    await ctx.tracker.start(ctx);
  })();
  started.then(
    () => {
      const events = held ?? [];
      held = undefined;
      for (const event of events) deliver(event);
    },
    () => {
      held = undefined;
      detach();
      // Whatever of the graph runs meanwhile stops at its first side effect.
      ctx.stop({ kind: "cancelled", message: "The run was not started." });
    },
  );
  return { ...prepared, emit, publish, started, detach };
}

/** Runs the graph to its end (or pause) and finishes the run: exactly one of tracker.complete / tracker.fail. */
export function continueRun(run: BegunRun, runChild: RunChildWorkflow): Promise<ExecutionResult> {
  const parent = run.ctx.parentRun;
  if (!parent) return runToEnd(run, runChild);
  // A child run's usage counts live against its parent's budgets (ExecutionContext.budgetUsage); however
  // it ends (or fails to start), it moves to its parent's finished children.
  const running = runToEnd(run, runChild).finally(() => parent.childEnded(run.ctx));
  parent.runningChildren.set(run.ctx, running);
  return running;
}

async function runToEnd(run: BegunRun, runChild: RunChildWorkflow): Promise<ExecutionResult> {
  const { ctx, emit } = run;
  // A conversation's first exchange is named by its model beside the answer, once the first token is out.
  const title = ConversationTitle.of(ctx, isFirstExchange(run.graphInput));
  const publish = title
    ? (event: ExecutionEvent) => {
        if (event.type === "token") title.ask();
        run.publish(event);
      }
    : run.publish;
  let failure: unknown;
  let finished = false;
  try {
    // A run that writes checkpoints (it can pause, or keeps its steps) starts before its graph runs.
    if (keepsCheckpoints(ctx, run.existingThread === true)) await run.started;
    // The database tracker wrote the chat turn's conversation and message with the run's row; without it
    // they are stored here, once the run has started.
    if (!ctx.tracker.storesChatMessages) {
      await run.started;
      await storeChatStart(ctx);
    }
    await streamGraph(ctx, run.graphInput, publish, run.started, run.existingThread === true, runChild);
    finished = true;
  } catch (error) {
    failure = error;
  } finally {
    run.detach();
  }
  // Refused or not started: nothing of the run exists, and the tracker has nothing to finish.
  await run.started;
  // A stopped run's graph does not wait for the child runs it stopped: they end (cancelled) before it does.
  if (ctx.runningChildren.size > 0) await Promise.allSettled(ctx.runningChildren.values());
  if (title) {
    await title.settle(finished && !ctx.interrupt);
    ctx.titleChange = title.change;
  }

  ctx.completedAt = new Date();
  const status: ExecutionStatus = finished ? (ctx.interrupt ? "paused" : "completed") : failureStatus(ctx);
  const error = finished ? undefined : describeFailure(ctx, failure);
  ctx.status = status;
  let result = ctx.toResult(status, error, computeCost(ctx.currentUsage()));
  if (ctx.answersInConversation && ctx.tracker.storesChatMessages) {
    // The tracker stores the answer (under this id) in its one complete/fail transaction.
    ctx.messageId ??= newId();
    result = { ...result, messageId: ctx.messageId };
  } else if (ctx.answersInConversation) {
    try {
      ctx.messageId = await saveAnswer(ctx, result);
      result = { ...result, messageId: ctx.messageId };
      if (ctx.titleChange && ctx.conversationId)
        await replaceConversationTitle({ id: ctx.conversationId, ownerId: ctx.userId, ...ctx.titleChange });
    } catch (saveError) {
      failure ??= saveError;
      console.error("[engine] could not store the chat answer", saveError);
    }
  }
  ctx.result = result;

  const terminal = ctx.event(
    status === "cancelled" ? "run_cancelled" : status === "failed" ? "run_failed" : "run_completed",
    result,
  );
  ctx.tracker.onEvent(ctx, terminal);
  if (status === "failed" || status === "cancelled") await ctx.tracker.fail(ctx, failure ?? error, result);
  else await ctx.tracker.complete(ctx, result);
  emit(terminal);
  return result;
}

/** Cancellation from outside and the run's time budget both stop the run through its AbortController. */
function watchStopSignals(ctx: ExecutionContext, signal: AbortSignal | undefined): () => void {
  const cleanups: Array<() => void> = [];
  if (signal) {
    const onAbort = () => ctx.stop(stopFromOutside(ctx, signal.reason));
    if (signal.aborted) onAbort();
    else {
      signal.addEventListener("abort", onAbort, { once: true });
      cleanups.push(() => signal.removeEventListener("abort", onAbort));
    }
  }
  const timeoutMs = ctx.options.timeoutMs;
  if (timeoutMs) {
    const timer = setTimeout(
      () =>
        ctx.stop({
          kind: "budget",
          code: "budget:time",
          message: `The run took longer than its time budget of ${timeoutMs} ms.`,
        }),
      timeoutMs,
    );
    cleanups.push(() => clearTimeout(timer));
  }
  return () => {
    for (const cleanup of cleanups) cleanup();
  };
}

/** A cancel, or for a child run its parent stopping (cancelled, or over a budget its children count toward). */
function stopFromOutside(ctx: ExecutionContext, reason: unknown): StopReason {
  const parentStop = ctx.parentRun?.stopReason;
  if (parentStop && reason === parentStop)
    return { kind: "cancelled", message: `Its parent run stopped: ${parentStop.message}` };
  return { kind: "cancelled", message: "The run was cancelled." };
}

function failureStatus(ctx: ExecutionContext): ExecutionStatus {
  return ctx.stopReason?.kind === "cancelled" ? "cancelled" : "failed";
}

function describeFailure(ctx: ExecutionContext, failure: unknown): ExecutionError {
  const stop = ctx.stopReason;
  if (stop?.kind === "cancelled") return { code: "cancelled", message: stop.message };
  if (stop?.kind === "budget") return { code: stop.code, message: stop.message };
  if (failure instanceof NodeFailedError)
    return { code: failure.code, message: failure.message, nodeId: failure.nodeId };
  if (failure instanceof GraphRecursionError) {
    return {
      code: "limits:steps",
      message: "The run took more steps than its graph allows; a cycle may not be bounded by a loop node.",
    };
  }
  if (isAppError(failure)) return { code: failure.code, message: failure.message };
  console.error("[engine] run failed", failure);
  return { code: "internal:engine", message: "The run failed unexpectedly." };
}

/** A new run whose conversation had no messages and no summary before this turn: its first exchange. */
function isFirstExchange(graphInput: BegunRun["graphInput"]): boolean {
  if (!graphInput || graphInput instanceof Command) return false;
  const { messages } = graphInput;
  return Array.isArray(messages) && messages.length === 1 && !graphInput.conversation_summary;
}
