/**
 * Who answers a chat: a template bound to a knowledge base is one choice (named after both, carried by the
 * address so a reload keeps it), and a conversation answered by the temporary definition made for that
 * choice keeps it — not the bare template, which would answer without retrieval.
 */
import { describe, expect, it } from "vitest";
import {
  choiceFromConversation,
  choiceFromSearch,
  describeChoice,
  searchOfChoice,
  type AnswerChoice,
} from "@/components/chat/answer-choice";
import type { ConversationDto } from "@/lib/contracts/conversations";
import type { KnowledgeBaseDto } from "@/lib/contracts/knowledge";
import type { TemplateSummary } from "@/lib/contracts/templates";

const RAG = "01HZZZZZZZZZZZZZZZZZZZZZZA";
const UNIVERSAL = "01HZZZZZZZZZZZZZZZZZZZZZZB";
const KB = "01HZZZZZZZZZZZZZZZZZZZZZZC";
const TEMPORARY = "01HZZZZZZZZZZZZZZZZZZZZZZD";
const CONVERSATION = "01HZZZZZZZZZZZZZZZZZZZZZZE";
const AT = "2025-01-01T00:00:00.000Z";

const template = (id: string, name: string, slug: string): TemplateSummary => ({
  id,
  slug,
  name,
  description: `${name}.`,
  category: "chat",
  isBuiltin: true,
  nodeCount: 3,
  createdAt: AT,
  updatedAt: AT,
});
const templates = [
  template(UNIVERSAL, "Universal chat", "universal-chat"),
  template(RAG, "Knowledge base Q&A", "rag-qa"),
];
const knowledgeBases: KnowledgeBaseDto[] = [
  { id: KB, name: "Handbook", description: "", documentCount: 1, createdAt: AT, updatedAt: AT } as KnowledgeBaseDto,
];

describe("a knowledge-base choice", () => {
  it("is carried by the address and read back from it (the reload before sending keeps it)", () => {
    const choice: AnswerChoice = { kind: "template", id: RAG, knowledgeBaseId: KB };
    const search = searchOfChoice(choice);
    expect(search).toBe(`?template=${RAG}&knowledgeBase=${KB}`);
    expect(choiceFromSearch(new URLSearchParams(search))).toEqual(choice);
    expect(choiceFromSearch({ template: RAG, knowledgeBase: KB })).toEqual(choice);
    expect(choiceFromSearch({ template: RAG })).toEqual({ kind: "template", id: RAG });
    expect(choiceFromSearch({ workflow: TEMPORARY })).toEqual({ kind: "workflow", id: TEMPORARY });
    // Anything that is not an id is no choice at all.
    expect(choiceFromSearch({ template: "../x", knowledgeBase: KB })).toBeNull();
    expect(choiceFromSearch({ template: RAG, knowledgeBase: "<b>" })).toEqual({ kind: "template", id: RAG });
  });

  it("is named after the template and the base, so the header and the input say what answers", () => {
    expect(
      describeChoice({ kind: "template", id: RAG, knowledgeBaseId: KB }, { templates, workflows: [], knowledgeBases })
        ?.name,
    ).toBe("Knowledge base Q&A · Handbook");
    expect(describeChoice({ kind: "template", id: RAG }, { templates, workflows: [], knowledgeBases })?.name).toBe(
      "Knowledge base Q&A",
    );
    // A deleted base is no name (the chat does not pretend it answers from it).
    expect(
      describeChoice(
        { kind: "template", id: RAG, knowledgeBaseId: TEMPORARY },
        { templates, workflows: [], knowledgeBases },
      ),
    ).toBeNull();
  });

  it("stays with the conversation: its temporary definition answers next, under its own name", () => {
    const conversation: ConversationDto = {
      id: CONVERSATION,
      title: "Holidays",
      workflowId: TEMPORARY,
      templateId: null,
      messageCount: 2,
      totalTokens: 10,
      totalCost: 0,
      lastMessageAt: AT,
      createdAt: AT,
      updatedAt: AT,
      messages: [
        {
          id: "01HZZZZZZZZZZZZZZZZZZZZZZF",
          conversationId: CONVERSATION,
          role: "assistant",
          content: "Twenty-eight days [1].",
          status: "complete",
          executionId: null,
          tokens: 10,
          cost: 0,
          durationMs: 5,
          // What the engine stores for a temporary definition made from a template: both ids.
          metadata: { definitionId: TEMPORARY, templateId: RAG },
          createdAt: AT,
        },
      ],
    };
    const temporaries = [{ id: TEMPORARY, name: "Knowledge base Q&A · Handbook" }];
    const choice = choiceFromConversation(conversation, { templates, workflows: [], temporaries });
    expect(choice).toEqual({ kind: "workflow", id: TEMPORARY });
    expect(describeChoice(choice, { templates, workflows: [], knowledgeBases, temporaries })?.name).toBe(
      "Knowledge base Q&A · Handbook",
    );
  });
});
