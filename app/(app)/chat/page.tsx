import type { Metadata } from "next";
import { choiceFromSearch } from "@/components/chat/answer-choice";
import { NewChatBoundary } from "@/components/chat/chat-shell";
import { ConversationView } from "@/components/chat/conversation-view";

export const metadata: Metadata = { title: "Chat" };

/**
 * A new conversation: created on the server by its first message. The address picks who answers until then
 * (`?template=<id>`, the templates gallery's "Chat"; `?template=<id>&knowledgeBase=<id>`, a knowledge base's
 * "Chat with it"; `?workflow=<id>`), so a reload keeps the choice; one the user cannot see is ignored.
 */
export default async function NewChatPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const initialChoice = choiceFromSearch(await searchParams);
  return (
    <NewChatBoundary>
      <ConversationView initialConversation={null} {...(initialChoice ? { initialChoice } : {})} />
    </NewChatBoundary>
  );
}
