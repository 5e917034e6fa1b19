import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { choiceFromSearch } from "@/components/chat/answer-choice";
import { NewChatBoundary } from "@/components/chat/chat-shell";
import { ConversationView } from "@/components/chat/conversation-view";
import { isId } from "@/lib/contracts/common";
import { requireSessionUser } from "@/lib/auth";
import { isAppError } from "@/lib/errors";
import { getConversationDto, listTemporaryAnswerers } from "@/lib/services/conversations";

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

/**
 * One conversation. `?template=`, `?knowledgeBase=` and `?workflow=` carry who answers the next message
 * while it is not sent yet (see ../page.tsx); the temporary definitions that answer it (a template bound to a
 * knowledge base) are named here, since no workflow list has them.
 */
export default async function ConversationPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await connection();
  const { id } = await params;
  const user = await requireSessionUser({ callbackUrl: `/chat/${id}` });
  const conversation = isId(id) ? await loadConversation(user.id, id) : null;
  if (!conversation) notFound();
  const [temporaries, search] = await Promise.all([
    listTemporaryAnswerers({ ownerId: user.id, conversation }),
    searchParams,
  ]);
  const initialChoice = choiceFromSearch(search);
  return (
    <NewChatBoundary>
      <ConversationView
        key={conversation.id}
        initialConversation={conversation}
        initialTemporaries={temporaries}
        {...(initialChoice ? { initialChoice } : {})}
      />
    </NewChatBoundary>
  );
}
