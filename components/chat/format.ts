/** Counts the chat shows, in words: "1 message · 12 tokens". Pure and client-safe. */
import { countOf } from "@/components/knowledge/format";

/** A conversation's totals under the message box. */
export function conversationTotals({
  messageCount,
  totalTokens,
}: {
  messageCount: number;
  totalTokens: number;
}): string {
  return `${countOf(messageCount, "message")} · ${countOf(totalTokens, "token")}`;
}
