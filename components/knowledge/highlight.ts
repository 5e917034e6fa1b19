/**
 * Which words of a retrieved passage the question asked about, for "Test retrieval". The search matches
 * stemmed words (PostgreSQL's english configuration), so a word matches a question word with the same
 * rough stem ("refunds" for "refund"); common words the search ignores are not marked. Pure: the panel
 * renders the pieces as text nodes and <mark>s, never as HTML. Client-safe.
 */

export interface TextPiece {
  text: string;
  match: boolean;
}

/** Words the full-text search drops as stop words: marking them would light up every passage. */
const STOP_WORDS = new Set(
  (
    "a an and are as at be been but by can could did do does for from had has have how i if in into is it its " +
    "me my no not of on or our so than that the their them then there these they this to was we were what " +
    "when where which who why will with would you your"
  ).split(" "),
);

const WORD = /[\p{L}\p{N}]+/gu;
const SUFFIXES = ["ing", "ed", "es", "s", "ly"];

/** A rough stem: the lower-case word without one common English suffix (keeping at least three letters). */
export function roughStem(word: string): string {
  const lower = word.toLowerCase();
  for (const suffix of SUFFIXES) {
    if (lower.endsWith(suffix) && lower.length - suffix.length >= 3) return lower.slice(0, -suffix.length);
  }
  return lower;
}

/** The stems of the question's words worth marking. */
export function queryStems(query: string): Set<string> {
  const words = query.match(WORD) ?? [];
  return new Set(words.filter((w) => w.length > 1 && !STOP_WORDS.has(w.toLowerCase())).map(roughStem));
}

/** `text` cut into pieces, in order, the words matching the question's flagged; joined they give `text` back. */
export function highlightPieces(text: string, query: string): TextPiece[] {
  const stems = queryStems(query);
  const pieces: TextPiece[] = [];
  const push = (piece: string, match: boolean) => {
    if (!piece) return;
    const last = pieces.at(-1);
    if (last && !last.match && !match) last.text += piece;
    else pieces.push({ text: piece, match });
  };
  let at = 0;
  if (stems.size > 0) {
    for (const found of text.matchAll(WORD)) {
      if (!stems.has(roughStem(found[0]))) continue;
      push(text.slice(at, found.index), false);
      push(found[0], true);
      at = found.index + found[0].length;
    }
  }
  push(text.slice(at), false);
  return pieces;
}
