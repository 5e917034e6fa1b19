import { expect, newCredentials, test } from "./fixtures";

/** Six paragraphs of about 200 characters: more than one 800-character chunk (2 with the default chunking). */
const paragraph = (n: number) =>
  `Section ${n}. Refunds are paid back to the original card within five to seven business days. Orders shipped abroad may take longer to reach the warehouse, and the refund starts once the parcel is checked.`;
const refundPolicy = ["# Refund policy", ...[1, 2, 3, 4, 5, 6].map(paragraph)].join("\n\n");

test.describe("knowledge bases", () => {
  test("a knowledge base is created, filled by upload and paste, pruned, and offered to the Q&A template in the chat", async ({
    page,
    auth,
  }) => {
    await auth.signUp(newCredentials("knowledge"));
    await expect(page).toHaveURL(/\/workflows/);

    await page.getByTestId("nav-knowledge").click();
    await expect(page).toHaveURL(/\/knowledge$/);
    await expect(page.getByTestId("nav-knowledge")).toHaveAttribute("aria-current", "page");
    await expect(page.getByTestId("empty-state")).toContainText("No knowledge bases yet");

    // A name is required: the dialog says so at the field and stays open.
    await page.getByTestId("knowledge-new").click();
    await page.getByTestId("knowledge-create").click();
    await expect(page.getByRole("alert").filter({ hasText: "Give the knowledge base a name" })).toBeVisible();
    await page.getByTestId("knowledge-name").fill("Support handbook");
    await page.getByTestId("knowledge-create").click();
    await expect(page).toHaveURL(/\/knowledge\/[0-9A-Z]{26}$/);
    await expect(page.getByTestId("knowledge-title")).toHaveText("Support handbook");
    await expect(page.getByTestId("empty-state")).toContainText("No documents yet");
    await expect(page.getByTestId("retrieval-empty")).toContainText("Add a document first");
    // No embeddings provider on this server: search matches words, and the page says what to configure.
    await expect(page.getByTestId("embeddings-unavailable")).toContainText("OPENAI_BASE_URL");

    const rows = page.getByTestId("document-row");
    const row = (title: string) =>
      rows.filter({ has: page.getByTestId("document-title").getByText(title, { exact: true }) });

    // A file, as the file input receives it (the drop zone hands dropped files to the same upload).
    await page.getByTestId("document-upload").setInputFiles({
      name: "refund-policy.md",
      mimeType: "text/markdown",
      buffer: Buffer.from(refundPolicy, "utf8"),
    });
    await expect(row("refund-policy")).toBeVisible();
    await expect(row("refund-policy")).toContainText("Markdown");
    await expect(row("refund-policy").getByTestId("document-chunks")).toHaveText("2");
    await expect(page.getByTestId("document-upload-item")).toHaveCount(0);

    // Pasted text.
    await page.getByTestId("document-paste-title").fill("Shipping notes");
    await page
      .getByTestId("document-paste-text")
      .fill("Parcels leave the warehouse within two working days. Tracking numbers arrive by email.");
    await page.getByTestId("document-add").click();
    await expect(row("Shipping notes")).toBeVisible();
    await expect(row("Shipping notes").getByTestId("document-chunks")).toHaveText("1");
    await expect(page.getByTestId("document-paste-title")).toHaveValue("");
    await expect(rows).toHaveCount(2);
    await expect(page.getByTestId("knowledge-stats")).toContainText("2 documents");
    await expect(page.getByTestId("knowledge-stats")).toContainText("3 chunks");

    // Deleting asks first; the other document stays, also after a reload (the server's state).
    await row("Shipping notes").getByTestId("document-delete").click();
    await expect(page.getByTestId("document-delete-dialog")).toContainText("Delete “Shipping notes”?");
    await page.getByTestId("document-delete-confirm").click();
    await expect(row("Shipping notes")).toHaveCount(0);
    await expect(rows).toHaveCount(1);
    await page.reload();
    await expect(rows).toHaveCount(1);
    await expect(row("refund-policy").getByTestId("document-chunks")).toHaveText("2");

    // "Test retrieval": the passages a retrieval node would get, best first, the question's words marked.
    await page.getByTestId("retrieval-query").fill("When are refunds paid back to the card?");
    await page.getByTestId("retrieval-run").click();
    const first = page.getByTestId("retrieval-result").first();
    await expect(first).toContainText("refund-policy");
    await expect(first).toContainText("original card within five to seven business days");
    await expect(
      first
        .locator("mark")
        .filter({ hasText: /^refunds$/i })
        .first(),
    ).toBeVisible();
    await expect(page.getByTestId("retrieval-result")).toHaveCount(2);
    await expect(page.getByTestId("retrieval-mode")).toHaveText("by words");
    await expect(first.getByTestId("retrieval-result-score")).toHaveText(/^0\.\d\d$/);
    await first.getByRole("button", { name: "Show more" }).click();
    await expect(first.getByRole("button", { name: "Show less" })).toHaveAttribute("aria-expanded", "true");
    await page.getByTestId("retrieval-query").fill("quantum chromodynamics");
    await page.getByTestId("retrieval-run").click();
    await expect(page.getByTestId("retrieval-empty")).toContainText("No passage matches “quantum chromodynamics”");
    await expect(page.getByTestId("retrieval-result")).toHaveCount(0);

    // The list shows the base with what it holds.
    await page.getByTestId("nav-knowledge").click();
    await expect(page).toHaveURL(/\/knowledge$/);
    const card = page
      .getByTestId("knowledge-list")
      .getByTestId("knowledge-card")
      .filter({ hasText: "Support handbook" });
    await expect(card).toContainText("1 document");
    await expect(card).toContainText("2 chunks");

    // "Chat with it": a new chat with the Q&A template, already answering from this knowledge base.
    await card.getByRole("link", { name: "Support handbook" }).click();
    await expect(page).toHaveURL(/\/knowledge\/[0-9A-Z]{26}$/);
    await page.getByTestId("knowledge-chat").click();
    await expect(page).toHaveURL(/\/chat\?template=[0-9A-Z]{26}&knowledgeBase=[0-9A-Z]{26}$/);
    await expect(page.getByTestId("answerer-name")).toHaveText("Knowledge base Q&A · Support handbook");
    await expect(page.getByTestId("answerer-menu")).toHaveCount(0);
  });
});
