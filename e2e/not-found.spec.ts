/**
 * Pages for an id that names nothing (missing, or another user's) answer HTTP 404 with the not-found page —
 * not a 200 whose body happens to say "Page not found" because a loading skeleton was streamed first.
 */
import { AuthPages, expect, newCredentials, test } from "./fixtures";

/** A well-formed id (a ULID) that names no row. */
const MISSING = "01ARZ3NDEKTSV4RRFFQ69G5FAV";

const PAGES = ["/workflows", "/executions", "/knowledge", "/chat"] as const;

test.describe("pages of missing things", () => {
  test("a missing workflow, run, knowledge base or conversation answers 404 with the not-found page", async ({
    page,
    auth,
  }) => {
    await auth.signUp(newCredentials("missing"));
    await expect(page).toHaveURL(/\/workflows/);

    for (const base of PAGES) {
      for (const id of [MISSING, "not-an-id"]) {
        // Real HTTP with the signed-in session, as a browser's first request for the page makes it.
        const response = await page.request.get(`${base}/${id}`, { maxRedirects: 0 });
        expect(response.status(), `${base}/${id}`).toBe(404);
        expect(await response.text(), `${base}/${id}`).toContain("Page not found");
      }
      const navigation = await page.goto(`${base}/${MISSING}`);
      expect(navigation?.status(), `navigating to ${base}/${MISSING}`).toBe(404);
      await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    }
  });

  test("a page that exists still answers 200, and another user's is as missing as a deleted one", async ({
    page,
    auth,
    browser,
  }) => {
    await auth.signUp(newCredentials("owner"));
    await expect(page).toHaveURL(/\/workflows/);
    const created = await page.request.post("/api/knowledge-bases", { data: { name: "Owned" } });
    expect(created.status()).toBe(201);
    const id = (await created.json()).knowledgeBase.id as string;
    expect((await page.request.get(`/knowledge/${id}`)).status()).toBe(200);

    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await new AuthPages(otherPage).signUp(newCredentials("stranger"));
    await expect(otherPage).toHaveURL(/\/workflows/);
    expect((await otherPage.request.get(`/knowledge/${id}`)).status()).toBe(404);
    await other.close();
  });
});
