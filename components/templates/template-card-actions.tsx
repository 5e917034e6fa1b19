"use client";

/**
 * A template card's actions in the gallery: make a workflow from it (the template dialog, with this
 * template chosen) or chat with it (a new conversation it answers).
 */
import { LayoutTemplate, MessageSquare } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { Button, buttonClasses } from "@/components/ui/button";
import { TemplateDialog } from "@/components/workflows/template-dialog";

export function TemplateCardActions({ templateId, templateName }: { templateId: string; templateName: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        size="sm"
        data-testid="template-use"
        aria-label={`Use template ${templateName}`}
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
      >
        <LayoutTemplate aria-hidden />
        Use template
      </Button>
      <Link
        href={`/chat?template=${encodeURIComponent(templateId)}`}
        prefetch={false}
        data-testid="template-chat"
        aria-label={`Chat with ${templateName}`}
        className={buttonClasses({ variant: "secondary", size: "sm" })}
      >
        <MessageSquare aria-hidden />
        Chat
      </Link>
      <TemplateDialog open={open} onClose={() => setOpen(false)} initialTemplateId={templateId} />
    </>
  );
}
