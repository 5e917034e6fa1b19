/**
 * The built-in templates are valid workflows and run through the engine as TEMPLATE requests.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { getTemplateBySlug } from "@/lib/db/queries/templates";
import { execute, resumeExecution } from "@/lib/engine/execute";
import { InMemoryTracker } from "@/lib/engine/tracker";
import { addTextDocument, createKnowledgeBase } from "@/lib/services/knowledge";
import {
  builtinTemplates,
  HUMAN_APPROVAL_SLUG,
  RAG_QA_SLUG,
  ROUTER_CLASSIFIER_SLUG,
  SUMMARIZE_LOOP_SLUG,
  TOOL_AGENT_SLUG,
} from "@/lib/templates/builtin";
import { fillTemplateParams } from "@/lib/templates/instantiate";
import { defaultValidationContext, validateWorkflow } from "@/lib/validation";
import { createTestUser } from "../helpers/db";

let userId: string;
beforeAll(async () => {
  userId = (await createTestUser()).id;
});

async function templateId(slug: string): Promise<string> {
  const template = await getTemplateBySlug({ slug });
  expect(template, `built-in template ${slug} is seeded`).not.toBeNull();
  return template!.id;
}

describe("built-in templates", () => {
  it("are valid workflows once their parameters are filled", () => {
    const context = {
      ...defaultValidationContext(),
      allowedTools: ["calculator", "current_time", "http_get", "knowledge_search", "run_workflow"],
    };
    for (const template of builtinTemplates) {
      const params = Object.fromEntries(
        Object.keys(template.defaultParams).map((key) => [key, "01J00000000000000000000000"]),
      );
      const result = validateWorkflow(
        fillTemplateParams(template.definition, params),
        { id: "01J00000000000000000000001" },
        context,
      );
      expect(result.errors, template.slug).toEqual([]);
    }
  });

  it("RAG Q&A answers from the knowledge base named by its parameter, with sources", async () => {
    const kb = await createKnowledgeBase({ ownerId: userId, name: "Docs" });
    await addTextDocument({
      ownerId: userId,
      knowledgeBaseId: kb.id,
      title: "Shipping",
      text: "Parcels ship within two business days of the order.",
    });
    const result = await execute(
      {
        type: "TEMPLATE",
        templateId: await templateId(RAG_QA_SLUG),
        params: { knowledgeBaseId: kb.id },
        input: { message: "when do parcels ship?" },
      },
      { userId },
    );
    expect(result.status).toBe("completed");
    expect(result.output.message).toContain('Context: "[1] Shipping Parcels ship within two business');
    expect(result.output.sources?.[0]?.title).toBe("Shipping");
  });

  it("RAG Q&A without a knowledge base is refused before it runs", async () => {
    await expect(
      execute({ type: "TEMPLATE", templateId: await templateId(RAG_QA_SLUG), input: { message: "hi" } }, { userId }),
    ).rejects.toMatchObject({ status: 422 });
  });

  it("the tool agent calls a tool", async () => {
    const tracker = new InMemoryTracker();
    const result = await execute(
      {
        type: "TEMPLATE",
        templateId: await templateId(TOOL_AGENT_SLUG),
        input: { message: "use calculator on 12*12" },
      },
      { userId, tracker },
    );
    expect(result.output.message).toContain("144");
    expect(
      tracker.eventsFor(result.executionId).some((e) => e.type === "tool_call" && e.data.name === "calculator"),
    ).toBe(true);
  });

  it("the router sends a question to the explaining branch", async () => {
    const result = await execute(
      {
        type: "TEMPLATE",
        templateId: await templateId(ROUTER_CLASSIFIER_SLUG),
        input: { message: "I have a question about tides" },
      },
      { userId },
    );
    expect(result.status).toBe("completed");
    expect(result.history.map((h) => h.nodeId)).toContain("explain");
  });

  it("summarize-until-short stops at once for a short text and loops (bounded) for a long one", async () => {
    const id = await templateId(SUMMARIZE_LOOP_SLUG);
    const short = await execute({ type: "TEMPLATE", templateId: id, input: { message: "Already short." } }, { userId });
    expect(short.output.message).toBe("Already short.");
    expect(short.history.filter((h) => h.nodeId === "shorten")).toHaveLength(0);
    const long = await execute(
      { type: "TEMPLATE", templateId: id, input: { message: "long text ".repeat(100) } },
      { userId },
    );
    expect(long.status).toBe("completed");
    const passes = long.history.filter((h) => h.nodeId === "shorten").length;
    expect(passes).toBeGreaterThan(0);
    expect(passes).toBeLessThanOrEqual(5);
  });

  it("human approval pauses for review and sends the draft once approved", async () => {
    const paused = await execute(
      { type: "TEMPLATE", templateId: await templateId(HUMAN_APPROVAL_SLUG), input: { message: "reply to Bob" } },
      { userId },
    );
    expect(paused.status).toBe("paused");
    expect(paused.interrupt?.question).toContain("Send this answer?");
    const sent = await resumeExecution({ executionId: paused.executionId, userId, answer: true });
    expect(sent.output.message).toContain('You said: "reply to Bob"');
  });
});
