"use client";

/** One user message (a bubble on the right) and one assistant message (full width, with its parts). */
import { clsx } from "clsx";
import { Check, CircleAlert, Copy, OctagonX, RefreshCw, WifiOff } from "lucide-react";
import { memo, useState } from "react";
import { focusRingTight } from "@/components/ui/focus-ring";
import { LatticeMark } from "@/components/shell/lattice-logo";
import { ChatMarkdown } from "./markdown";
import { HumanStep, humanOutcome, MessageMeta, SourceList, ToolSteps } from "./message-parts";
import { copyText } from "./copy-text";
import type { AssistantItem, UserItem } from "./transcript";

export const UserMessage = memo(function UserMessage({ item }: { item: UserItem }) {
  return (
    <div data-testid="message" data-role="user" className="flex justify-end">
      <div
        className={clsx(
          "max-w-[85%] rounded-2xl rounded-br-md bg-zinc-100 px-4 py-2.5 text-[14.5px] leading-relaxed whitespace-pre-wrap break-words text-zinc-900 sm:max-w-[75%]",
          item.optimistic && "opacity-90",
        )}
      >
        {item.content}
      </div>
    </div>
  );
});

function IconAction({
  label,
  onClick,
  children,
  testId,
}: {
  label: string;
  onClick: () => void;
  children: React.ReactNode;
  testId: string;
}) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      data-testid={testId}
      onClick={onClick}
      className={clsx(
        "inline-flex size-7 items-center justify-center rounded-md text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700 [&_svg]:size-3.5",
        focusRingTight,
      )}
    >
      {children}
    </button>
  );
}

function TypingDots({ label }: { label?: string }) {
  return (
    <div data-testid="assistant-thinking" className="flex h-7 items-center gap-2 text-[13px] text-zinc-500">
      <span aria-hidden className="flex gap-1">
        <span className="chat-dot size-1.5 rounded-full bg-zinc-400" />
        <span className="chat-dot size-1.5 rounded-full bg-zinc-400" />
        <span className="chat-dot size-1.5 rounded-full bg-zinc-400" />
      </span>
      <span>{label ?? "Thinking…"}</span>
    </div>
  );
}

export const AssistantMessage = memo(function AssistantMessage({
  item,
  isLast,
  onRetry,
  onAnswer,
}: {
  item: AssistantItem;
  /** The newest answer of the conversation: it may be regenerated. */
  isLast: boolean;
  onRetry: (item: AssistantItem) => void;
  onAnswer: (item: AssistantItem, answer: { approved?: boolean; text?: string }) => void;
}) {
  const [copied, setCopied] = useState(false);
  const streaming = item.status === "streaming";
  // A paused run's answer is its question, which the human step shows: not twice.
  const questionOnly = item.interrupt !== undefined && item.text.trim() === item.interrupt.question.trim();
  // A rejected draft is withheld: the human step keeps it folded away, marked as such.
  const withheld =
    item.interrupt !== undefined &&
    item.interruptState === "answered" &&
    humanOutcome(item.interrupt, item.humanAnswer).kind === "rejected";
  const hasText = item.text.length > 0 && !questionOnly && !withheld;
  const showMeta = !streaming && (item.tokens !== undefined || item.executionId !== undefined);
  const canRetry =
    !streaming && item.status !== "waiting" && item.prompt !== undefined && (isLast || item.status === "error");

  return (
    <div
      data-testid="message"
      data-role="assistant"
      data-status={item.status}
      data-execution-id={item.executionId}
      className="group/message flex gap-3"
    >
      <div className="mt-0.5 flex size-7 shrink-0 items-center justify-center rounded-full bg-white ring-1 ring-zinc-200">
        <LatticeMark className="size-4" />
      </div>
      <div className="min-w-0 flex-1">
        {item.answererName ? (
          <div className="mb-1 text-[12px] font-medium text-zinc-500">{item.answererName}</div>
        ) : null}
        <ToolSteps steps={item.toolCalls} />
        {hasText ? <ChatMarkdown text={item.text} sources={item.sources} streaming={streaming} /> : null}
        {streaming && !hasText ? <TypingDots {...(item.activity ? { label: item.activity } : {})} /> : null}
        {item.reconnecting ? (
          <div
            data-testid="reconnecting"
            role="status"
            className="mt-2 inline-flex items-center gap-1.5 rounded-md bg-amber-50 px-2 py-1 text-[12px] text-amber-800 ring-1 ring-amber-200"
          >
            <WifiOff aria-hidden className="size-3.5" />
            Connection lost — reconnecting…
          </div>
        ) : null}
        {item.status === "stopped" ? (
          <div
            data-testid="message-stopped"
            className="mt-2 inline-flex items-center gap-1.5 rounded-md bg-zinc-100 px-2 py-1 text-[12px] font-medium text-zinc-600"
          >
            <OctagonX aria-hidden className="size-3.5" />
            Stopped
          </div>
        ) : null}
        {item.status === "error" ? (
          <div
            data-testid="message-error"
            role="alert"
            className="mt-2 flex items-start gap-2 rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-[13px] text-red-800"
          >
            <CircleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-red-500" />
            <div className="min-w-0 flex-1">
              <p className="font-medium">The answer failed.</p>
              <p className="mt-0.5 break-words text-red-700">
                {item.error?.message ?? "Something went wrong while answering."}
              </p>
            </div>
            {item.prompt !== undefined ? (
              <button
                type="button"
                data-testid="message-retry-inline"
                onClick={() => onRetry(item)}
                className={clsx(
                  "inline-flex shrink-0 items-center gap-1 rounded-md bg-white px-2 py-1 text-[12px] font-medium text-red-700 ring-1 ring-red-200 hover:bg-red-100",
                  focusRingTight,
                )}
              >
                <RefreshCw aria-hidden className="size-3.5" />
                Retry
              </button>
            ) : null}
          </div>
        ) : null}
        {item.interrupt && item.interruptState ? (
          <HumanStep
            interrupt={item.interrupt}
            state={item.interruptState}
            answer={item.humanAnswer}
            draft={withheld && !questionOnly ? item.text : undefined}
            onAnswer={(answer) => onAnswer(item, answer)}
          />
        ) : null}
        <SourceList sources={item.sources} />
        {showMeta ? (
          <div className="mt-2 flex min-h-7 flex-wrap items-center gap-x-2 gap-y-1">
            <MessageMeta
              {...(item.tokens !== undefined ? { tokens: item.tokens } : {})}
              {...(item.cost !== undefined ? { cost: item.cost } : {})}
              {...(item.durationMs !== undefined ? { durationMs: item.durationMs } : {})}
              {...(item.executionId ? { executionId: item.executionId } : {})}
            />
            <div
              className={clsx(
                "flex items-center",
                !isLast && "opacity-0 transition-opacity group-hover/message:opacity-100 focus-within:opacity-100",
              )}
            >
              {hasText ? (
                <IconAction
                  label={copied ? "Copied" : "Copy answer"}
                  testId="copy-message"
                  onClick={() =>
                    void copyText(item.text).then((ok) => {
                      if (!ok) return;
                      setCopied(true);
                      window.setTimeout(() => setCopied(false), 1500);
                    })
                  }
                >
                  {copied ? <Check aria-hidden className="text-emerald-600" /> : <Copy aria-hidden />}
                </IconAction>
              ) : null}
              {canRetry && item.status !== "error" ? (
                <IconAction label="Regenerate" testId="message-retry" onClick={() => onRetry(item)}>
                  <RefreshCw aria-hidden />
                </IconAction>
              ) : null}
            </div>
          </div>
        ) : null}
      </div>
    </div>
  );
});
