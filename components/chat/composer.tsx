"use client";

/**
 * The message box. Enter sends, Shift+Enter starts a new line (and so does Enter while an input method is
 * composing), Esc stops the answer that is streaming. The box grows with its text up to a limit, and the
 * focus stays in it: sending, stopping and the buttons never take it away.
 */
import { clsx } from "clsx";
import { ArrowUp, Square } from "lucide-react";
import {
  forwardRef,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
} from "react";
import { focusRing } from "@/components/ui/focus-ring";
import { isRepeatClick } from "@/components/ui/single-flight";
import { MAX_MESSAGE_LENGTH } from "@/lib/contracts/execution-request";

export interface ComposerHandle {
  focus: () => void;
  /** Puts text in the box (a suggestion), ready to edit or send. */
  fill: (text: string) => void;
}

const MAX_HEIGHT_PX = 224;

export const Composer = forwardRef<
  ComposerHandle,
  {
    /** An answer is streaming: the button stops it, and Enter does not send. */
    busy: boolean;
    disabled?: boolean;
    placeholder: string;
    onSend: (text: string) => boolean | undefined;
    onStop: () => void;
    footer?: React.ReactNode;
  }
>(function Composer({ busy, disabled = false, placeholder, onSend, onStop, footer }, ref) {
  const [text, setText] = useState("");
  const area = useRef<HTMLTextAreaElement>(null);
  useImperativeHandle(
    ref,
    () => ({
      focus: () => area.current?.focus(),
      fill: (value: string) => {
        setText(value);
        area.current?.focus();
      },
    }),
    [],
  );

  // Text typed before the page became interactive is in the box but not in state yet: keep it.
  useEffect(() => {
    const typed = area.current?.value;
    if (typed) setText((current) => current || typed);
  }, []);

  // Grow with the text: measure with height auto, then fix it (capped, then it scrolls).
  // biome-ignore lint/correctness/useExhaustiveDependencies: `text` is not read but changes the textarea's scrollHeight, which is measured again each time
  useLayoutEffect(() => {
    const el = area.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT_PX)}px`;
    el.style.overflowY = el.scrollHeight > MAX_HEIGHT_PX ? "auto" : "hidden";
  }, [text]);

  const trimmed = text.trim();
  const canSend = !busy && !disabled && trimmed.length > 0 && text.length <= MAX_MESSAGE_LENGTH;

  const send = () => {
    if (!canSend) return;
    // The parent may refuse (e.g. nothing is chosen to answer yet): keep the text then.
    if (onSend(trimmed) === false) return;
    setText("");
    area.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Escape" && busy) {
      event.preventDefault();
      onStop();
      return;
    }
    if (event.key !== "Enter" || event.shiftKey || event.nativeEvent.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    send();
  };

  return (
    <div className="mx-auto w-full max-w-3xl">
      <div
        className={clsx(
          "relative flex items-end gap-2 rounded-2xl border border-zinc-300 bg-white p-2 pl-4 shadow-sm transition-shadow",
          "focus-within:border-zinc-400 focus-within:shadow-md",
        )}
      >
        <label htmlFor="chat-composer" className="sr-only">
          Message
        </label>
        <textarea
          id="chat-composer"
          ref={area}
          data-testid="chat-input"
          rows={1}
          value={text}
          disabled={disabled}
          placeholder={placeholder}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={onKeyDown}
          maxLength={MAX_MESSAGE_LENGTH}
          // biome-ignore lint/a11y/noAutofocus: the message box is the chat page's one input and what the page is for; typing on arrival is expected
          autoFocus
          className="max-h-56 min-h-9 flex-1 resize-none bg-transparent py-1.5 text-[14.5px] leading-6 text-zinc-900 outline-none placeholder:text-zinc-400 disabled:cursor-not-allowed"
        />
        {busy ? (
          <button
            type="button"
            data-testid="chat-stop"
            aria-label="Stop answering (Esc)"
            title="Stop (Esc)"
            // Keep the focus in the text box.
            onMouseDown={(event) => event.preventDefault()}
            // Stop takes Send's place as the message goes: a double-click on Send must not stop its answer.
            onClick={(event) => {
              if (!isRepeatClick(event)) onStop();
            }}
            className={clsx(
              "flex size-9 shrink-0 items-center justify-center rounded-xl bg-zinc-900 text-white hover:bg-zinc-700",
              focusRing,
            )}
          >
            <Square aria-hidden className="size-3.5 fill-current" />
          </button>
        ) : (
          <button
            type="button"
            data-testid="chat-send"
            aria-label="Send message (Enter)"
            title="Send (Enter)"
            disabled={!canSend}
            onMouseDown={(event) => event.preventDefault()}
            onClick={send}
            className={clsx(
              "flex size-9 shrink-0 items-center justify-center rounded-xl bg-indigo-600 text-white transition-colors hover:bg-indigo-500",
              "disabled:bg-zinc-200 disabled:text-zinc-400",
              focusRing,
            )}
          >
            <ArrowUp aria-hidden className="size-4" strokeWidth={2.5} />
          </button>
        )}
      </div>
      <div className="mt-2 flex items-center justify-between gap-3 px-1 text-[11.5px] text-zinc-400">
        <div className="min-w-0 truncate">{footer}</div>
        <div className="hidden shrink-0 sm:block">
          <kbd className="font-sans">Enter</kbd> to send · <kbd className="font-sans">Shift+Enter</kbd> for a new line
          {busy ? (
            <>
              {" "}
              · <kbd className="font-sans">Esc</kbd> to stop
            </>
          ) : null}
        </div>
      </div>
    </div>
  );
});
