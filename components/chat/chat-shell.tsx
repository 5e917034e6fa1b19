"use client";

/**
 * The chat's frame below the app shell: the conversations sidebar (a drawer on small screens) beside the
 * open conversation, filling the space right of the main navigation like the editor does. "New chat"
 * remounts the conversation view, so it also works when the address was rewritten to a conversation that
 * this very page started.
 */
import { clsx } from "clsx";
import { usePathname, useRouter } from "next/navigation";
import { createContext, Fragment, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import type { ConversationPage } from "@/lib/api-client/chat";
import type { PrepareKnowledgeChat } from "./answer-choice";
import { BESIDE_APP_SIDEBAR } from "@/components/shell/sidebar-preference";
import type { AnswererData } from "./queries";
import { ConversationSidebar } from "./conversation-sidebar";
import "./chat.css";

interface ChatShellValue {
  answerers: AnswererData;
  /** The user's default model is the built-in test model (see ConversationView's notice). */
  testModel: boolean;
  prepareKnowledgeChat: PrepareKnowledgeChat;
  newChat: () => void;
  openConversations: () => void;
}

const ChatShellContext = createContext<ChatShellValue | null>(null);

export function useChatShell(): ChatShellValue {
  const value = useContext(ChatShellContext);
  if (!value) throw new Error("useChatShell must be used inside <ChatShell>");
  return value;
}

const NewChatContext = createContext(0);

const CONVERSATION_PATH = /^\/chat\/([0-9A-HJKMNP-TV-Z]{26})(?:\/|$)/;

export function ChatShell({
  initialPage,
  answerers,
  prepareKnowledgeChat,
  testModel = false,
  children,
}: {
  initialPage: ConversationPage;
  /** The user's default model is the built-in test model: a chat with a built-in template says so. */
  testModel?: boolean;
  answerers: AnswererData;
  /** The server action binding a template to a knowledge base for a chat (a temporary definition). */
  prepareKnowledgeChat: PrepareKnowledgeChat;
  children: ReactNode;
}) {
  const pathname = usePathname();
  const router = useRouter();
  const [nonce, setNonce] = useState(0);
  const [drawer, setDrawer] = useState(false);
  const activeId = CONVERSATION_PATH.exec(pathname)?.[1] ?? null;
  // Set once the page is interactive (hydrated): tests wait for it before typing.
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);

  const newChat = useCallback(() => {
    setDrawer(false);
    setNonce((n) => n + 1);
    router.push("/chat");
  }, [router]);

  useEffect(() => {
    if (!drawer) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") setDrawer(false);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [drawer]);

  const value = useMemo(
    () => ({ answerers, testModel, prepareKnowledgeChat, newChat, openConversations: () => setDrawer(true) }),
    [answerers, testModel, prepareKnowledgeChat, newChat],
  );

  return (
    <ChatShellContext.Provider value={value}>
      <NewChatContext.Provider value={nonce}>
        <div
          data-testid="chat-app"
          data-ready={ready ? "true" : undefined}
          className={`${BESIDE_APP_SIDEBAR} flex bg-white`}
        >
          {drawer ? (
            <div aria-hidden className="fixed inset-0 z-30 bg-zinc-950/30 md:hidden" onClick={() => setDrawer(false)} />
          ) : null}
          <aside
            aria-label="Chats"
            className={clsx(
              "z-40 flex w-72 shrink-0 flex-col border-r border-zinc-200 bg-zinc-50 transition-transform duration-200 md:static md:w-64 md:translate-x-0 xl:w-72",
              // Below the app's top bar on small screens (it stays visible above this frame).
              drawer
                ? "fixed top-14 bottom-0 left-0 translate-x-0 shadow-xl"
                : "invisible fixed top-14 bottom-0 left-0 -translate-x-full md:visible",
            )}
          >
            <ConversationSidebar
              initialPage={initialPage}
              activeId={activeId}
              onNewChat={newChat}
              onNavigate={() => setDrawer(false)}
              onDeleted={(id) => {
                if (id === activeId) newChat();
              }}
            />
          </aside>
          <section className="flex min-w-0 flex-1 flex-col">{children}</section>
        </div>
      </NewChatContext.Provider>
    </ChatShellContext.Provider>
  );
}

/** Remounts its children on "New chat" (a fresh conversation view, whatever the address says). */
export function NewChatBoundary({ children }: { children: ReactNode }) {
  const nonce = useContext(NewChatContext);
  return <Fragment key={nonce}>{children}</Fragment>;
}
