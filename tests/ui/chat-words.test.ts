/**
 * The chat's counts in words ("1 message", not "1 messages"), and a human step that was rejected: it reads
 * "Rejected" (never "Answered") and the draft it withheld is folded away and marked withheld.
 */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { conversationTotals } from "@/components/chat/format";
import { HumanStep, MessageMeta } from "@/components/chat/message-parts";
import { AssistantMessage } from "@/components/chat/messages";
import type { AssistantItem } from "@/components/chat/transcript";
import { buildTranscript } from "@/components/chat/transcript";
import type { MessageDto } from "@/lib/contracts/conversations";

describe("counts", () => {
  it("say one message and one token in the singular", () => {
    expect(conversationTotals({ messageCount: 1, totalTokens: 1 })).toBe("1 message · 1 token");
    expect(conversationTotals({ messageCount: 2, totalTokens: 1234 })).toBe("2 messages · 1,234 tokens");
    expect(renderToStaticMarkup(createElement(MessageMeta, { tokens: 1 }))).toContain(">1 token<");
  });
});

const QUESTION = "Send this answer?\n\nThe secret plan is to buy more tea.";
const interrupt = { nodeId: "review", question: QUESTION, mode: "approval" as const };

const pausedMessage = (metadata: Record<string, unknown>): MessageDto => ({
  id: "01HZZZZZZZZZZZZZZZZZZZZZZA",
  conversationId: "01HZZZZZZZZZZZZZZZZZZZZZZB",
  role: "assistant",
  content: QUESTION,
  status: "complete",
  executionId: "01HZZZZZZZZZZZZZZZZZZZZZZC",
  tokens: 5,
  cost: 0,
  durationMs: 3,
  metadata: { interrupt, ...metadata },
  createdAt: "2025-01-01T00:00:00.000Z",
});

describe("a rejected approval", () => {
  it("reads as rejected, with the withheld draft folded away", () => {
    const html = renderToStaticMarkup(
      createElement(HumanStep, { interrupt, state: "answered", answer: { approved: false }, onAnswer: () => {} }),
    );
    expect(html).toContain('data-outcome="rejected"');
    expect(html).toContain("Rejected");
    expect(html).not.toContain("Answered");
    expect(html).toMatch(/<details data-testid="withheld-draft"[^>]*>.*Withheld.*The secret plan/s);
    // Nowhere outside the fold.
    expect(html.replace(/<details[\s\S]*<\/details>/, "")).not.toContain("The secret plan");
  });

  it("is told by the saved message after a reload, and the message's own text is withheld too", () => {
    const [item] = buildTranscript([pausedMessage({ humanAnswer: { approved: false } })], []);
    expect(item).toMatchObject({ kind: "assistant", interruptState: "answered", humanAnswer: { approved: false } });
    const html = renderToStaticMarkup(
      createElement(AssistantMessage, {
        item: { ...(item as AssistantItem), text: "The secret plan is to buy more tea." },
        isLast: true,
        onRetry: () => {},
        onAnswer: () => {},
      }),
    );
    expect(html).toContain("Rejected");
    expect(html.replace(/<details[\s\S]*<\/details>/, "")).not.toContain("The secret plan");
    expect(html).not.toContain('data-testid="copy-message"');
  });

  it("is told by the answer sent from this tab while the run goes on", () => {
    const [item] = buildTranscript(
      [pausedMessage({})],
      [
        {
          key: "turn-1",
          conversationId: "01HZZZZZZZZZZZZZZZZZZZZZZB",
          resumes: { messageId: "01HZZZZZZZZZZZZZZZZZZZZZZA", answer: { approved: false } },
          run: { status: "completed", text: "", toolCalls: [], sources: [], lastSeq: 9 },
          connection: "closed",
        },
      ],
    );
    expect(item).toMatchObject({ interruptState: "answered", humanAnswer: { approved: false } });
  });

  it("is not confused with an approval or a typed answer", () => {
    const approved = renderToStaticMarkup(
      createElement(HumanStep, { interrupt, state: "answered", answer: { approved: true }, onAnswer: () => {} }),
    );
    expect(approved).toContain("Approved");
    expect(approved).toContain("The secret plan");
    const typed = renderToStaticMarkup(
      createElement(HumanStep, {
        interrupt: { ...interrupt, mode: "input" },
        state: "answered",
        answer: { text: "Tuesday" },
        onAnswer: () => {},
      }),
    );
    expect(typed).toContain("Answered: Tuesday");
  });
});
