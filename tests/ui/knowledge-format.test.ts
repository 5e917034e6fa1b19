import { describe, expect, it } from "vitest";
import { countOf, documentKind, fileTooLarge, formatBytes } from "@/components/knowledge/format";
import { KNOWLEDGE_LIMITS } from "@/lib/contracts/knowledge";

describe("knowledge page formatting", () => {
  it("writes sizes in binary units, one decimal below ten", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(1024)).toBe("1 KB");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(12_345)).toBe("12 KB");
    expect(formatBytes(10 * 1024 * 1024)).toBe("10 MB");
    expect(formatBytes(3.4 * 1024 * 1024)).toBe("3.4 MB");
    expect(formatBytes(1024 ** 3 * 2)).toBe("2 GB");
    expect(formatBytes(Number.NaN)).toBe("0 B");
  });

  it("counts with the right noun", () => {
    expect(countOf(1, "chunk")).toBe("1 chunk");
    expect(countOf(0, "document")).toBe("0 documents");
    expect(countOf(1204, "document")).toBe("1,204 documents");
  });

  it("names a document's source by its MIME type", () => {
    expect(documentKind("text/markdown")).toBe("Markdown");
    expect(documentKind("application/pdf")).toBe("PDF");
    expect(documentKind("text/plain")).toBe("Text");
    expect(documentKind("text/csv")).toBe("text/csv");
  });

  it("refuses a file over the API's cap before it is sent, and only then", () => {
    expect(fileTooLarge({ name: "a.md", size: KNOWLEDGE_LIMITS.fileMaxBytes })).toBeNull();
    expect(fileTooLarge({ name: "big.pdf", size: KNOWLEDGE_LIMITS.fileMaxBytes + 1 })).toBe(
      '"big.pdf" is 10 MB: a file may be at most 10 MB.',
    );
  });
});
