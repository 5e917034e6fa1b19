/** The sidebar's search highlight: every case-insensitive occurrence in a <mark>, the text never read as HTML. */
import { createElement, Fragment } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { highlightMatches } from "@/components/chat/conversation-sidebar";

const html = (text: string, needle: string) =>
  renderToStaticMarkup(createElement(Fragment, null, ...highlightMatches(text, needle)));

describe("highlightMatches", () => {
  it("marks each occurrence, case-insensitively", () => {
    expect(html("…the Zebra and a zebra…", "ZEBRA")).toBe(
      '…the <mark class="rounded-sm bg-amber-100 px-px text-inherit">Zebra</mark> and a <mark class="rounded-sm bg-amber-100 px-px text-inherit">zebra</mark>…',
    );
    expect(html("no match here", "zebra")).toBe("no match here");
    expect(html("as is", "  ")).toBe("as is");
  });

  it("takes regex characters literally and renders markup as text", () => {
    expect(html("cost is $5 (a+b)*", "(a+b)*")).toContain(
      '<mark class="rounded-sm bg-amber-100 px-px text-inherit">(a+b)*</mark>',
    );
    const markup = html("<img src=x onerror=alert(1)> said <b>hi</b>", "<b>");
    expect(markup).not.toContain("<img");
    expect(markup).not.toContain("<b>");
    expect(markup).toContain(
      '&lt;img src=x onerror=alert(1)&gt; said <mark class="rounded-sm bg-amber-100 px-px text-inherit">&lt;b&gt;</mark>hi&lt;/b&gt;',
    );
  });

  it("matches the snippet's single spaces when the text had several", () => {
    expect(html("the needle is here", "needle   is")).toContain(">needle is</mark>");
  });
});
