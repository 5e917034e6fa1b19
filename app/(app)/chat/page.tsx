import type { Metadata } from "next";
import { NewChatBoundary } from "@/components/chat/chat-shell";
import { ConversationView } from "@/components/chat/conversation-view";

export const metadata: Metadata = { title: "Chat" };

/** A new conversation: created on the server by its first message. */
export default function NewChatPage() {
  return (
    <NewChatBoundary>
      <ConversationView initialConversation={null} />
    </NewChatBoundary>
  );
}
