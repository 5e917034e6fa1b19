import type { ReactNode } from "react";
import { connection } from "next/server";
import { ChatShell } from "@/components/chat/chat-shell";
import { requireSessionUser } from "@/lib/auth";
import { listConversationsPage } from "@/lib/services/conversations";
import { getModelSettings } from "@/lib/services/credentials";
import { listKnowledgeBases } from "@/lib/services/knowledge";
import { listTemplates } from "@/lib/services/templates";
import { listWorkflows } from "@/lib/services/workflows";
import { prepareKnowledgeChat } from "./actions";

/**
 * The chat's frame, kept across /chat and /chat/<id>: the first page of conversations and what may answer
 * (templates, workflows, knowledge bases) are read here once; the client keeps them fresh from then on.
 */
export default async function ChatLayout({ children }: { children: ReactNode }) {
  await connection();
  const user = await requireSessionUser({ callbackUrl: "/chat" });
  const [page, templates, workflows, knowledgeBases, modelSettings] = await Promise.all([
    listConversationsPage({ ownerId: user.id, limit: 50 }),
    listTemplates({ ownerId: user.id }),
    listWorkflows({ ownerId: user.id }),
    listKnowledgeBases({ ownerId: user.id }),
    getModelSettings({ ownerId: user.id }),
  ]);
  return (
    <ChatShell
      initialPage={page}
      answerers={{ templates, workflows, knowledgeBases }}
      prepareKnowledgeChat={prepareKnowledgeChat}
      testModel={modelSettings.effective.builtin}
    >
      {children}
    </ChatShell>
  );
}
