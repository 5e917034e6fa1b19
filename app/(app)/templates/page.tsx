import { Activity, Blocks, Bot, GitBranch, LayoutTemplate, Search, Sparkles, type LucideIcon } from "lucide-react";
import type { Metadata } from "next";
import { connection } from "next/server";
import { TemplateCardActions } from "@/components/templates/template-card-actions";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { requireSessionUser } from "@/lib/auth";
import type { TemplateSummary } from "@/lib/contracts/templates";
import { listTemplates, listTemplateUsage, type TemplateUsage } from "@/lib/services/templates";

export const metadata: Metadata = { title: "Templates" };

/** An icon per known category; anything else gets the generic one. */
const categoryIcons: Record<string, LucideIcon> = {
  chat: Bot,
  retrieval: Search,
  rag: Search,
  agents: Sparkles,
  agent: Sparkles,
  routing: GitBranch,
};

export default async function TemplatesPage() {
  await connection();
  const user = await requireSessionUser({ callbackUrl: "/templates" });
  const [templates, usage] = await Promise.all([
    listTemplates({ ownerId: user.id }),
    listTemplateUsage({ ownerId: user.id }),
  ]);
  const usageOf = new Map(usage.map((u) => [u.templateId, u]));

  return (
    <div className="flex flex-col gap-8">
      <PageHeader
        title="Templates"
        description="Ready-made workflows to run as they are or to start a workflow of your own from."
      />
      {templates.length === 0 ? (
        <EmptyState
          icon={LayoutTemplate}
          title="No templates"
          description="Built-in templates are added when the server starts; save a workflow as a template to see it here."
        />
      ) : (
        <ul data-testid="template-list" className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
          {templates.map((t) => (
            <li key={t.id}>
              <TemplateCard template={t} usage={usageOf.get(t.id)} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function TemplateCard({ template: t, usage }: { template: TemplateSummary; usage: TemplateUsage | undefined }) {
  const Icon = categoryIcons[t.category.toLowerCase()] ?? Blocks;
  return (
    <Card data-testid="template-card" className="flex h-full flex-col p-5">
      <div className="flex items-start justify-between gap-3">
        <div className="flex size-9 items-center justify-center rounded-md bg-indigo-50 text-indigo-600 ring-1 ring-indigo-100">
          <Icon aria-hidden className="size-4" />
        </div>
        {t.isBuiltin ? <Badge tone="indigo">Built-in</Badge> : <Badge>Yours</Badge>}
      </div>
      <h2 className="mt-4 font-semibold text-zinc-900">{t.name}</h2>
      <p className="mt-1 line-clamp-3 flex-1 text-[13px] leading-5 text-zinc-500">
        {t.description || "No description"}
      </p>
      <div className="mt-4 flex items-center gap-2 text-xs text-zinc-500">
        <Badge className="capitalize">{t.category}</Badge>
        <span aria-hidden>·</span>
        <span>
          {t.nodeCount} {t.nodeCount === 1 ? "node" : "nodes"}
        </span>
      </div>
      <Usage usage={usage} />
      <div className="mt-4 flex flex-wrap items-center gap-2 border-t border-zinc-100 pt-4">
        <TemplateCardActions templateId={t.id} templateName={t.name} />
      </div>
    </Card>
  );
}

/** Your all-time use of the template (finished runs; the counters outlive pruned runs). */
function Usage({ usage }: { usage: TemplateUsage | undefined }) {
  return (
    <p data-testid="template-usage" className="mt-2 flex items-start gap-1.5 text-xs leading-4 text-zinc-500">
      <Activity aria-hidden className="mt-px size-3.5 shrink-0 text-zinc-400" />
      {usage && usage.runs > 0 ? (
        <span>
          Used {usage.runs.toLocaleString("en")} {usage.runs === 1 ? "time" : "times"} ·{" "}
          {/* Rounded down: 100% only when every run succeeded. */}
          {Math.floor((usage.completed / usage.runs) * 100)}% succeeded
          {usage.lastUsedAt ? (
            <>
              {" "}
              · last used <RelativeTime date={usage.lastUsedAt} />
            </>
          ) : null}
        </span>
      ) : (
        "Not used yet"
      )}
    </p>
  );
}
