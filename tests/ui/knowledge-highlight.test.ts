/** "Test retrieval": the question's words marked in a passage, as text pieces (never HTML), and the panel's first render. */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { highlightPieces, queryStems, roughStem } from "@/components/knowledge/highlight";
import { RetrievalTest } from "@/components/knowledge/retrieval-test";
import { KNOWLEDGE_LIMITS } from "@/lib/contracts/knowledge";

const marked = (text: string, query: string) =>
  highlightPieces(text, query)
    .filter((p) => p.match)
    .map((p) => p.text);

describe("highlightPieces", () => {
  it("marks the question's words, case-insensitively and with their other forms", () => {
    const text = "Refunds are paid back within five business days. A refund starts once the parcel is checked.";
    expect(marked(text, "When is my REFUND paid?")).toEqual(["Refunds", "paid", "refund"]);
    expect(marked(text, "checking parcels")).toEqual(["parcel", "checked"]);
  });

  it("gives the text back whole, in order, with neighbouring plain text merged", () => {
    const text = "Parcels leave the warehouse within two working days.\n\nTracking numbers arrive by email.";
    const pieces = highlightPieces(text, "warehouse tracking");
    expect(pieces.map((p) => p.text).join("")).toBe(text);
    expect(pieces).toEqual([
      { text: "Parcels leave the ", match: false },
      { text: "warehouse", match: true },
      { text: " within two working days.\n\n", match: false },
      { text: "Tracking", match: true },
      { text: " numbers arrive by email.", match: false },
    ]);
  });

  it("marks whole words only, and not the stop words the search ignores", () => {
    expect(marked("The theme of the day", "the")).toEqual([]);
    expect(marked("cart carton carts", "cart")).toEqual(["cart", "carts"]);
    expect(marked("no match here", "zebra")).toEqual([]);
    expect(highlightPieces("as is", "   ")).toEqual([{ text: "as is", match: false }]);
    expect(highlightPieces("", "anything")).toEqual([]);
  });

  it("treats markup and regex characters as plain text", () => {
    const text = "<img src=x onerror=alert(1)> costs $5 (a+b)*";
    const pieces = highlightPieces(text, "(a+b)* img");
    expect(pieces.map((p) => p.text).join("")).toBe(text);
    expect(marked(text, "(a+b)* img")).toEqual(["img"]);
  });

  it("stems roughly and keeps short words whole", () => {
    expect(roughStem("Refunds")).toBe("refund");
    expect(roughStem("working")).toBe("work");
    expect(roughStem("bus")).toBe("bus");
    expect([...queryStems("How are refunds paid?")]).toEqual(["refund", "paid"]);
  });
});

describe("RetrievalTest panel (server render)", () => {
  const render = (documentCount: number) =>
    renderToStaticMarkup(
      createElement(
        QueryClientProvider,
        { client: new QueryClient() },
        createElement(RetrievalTest, { knowledgeBaseId: "01ARZ3NDEKTSV4RRFFQ69G5FAV", documentCount }),
      ),
    );

  it("asks for a document first when the base has none", () => {
    const html = render(0);
    expect(html).toContain('data-testid="retrieval-empty"');
    expect(html).toContain("Add a document first");
    expect(html).not.toContain('data-testid="retrieval-query"');
  });

  it("offers the question and the node's default number of results", () => {
    const html = render(2);
    expect(html).toContain('data-testid="retrieval-query"');
    expect(html).toContain('data-testid="retrieval-run"');
    expect(html).toContain(`value="${KNOWLEDGE_LIMITS.defaultTopK}"`);
    expect(html).not.toContain('data-testid="retrieval-result"');
  });
});
