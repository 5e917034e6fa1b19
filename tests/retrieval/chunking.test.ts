import { describe, expect, it } from "vitest";
import { splitIntoChunks } from "@/lib/retrieval/chunking";

/** 60 numbered sentences in paragraphs of 5: every sentence is unique and easy to find. */
function numberedText(): { text: string; sentences: string[] } {
  const sentences = Array.from(
    { length: 60 },
    (_, i) => `Sentence number ${i + 1} talks about topic ${String.fromCharCode(65 + (i % 26))} in some detail.`,
  );
  const paragraphs = [];
  for (let i = 0; i < sentences.length; i += 5) paragraphs.push(sentences.slice(i, i + 5).join(" "));
  return { text: paragraphs.join("\n\n"), sentences };
}

describe("splitIntoChunks", () => {
  it("keeps a short text in one chunk, whitespace normalised", () => {
    expect(splitIntoChunks("  Hello   world.\r\n\r\nSecond   paragraph.  ")).toEqual([
      "Hello world.\n\nSecond paragraph.",
    ]);
  });

  it("returns nothing for empty text", () => {
    expect(splitIntoChunks(" \n\n \t ")).toEqual([]);
  });

  it("cuts ~800-character chunks on sentence boundaries, never mid-word", () => {
    const { text, sentences } = numberedText();
    const chunks = splitIntoChunks(text);
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(800);
      expect(chunk.length).toBeGreaterThan(400);
      expect(chunk.startsWith("Sentence number ")).toBe(true);
      expect(chunk.endsWith("in some detail.")).toBe(true);
    }
    // Every sentence survives, whole, in some chunk.
    for (const s of sentences) expect(chunks.some((c) => c.includes(s))).toBe(true);
  });

  it("overlaps consecutive chunks by their boundary sentences", () => {
    const { text } = numberedText();
    const chunks = splitIntoChunks(text, { size: 800, overlap: 150 });
    for (let i = 1; i < chunks.length; i++) {
      // The new chunk opens with the previous chunk's closing sentences (whole), at most 150 characters.
      const firstSentence = /^.*?detail\./.exec(chunks[i]!)![0];
      const previous = chunks[i - 1]!;
      const overlap = previous.slice(previous.lastIndexOf(firstSentence));
      expect(previous.includes(firstSentence)).toBe(true);
      expect(chunks[i]!.startsWith(overlap)).toBe(true);
      expect(overlap.length).toBeGreaterThan(0);
      expect(overlap.length).toBeLessThanOrEqual(150);
      expect(chunks[i]!.length).toBeGreaterThan(overlap.length);
    }
  });

  it("without overlap, chunks partition the sentences in order", () => {
    const { text, sentences } = numberedText();
    const chunks = splitIntoChunks(text, { overlap: 0 });
    const rejoined = chunks.join(" ").replace(/\n\n/g, " ");
    expect(rejoined).toBe(sentences.join(" "));
  });

  it("splits a sentence longer than a chunk at word boundaries", () => {
    const words = Array.from({ length: 400 }, (_, i) => `word${i}`);
    const chunks = splitIntoChunks(words.join(" "), { size: 200, overlap: 0 });
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(200);
    expect(chunks.join(" ").split(" ")).toEqual(words);
  });

  it("cuts a single enormous token hard rather than exceed the size", () => {
    const chunks = splitIntoChunks("x".repeat(2000), { size: 800 });
    expect(chunks.map((c) => c.length)).toEqual([800, 800, 400]);
  });
});
