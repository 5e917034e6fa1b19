import { Activity, MessageSquare } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Executions" };

export default function ExecutionsPage() {
  return (
    <div className="flex flex-col gap-8">
      <PageHeader
        title="Executions"
        description="Every run — from chat, the API or the editor — with its status, timings, tokens and cost."
      />
      <EmptyState
        icon={Activity}
        title="Runs appear here as they start"
        description="Send a chat message or run a workflow, and follow it live here, node by node."
        actions={
          <Link href="/chat" className={buttonClasses({ variant: "secondary" })}>
            <MessageSquare aria-hidden />
            Open chat
          </Link>
        }
      />
    </div>
  );
}
