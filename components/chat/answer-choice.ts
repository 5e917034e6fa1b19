/**
 * Who answers the next message, as the chat keeps it: a saved workflow, or a template — with the knowledge
 * base it reads, for a template that asks for one (Knowledge base Q&A). The choice lives in the address
 * (`?template=<id>&knowledgeBase=<id>`, `?workflow=<id>`) until a message is sent, so a reload keeps it; a
 * template with a knowledge base is run as a temporary definition made for the conversation (see
 * app/(app)/chat/actions.ts), never as a workflow added to the user's list. Pure and client-safe.
 */
import type { ConversationDto } from "@/lib/contracts/conversations";
import type { KnowledgeBaseDto } from "@/lib/contracts/knowledge";
import type { TemplateSummary } from "@/lib/contracts/templates";
import type { WorkflowSummary } from "@/lib/contracts/workflows";

export type AnswerChoice =
  | { kind: "template"; id: string; knowledgeBaseId?: string }
  | { kind: "workflow"; id: string };

/** A definition made for a chat (a template with its knowledge base): not in the workflow list, named here. */
export interface TemporaryAnswerer {
  id: string;
  name: string;
}

/** What the chat can answer with: the picker's lists, and the temporary definitions this chat uses. */
export interface Answerers {
  templates: readonly TemplateSummary[];
  workflows: readonly WorkflowSummary[];
  knowledgeBases: readonly KnowledgeBaseDto[];
  temporaries: readonly TemporaryAnswerer[];
}

/** The chat's server action that binds a template to a knowledge base (app/(app)/chat/actions.ts). */
export type KnowledgeChatResult = { ok: true; workflowId: string; name: string } | { ok: false; message: string };
export type PrepareKnowledgeChat = (input: {
  templateId: string;
  knowledgeBaseId: string;
}) => Promise<KnowledgeChatResult>;

const ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export function sameChoice(a: AnswerChoice | null, b: AnswerChoice | null): boolean {
  if (!a || !b || a.kind !== b.kind || a.id !== b.id) return false;
  const kbA = a.kind === "template" ? a.knowledgeBaseId : undefined;
  const kbB = b.kind === "template" ? b.knowledgeBaseId : undefined;
  return kbA === kbB;
}

/** Template parameters a chat must fill in: a knowledge base, for now (other parameters keep their defaults). */
export function needsKnowledgeBase(defaultParams: Record<string, unknown> | undefined): boolean {
  return !!defaultParams && "knowledgeBaseId" in defaultParams;
}

/** The name and description shown for a choice (null while its list has not loaded or it was deleted). */
export function describeChoice(
  choice: AnswerChoice | null,
  answerers: Partial<Answerers> & Pick<Answerers, "templates" | "workflows">,
): { name: string; description: string } | null {
  if (!choice) return null;
  if (choice.kind === "workflow") {
    const workflow = answerers.workflows.find((w) => w.id === choice.id);
    if (workflow) return { name: workflow.name, description: workflow.description };
    const temporary = answerers.temporaries?.find((t) => t.id === choice.id);
    return temporary ? { name: temporary.name, description: "" } : null;
  }
  const template = answerers.templates.find((t) => t.id === choice.id);
  if (!template) return null;
  if (!choice.knowledgeBaseId) return { name: template.name, description: template.description };
  const kb = answerers.knowledgeBases?.find((k) => k.id === choice.knowledgeBaseId);
  return kb ? { name: knowledgeChatName(template.name, kb.name), description: kb.description } : null;
}

/** "Knowledge base Q&A · Handbook": the name a template answering from a knowledge base goes by. */
export function knowledgeChatName(templateName: string, knowledgeBaseName: string): string {
  return `${templateName} · ${knowledgeBaseName}`;
}

type SearchParams = Record<string, string | string[] | undefined> | URLSearchParams;

function param(params: SearchParams, name: string): string | undefined {
  const value = params instanceof URLSearchParams ? params.get(name) : params[name];
  return typeof value === "string" && ID.test(value) ? value : undefined;
}

/** The choice an address carries (`?template=&knowledgeBase=`, `?workflow=`); null when it names none. */
export function choiceFromSearch(params: SearchParams): AnswerChoice | null {
  const workflow = param(params, "workflow");
  if (workflow) return { kind: "workflow", id: workflow };
  const template = param(params, "template");
  if (!template) return null;
  const knowledgeBaseId = param(params, "knowledgeBase");
  return { kind: "template", id: template, ...(knowledgeBaseId ? { knowledgeBaseId } : {}) };
}

/** The query string that carries a choice ("" for none), for `choiceFromSearch` to read back. */
export function searchOfChoice(choice: AnswerChoice | null): string {
  if (!choice) return "";
  const params = new URLSearchParams();
  if (choice.kind === "workflow") params.set("workflow", choice.id);
  else {
    params.set("template", choice.id);
    if (choice.knowledgeBaseId) params.set("knowledgeBase", choice.knowledgeBaseId);
  }
  return `?${params.toString()}`;
}

/** Who answered last (the newest answer's workflow or template), else what the conversation was started with. */
export function choiceFromConversation(
  conversation: ConversationDto | undefined,
  answerers: Pick<Answerers, "templates" | "workflows"> & Partial<Pick<Answerers, "temporaries">>,
): AnswerChoice | null {
  if (!conversation) return null;
  const exists = (choice: AnswerChoice) =>
    choice.kind === "workflow"
      ? answerers.workflows.some((w) => w.id === choice.id) ||
        (answerers.temporaries ?? []).some((t) => t.id === choice.id)
      : answerers.templates.some((t) => t.id === choice.id);
  for (let i = conversation.messages.length - 1; i >= 0; i--) {
    const message = conversation.messages[i]!;
    if (message.role !== "assistant") continue;
    const { definitionId, templateId } = message.metadata as { definitionId?: unknown; templateId?: unknown };
    const candidates: AnswerChoice[] = [];
    if (typeof definitionId === "string") candidates.push({ kind: "workflow", id: definitionId });
    if (typeof templateId === "string") candidates.push({ kind: "template", id: templateId });
    const found = candidates.find(exists);
    if (found) return found;
    break;
  }
  if (conversation.workflowId && exists({ kind: "workflow", id: conversation.workflowId }))
    return { kind: "workflow", id: conversation.workflowId };
  if (conversation.templateId && exists({ kind: "template", id: conversation.templateId }))
    return { kind: "template", id: conversation.templateId };
  return null;
}
