import { MessageSquare, Workflow } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Chat" };

export default function ChatPage() {
  return (
    <div className="flex flex-col gap-8">
      <PageHeader
        title="Chat"
        description="Talk to the built-in assistant, or to any of your workflows. Every message is a tracked run."
      />
      <EmptyState
        icon={MessageSquare}
        title="Start a conversation"
        description="Ask a question to begin. Conversations keep their history, and you can switch the workflow that answers at any time."
        actions={
          <Link href="/workflows" className={buttonClasses({ variant: "secondary" })}>
            <Workflow aria-hidden />
            Pick a workflow
          </Link>
        }
      />
    </div>
  );
}
