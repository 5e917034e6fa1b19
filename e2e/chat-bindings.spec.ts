/**
 * Issue 14, items 2, 10 and 11 in the browser:
 * - "Chat with it" opens a chat already answering from that knowledge base (header and input say so, no
 *   picker pops up), a reload before sending keeps it, the first question retrieves from it, and the
 *   user's workflow list gains nothing;
 * - a rejected approval reads as rejected, its draft withheld, live and after a reload;
 * - the workflow list marks a draft with errors and shows the last run's status and time whole.
 * Screenshots at 1440×900 go to E2E_SHOTS (when set) for a person to look at.
 */
import path from "node:path";
import type { Page } from "@playwright/test";
import { chatTest as test, expect, newCredentials } from "./fixtures";

test.use({ viewport: { width: 1440, height: 900 } });

async function shot(page: Page, name: string) {
  const dir = process.env.E2E_SHOTS;
  if (dir) await page.screenshot({ path: path.join(dir, `${name}.png`) });
}

test.describe("chat bindings", () => {
  test("“Chat with it” answers from that knowledge base, before and after a reload, and adds no workflow", async ({
    page,
    auth,
    chat,
    chatApi,
  }) => {
    await auth.signUp(newCredentials("kbchat"));
    await expect(page).toHaveURL(/\/workflows/);
    const kbId = await chatApi.createKnowledgeBase("Handbook", {
      title: "Holidays",
      text: "Every employee gets twenty-eight days of paid holiday per year, taken in blocks of at least one day.",
    });

    await page.goto(`/knowledge/${kbId}`);
    await page.getByTestId("knowledge-chat").click();
    await expect(page).toHaveURL(/\/chat\?template=[0-9A-Z]{26}&knowledgeBase=[0-9A-Z]{26}$/);
    await expect(page.getByTestId("chat-app")).toHaveAttribute("data-ready", "true");
    await expect(chat.answererName()).toHaveText("Knowledge base Q&A · Handbook");
    await expect(chat.input()).toHaveAttribute("placeholder", "Message Knowledge base Q&A · Handbook…");
    await expect(page.getByTestId("answerer-menu")).toHaveCount(0);
    await shot(page, "kb-chat-arrival");

    // A reload before sending keeps the choice (it is in the address).
    await page.reload();
    await expect(page.getByTestId("chat-app")).toHaveAttribute("data-ready", "true");
    await expect(chat.answererName()).toHaveText("Knowledge base Q&A · Handbook");
    await expect(page.getByTestId("answerer-menu")).toHaveCount(0);

    // The first question retrieves from it.
    await chat.send("How many days of paid holiday do employees get?");
    const answer = await chat.waitForAnswer();
    await expect(answer.getByTestId("citation")).toHaveCount(1);
    await expect(answer.getByTestId("citation")).toContainText("Holidays");
    await expect(page).toHaveURL(/\/chat\/[0-9A-Z]{26}$/);
    await shot(page, "kb-chat-answer");

    // The conversation stays bound after a reload, and answers from the base again.
    await page.reload();
    await expect(chat.answererName()).toHaveText("Knowledge base Q&A · Handbook");
    await expect(chat.assistantMessages().first()).toContainText("Knowledge base Q&A · Handbook");
    await expect(page.getByTestId("conversation-totals")).toHaveText(/^2 messages · \d[\d,]* tokens?$/);

    // Nothing was added to the user's workflows.
    const workflows = await page.request.get("/api/workflows");
    expect((await workflows.json()).workflows).toEqual([]);
    await page.goto("/workflows");
    await expect(page.getByText("No workflows yet")).toBeVisible();
  });

  test("a Q&A chat opened without its knowledge base says so and asks for one; the choice survives a reload", async ({
    page,
    auth,
    chat,
    chatApi,
  }) => {
    await auth.signUp(newCredentials("kbpick"));
    await expect(page).toHaveURL(/\/workflows/);
    await chatApi.createKnowledgeBase("Handbook", { title: "Holidays", text: "Twenty-eight days of paid holiday." });
    const templates = (await (await page.request.get("/api/templates")).json()).templates as Array<{
      id: string;
      slug: string | null;
    }>;
    const rag = templates.find((t) => t.slug === "rag-qa")!.id;

    // The templates gallery's "Chat": the header names the template, never "Universal chat", and the picker asks.
    await page.goto(`/chat?template=${rag}`);
    await expect(page.getByTestId("chat-app")).toHaveAttribute("data-ready", "true");
    await expect(chat.answererName()).toHaveText("Knowledge base Q&A");
    await expect(page.getByTestId("knowledge-base-choices")).toBeVisible();
    await expect(chat.input()).toHaveAttribute("placeholder", "Choose a knowledge base for Knowledge base Q&A above…");
    await shot(page, "kb-chat-asks");

    await page.getByTestId("knowledge-base-option").filter({ hasText: "Handbook" }).click();
    await expect(chat.answererName()).toHaveText("Knowledge base Q&A · Handbook");
    await expect(page).toHaveURL(new RegExp(`/chat\\?template=${rag}&knowledgeBase=[0-9A-Z]{26}$`));
    await page.reload();
    await expect(chat.answererName()).toHaveText("Knowledge base Q&A · Handbook");
    await expect(page.getByTestId("answerer-menu")).toHaveCount(0);
  });

  test("a rejected approval reads as rejected, its draft withheld, live and after a reload", async ({
    page,
    auth,
    chat,
  }) => {
    await auth.signUp(newCredentials("reject"));
    await expect(page).toHaveURL(/\/workflows/);
    await chat.open();
    await chat.chooseAnswerer("Human approval");
    await chat.send("Tell me the secret plan");
    const asking = await chat.waitForAnswer("waiting");
    const step = asking.getByTestId("human-step");
    await expect(step).toHaveAttribute("data-state", "open");
    await expect(step).toContainText("Tell me the secret plan");
    await step.getByTestId("human-reject").click();

    const check = async () => {
      const rejected = chat.assistantMessages().first().getByTestId("human-step");
      await expect(rejected).toHaveAttribute("data-outcome", "rejected");
      await expect(rejected.getByTestId("human-outcome")).toHaveText("Rejected");
      await expect(chat.page.getByText("Answered", { exact: false })).toHaveCount(0);
      // The draft is folded away, marked withheld; it shows only when asked for.
      const draft = rejected.getByTestId("withheld-draft");
      await expect(draft).toContainText("Withheld");
      await expect(draft.getByText("Tell me the secret plan")).toBeHidden();
      await expect(chat.lastAnswer()).toContainText("The draft answer was not approved.");
    };
    await expect(chat.assistantMessages()).toHaveCount(2);
    await chat.waitForAnswer();
    await check();
    await shot(page, "approval-rejected");

    await page.reload();
    await expect(chat.assistantMessages()).toHaveCount(2);
    await check();
    await chat.assistantMessages().first().getByTestId("withheld-draft").locator("summary").click();
    await expect(
      chat.assistantMessages().first().getByTestId("withheld-draft").getByText("Tell me the secret plan"),
    ).toBeVisible();
    await shot(page, "approval-rejected-draft-shown");
  });

  test("the workflow list marks drafts with errors and shows the last run whole", async ({ page, auth, chatApi }) => {
    await auth.signUp(newCredentials("list"));
    await expect(page).toHaveURL(/\/workflows/);
    const valid = await chatApi.createSlowWorkflow("Storyteller");
    await chatApi.createBrokenWorkflow("Half-built flow");
    const run = await page.request.post("/api/executions", {
      data: { type: "DEFINITION", definitionId: valid, input: { message: "hi" } },
    });
    expect(run.ok()).toBe(true);

    await page.goto("/workflows");
    const rows = page.getByTestId("workflow-row");
    await expect(rows).toHaveCount(2);
    const broken = rows.filter({ hasText: "Half-built flow" });
    const good = rows.filter({ hasText: "Storyteller" });
    await expect(broken.getByTestId("workflow-invalid")).toHaveText("Draft · has errors");
    await expect(good.getByTestId("workflow-invalid")).toHaveCount(0);

    const lastRun = good.getByTestId("last-run");
    await expect(lastRun).toContainText("completed");
    await expect(lastRun.locator("time")).toHaveText(/ago|just now/);
    // Nothing in the cell is cut: every part is as wide as its text.
    const clipped = await lastRun.evaluate((cell) =>
      [cell, ...cell.querySelectorAll("*")].some((el) => el.scrollWidth > el.clientWidth + 1),
    );
    expect(clipped).toBe(false);
    await shot(page, "workflow-list");
  });
});
