"use server";
/**
 * The chat's server action: a template that reads a knowledge base, bound to one of the user's bases as a
 * temporary definition the chat sends its messages to (lib/services/templates.ts, prepareKnowledgeChat).
 * Called when the first message for that choice is sent, so opening or reloading a chat creates nothing.
 */
import type { KnowledgeChatResult } from "@/components/chat/answer-choice";
import { getSessionUser } from "@/lib/auth";
import { isId } from "@/lib/contracts/common";
import { isAppError } from "@/lib/errors";
import { prepareKnowledgeChat as prepare } from "@/lib/services/templates";

export async function prepareKnowledgeChat(input: {
  templateId: string;
  knowledgeBaseId: string;
}): Promise<KnowledgeChatResult> {
  const user = await getSessionUser();
  if (!user) return { ok: false, message: "Your session has ended: sign in again." };
  if (!isId(input?.templateId) || !isId(input.knowledgeBaseId))
    return { ok: false, message: "Choose a template and a knowledge base." };
  try {
    const chat = await prepare({
      ownerId: user.id,
      templateId: input.templateId,
      knowledgeBaseId: input.knowledgeBaseId,
    });
    return { ok: true, ...chat };
  } catch (error) {
    // The service's refusals say what is wrong (a deleted base, a template without one); anything else is a fault.
    if (isAppError(error) && error.status < 500) return { ok: false, message: error.message };
    throw error;
  }
}
