import { chatTest as test, expect, newCredentials } from "./fixtures";

test.describe("chat", () => {
  test("a conversation with memory, a stopped answer, a tool step and citations survives a reload and links to its runs", async ({
    page,
    auth,
    chat,
    chatApi,
  }) => {
    await auth.signUp(newCredentials("chat"));
    await expect(page).toHaveURL(/\/workflows/);
    await chatApi.createSlowWorkflow("Slow storyteller");
    await chatApi.createKnowledgeBase("Handbook", {
      title: "Holidays",
      text: "Every employee gets twenty-eight days of paid holiday per year, taken in blocks of at least one day.",
    });

    // A new chat is answered by the universal chat template.
    await chat.open();
    await expect(chat.answererName()).toHaveText("Universal chat");
    await expect(chat.input()).toBeFocused();

    // Two messages: the second answer reflects the first (the model was given the earlier turns).
    await chat.send("My name is Ada.");
    await expect(chat.userMessages()).toHaveCount(1);
    const first = await chat.waitForAnswer();
    await expect(first.getByTestId("markdown")).toContainText('You said: "My name is Ada."');
    await expect(first.getByTestId("message-tokens")).toContainText(/\d+ tokens/);
    await expect(first.getByTestId("message-cost")).toContainText("$");
    await expect(first.getByTestId("message-duration")).toContainText(/\d/);
    // The conversation has an address and a place in the sidebar, titled by its first message.
    await expect(page).toHaveURL(/\/chat\/[0-9A-Z]{26}$/);
    await expect(chat.conversations()).toHaveCount(1);
    await expect(chat.conversations().first()).toContainText("My name is Ada.");
    await expect(chat.input()).toBeFocused();

    await chat.send("What is my name?");
    const second = await chat.waitForAnswer();
    await expect(second.getByTestId("markdown")).toContainText("Earlier messages: 2.");

    // A long answer, stopped mid-stream with Esc: marked stopped, keeping what had arrived.
    await chat.chooseAnswerer("Slow storyteller");
    await chat.send("Tell me a long story");
    await expect(chat.page.getByTestId("chat-stop")).toBeVisible();
    await expect(chat.lastAnswer()).toContainText("Counting slowly: 1 2");
    await chat.input().press("Escape");
    const stopped = await chat.waitForAnswer("stopped");
    await expect(stopped.getByTestId("message-stopped")).toBeVisible();
    await expect(stopped).toContainText("Counting slowly: 1 2");
    await expect(stopped).not.toContainText("99 100.");
    await expect(chat.page.getByTestId("chat-send")).toBeVisible();

    // The tool agent calls a tool: a step shows its name, and opens to its arguments and result.
    await chat.chooseAnswerer("Tool agent");
    await chat.send("use calculator on 6*7");
    const withTool = await chat.waitForAnswer();
    const step = withTool.getByTestId("tool-step");
    await expect(step).toHaveCount(1);
    await expect(step).toContainText("calculator");
    await step.getByRole("button").click();
    await expect(step.getByTestId("tool-step-details")).toContainText('"expression": "6*7"');
    await expect(step.getByTestId("tool-step-details")).toContainText("42");
    await expect(withTool.getByTestId("markdown")).toContainText("calculator returned: 42");

    // Knowledge base Q&A over the Handbook: the answer cites its source.
    await chat.chooseKnowledgeBase("Knowledge base Q&A", "Handbook");
    await chat.send("How many days of paid holiday do employees get?");
    const cited = await chat.waitForAnswer();
    await expect(cited.getByTestId("citation")).toHaveCount(1);
    await expect(cited.getByTestId("citation")).toContainText("Holidays");
    await expect(cited.getByTestId("citation-marker").first()).toHaveText("1");

    // A reload finds the whole conversation as it was.
    const conversationId = await chat.conversationId();
    await page.reload();
    await expect(chat.userMessages()).toHaveCount(5);
    await expect(chat.assistantMessages()).toHaveCount(5);
    const statuses = await chat
      .assistantMessages()
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute("data-status")));
    expect(statuses).toEqual(["complete", "complete", "stopped", "complete", "complete"]);
    await expect(chat.assistantMessages().nth(1)).toContainText("Earlier messages: 2.");
    await expect(chat.assistantMessages().nth(2).getByTestId("message-stopped")).toBeVisible();
    await expect(chat.assistantMessages().nth(2)).toContainText("Counting slowly: 1 2");
    await expect(chat.assistantMessages().nth(3).getByTestId("tool-step")).toContainText("calculator");
    await expect(chat.assistantMessages().nth(4).getByTestId("citation")).toContainText("Holidays");
    // The header names who answered last, for the next message.
    await expect(chat.answererName()).toHaveText("Knowledge base Q&A · Handbook");
    expect(await chat.conversationId()).toBe(conversationId);

    // A message's link opens its run in the monitor.
    const link = chat.assistantMessages().first().getByTestId("message-execution-link");
    const executionId = await chat.assistantMessages().first().getAttribute("data-execution-id");
    expect(executionId).toMatch(/^[0-9A-Z]{26}$/);
    await link.click();
    await expect(page).toHaveURL(new RegExp(`/executions/${executionId}$`));
    await expect(page.getByTestId("nav-executions")).toHaveAttribute("aria-current", "page");
  });

  test("the sidebar searches, renames and deletes conversations; a new chat starts empty", async ({
    page,
    auth,
    chat,
  }) => {
    await auth.signUp(newCredentials("sidebar"));
    await expect(page).toHaveURL(/\/workflows/);
    await chat.open();
    await expect(page.getByTestId("empty-state")).toContainText("Start a conversation");

    // Shift+Enter starts a new line; Enter sends, and the box is ready for the next message.
    await chat.input().pressSequentially("Plan a picnic");
    await chat.input().press("Shift+Enter");
    await chat.input().pressSequentially("for Saturday");
    await expect(chat.input()).toHaveValue("Plan a picnic\nfor Saturday");
    await expect(chat.userMessages()).toHaveCount(0);
    await chat.input().press("Enter");
    await expect(chat.userMessages()).toHaveCount(1);
    await expect(chat.userMessages().first()).toHaveText("Plan a picnic\nfor Saturday");
    await expect(chat.input()).toHaveValue("");
    await expect(chat.input()).toBeFocused();
    await chat.waitForAnswer();
    await page.getByTestId("new-chat").click();
    await expect(page).toHaveURL(/\/chat$/);
    await expect(page.getByTestId("empty-state")).toBeVisible();
    await expect(chat.input()).toBeFocused();
    await chat.send("Summarise the news\nin three bullet points");
    await chat.waitForAnswer();
    await expect(chat.conversations()).toHaveCount(2);
    // Most recent activity first; the title is the first line of the first message.
    await expect(chat.conversations().first()).toContainText("Summarise the news");
    await expect(chat.conversations().nth(1)).toHaveText("Plan a picnic");

    // Search by title.
    await page.getByTestId("conversation-search").fill("picnic");
    await expect(chat.conversations()).toHaveCount(1);
    await expect(chat.conversations().first()).toContainText("Plan a picnic");
    // Search by what was said: the match is shown under the title, the words marked.
    await page.getByTestId("conversation-search").fill("BULLET points");
    await expect(chat.conversations()).toHaveCount(1);
    await expect(chat.conversations().first().getByTestId("conversation-title")).toHaveText("Summarise the news");
    await expect(chat.conversations().first().getByTestId("conversation-match").locator("mark").first()).toHaveText(
      /bullet points/i,
    );
    await page.getByTestId("conversation-search").fill("zebra");
    await expect(page.getByTestId("conversation-search-empty")).toBeVisible();
    await page.getByTestId("conversation-search").fill("");

    // Rename inline (Enter saves); the name sticks after a reload.
    const picnic = chat.conversations().filter({ hasText: "Plan a picnic" });
    await picnic.hover();
    await picnic.getByTestId("conversation-rename").click();
    await page.getByTestId("conversation-rename-input").fill("Saturday picnic");
    await page.getByTestId("conversation-rename-input").press("Enter");
    await expect(chat.conversations().filter({ hasText: "Saturday picnic" })).toHaveCount(1);
    await page.reload();
    await expect(chat.conversations().filter({ hasText: "Saturday picnic" })).toHaveCount(1);

    // Delete asks first; cancelling keeps it, confirming removes it.
    const renamed = chat.conversations().filter({ hasText: "Saturday picnic" });
    await renamed.hover();
    await renamed.getByTestId("conversation-delete").click();
    await expect(page.getByTestId("confirm-delete-dialog")).toContainText("Saturday picnic");
    await page.getByTestId("confirm-delete-dialog").getByRole("button", { name: "Cancel" }).click();
    await expect(chat.conversations()).toHaveCount(2);
    await renamed.hover();
    await renamed.getByTestId("conversation-delete").click();
    await page.getByTestId("confirm-delete").click();
    await expect(chat.conversations()).toHaveCount(1);
    await expect(chat.conversations().first()).toContainText("Summarise the news");
  });

  test("a failed answer shows inline with Retry; retrying with another answerer succeeds", async ({
    page,
    auth,
    chat,
    chatApi,
  }) => {
    await auth.signUp(newCredentials("retry"));
    await expect(page).toHaveURL(/\/workflows/);
    await chatApi.createBrokenWorkflow("Broken draft");
    await chat.open();
    await chat.chooseAnswerer("Broken draft");
    await chat.send("Hello?");
    const failed = chat.lastAnswer();
    await expect(failed).toHaveAttribute("data-status", "error");
    await expect(failed.getByTestId("message-error")).toContainText("not valid");
    // Retrying the same thing fails the same way, in place (not a second error below the first).
    await failed.getByTestId("message-retry-inline").click();
    await expect(chat.assistantMessages()).toHaveCount(1);
    await expect(chat.userMessages()).toHaveCount(1);
    await expect(chat.lastAnswer().getByTestId("message-error")).toBeVisible();
    // With a working answerer the retry answers the same message.
    await chat.chooseAnswerer("Universal chat");
    await chat.lastAnswer().getByTestId("message-retry-inline").click();
    const answer = await chat.waitForAnswer();
    await expect(answer.getByTestId("markdown")).toContainText('You said: "Hello?"');
    await expect(chat.assistantMessages()).toHaveCount(1);
    await expect(chat.userMessages()).toHaveCount(1);
  });

  test("a human approval step waits inline; approving resumes the run and the answer arrives", async ({
    page,
    auth,
    chat,
  }) => {
    await auth.signUp(newCredentials("approve"));
    await expect(page).toHaveURL(/\/workflows/);
    await chat.open();
    await chat.chooseAnswerer("Human approval");
    await chat.send("Draft a thank-you note");
    const waiting = await chat.waitForAnswer("waiting");
    const step = waiting.getByTestId("human-step");
    await expect(step).toHaveAttribute("data-state", "open");
    await expect(step).toContainText("Send this answer?");
    await step.getByTestId("human-approve").click();
    // The approved draft is sent as the answer that follows.
    await expect(chat.assistantMessages()).toHaveCount(2);
    const sent = await chat.waitForAnswer();
    await expect(sent.getByTestId("markdown")).toContainText('You said: "Draft a thank-you note"');
    await expect(chat.assistantMessages().first().getByTestId("human-step")).toHaveAttribute("data-state", "answered");
    await page.reload();
    await expect(chat.assistantMessages()).toHaveCount(2);
    await expect(chat.assistantMessages().first().getByTestId("human-step")).toHaveAttribute("data-state", "answered");
  });

  test("a stream cut mid-answer resumes from its last event: the answer arrives whole, once", async ({
    page,
    auth,
    chat,
    chatApi,
  }) => {
    await auth.signUp(newCredentials("offline"));
    await expect(page).toHaveURL(/\/workflows/);
    await chatApi.createSlowWorkflow("Slow storyteller");
    await chat.open();
    await chat.chooseAnswerer("Slow storyteller");
    // The network cuts the chat's stream after its first 30 events (the connection just ends there);
    // the page must fetch the rest from the run's events, after the last one it got.
    const resumedFrom: string[] = [];
    page.on("request", (request) => {
      if (/\/api\/executions\/[0-9A-Z]{26}\/events$/.test(request.url()))
        resumedFrom.push(request.headers()["last-event-id"] ?? "");
    });
    await page.route("**/api/chat", async (route) => {
      const response = await route.fetch();
      const blocks = (await response.text()).split("\n\n").filter((block) => block.includes("id: "));
      await route.fulfill({
        response,
        body: blocks
          .slice(0, 30)
          .map((block) => `${block}\n\n`)
          .join(""),
      });
    });
    await chat.send("Count for me");
    const answer = await chat.waitForAnswer();
    expect(resumedFrom).toEqual(["30"]);
    const text = (await answer.getByTestId("markdown").textContent()) ?? "";
    expect(text).toContain('You said: "Count for me"');
    // Every number once, in order: nothing lost or repeated at the seam.
    const numbers = text
      .slice(text.indexOf("Counting slowly:") + "Counting slowly:".length)
      .match(/\d+/g)!
      .map(Number);
    expect(numbers).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    await expect(chat.assistantMessages()).toHaveCount(1);
    // The saved copy (after a reload) is the same text.
    await page.reload();
    await expect(chat.lastAnswer().getByTestId("markdown")).toHaveText(text);
  });
});
