import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { NewChatBoundary } from "@/components/chat/chat-shell";
import { ConversationView } from "@/components/chat/conversation-view";
import { isId } from "@/lib/contracts/common";
import { requireSessionUser } from "@/lib/auth";
import { isAppError } from "@/lib/errors";
import { getConversationDto } from "@/lib/services/conversations";

export const metadata: Metadata = { title: "Chat" };

async function loadConversation(ownerId: string, id: string) {
  try {
    return await getConversationDto({ ownerId, id });
  } catch (error) {
    // Another user's conversation is as missing as a deleted one.
    if (isAppError(error) && error.status === 404) return null;
    throw error;
  }
}

export default async function ConversationPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const { id } = await params;
  const user = await requireSessionUser({ callbackUrl: `/chat/${id}` });
  const conversation = isId(id) ? await loadConversation(user.id, id) : null;
  if (!conversation) notFound();
  return (
    <NewChatBoundary>
      <ConversationView key={conversation.id} initialConversation={conversation} />
    </NewChatBoundary>
  );
}
