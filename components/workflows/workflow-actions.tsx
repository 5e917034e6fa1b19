"use client";

/** The list's ways to get a workflow: blank, from a template, or imported from a file. */
import { LayoutTemplate, Plus, Upload } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { Button, buttonClasses } from "@/components/ui/button";
import type { ValidationContext } from "@/lib/validation";
import { ImportDialog } from "./import-dialog";
import { TemplateDialog } from "./template-dialog";

/** The editor is the heaviest page: links to it are not prefetched from the list. */
export const NEW_WORKFLOW_HREF = "/workflows/new";

export function WorkflowActions({
  userId,
  validationContext,
  browseTemplatesLink = false,
}: {
  userId: string;
  validationContext: ValidationContext;
  /** In the empty state, templates are offered as the gallery page too. */
  browseTemplatesLink?: boolean;
}) {
  const [dialog, setDialog] = useState<"import" | "template" | null>(null);
  return (
    <>
      <Button variant="secondary" data-testid="import" onClick={() => setDialog("import")}>
        <Upload aria-hidden />
        Import
      </Button>
      {browseTemplatesLink ? (
        <Link href="/templates" className={buttonClasses({ variant: "secondary" })}>
          <LayoutTemplate aria-hidden />
          Browse templates
        </Link>
      ) : null}
      <Button variant="secondary" data-testid="new-from-template" onClick={() => setDialog("template")}>
        <LayoutTemplate aria-hidden />
        From a template
      </Button>
      <Link href={NEW_WORKFLOW_HREF} prefetch={false} data-testid="new-workflow" className={buttonClasses()}>
        <Plus aria-hidden />
        New workflow
      </Link>
      <ImportDialog
        open={dialog === "import"}
        onClose={() => setDialog(null)}
        userId={userId}
        validationContext={validationContext}
      />
      <TemplateDialog open={dialog === "template"} onClose={() => setDialog(null)} />
    </>
  );
}
