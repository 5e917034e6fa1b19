import type { Metadata } from "next";
import { NewChatBoundary } from "@/components/chat/chat-shell";
import { ConversationView } from "@/components/chat/conversation-view";

export const metadata: Metadata = { title: "Chat" };

/**
 * A new conversation: created on the server by its first message. `?template=<id>` (the templates gallery's
 * "Chat") picks who answers; an id the user cannot see is ignored by the view.
 */
export default async function NewChatPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { template } = await searchParams;
  return (
    <NewChatBoundary>
      <ConversationView
        initialConversation={null}
        initialTemplateId={typeof template === "string" ? template : undefined}
      />
    </NewChatBoundary>
  );
}
