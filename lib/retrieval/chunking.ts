/**
 * Splits a document into overlapping chunks for full-text search. Chunks end on paragraph or sentence
 * boundaries (never mid-word), stay within `size` characters, and repeat the previous chunk's last
 * sentences (up to `overlap` characters) so a fact that straddles a boundary is still found whole.
 * Pure and client-safe: the document upload preview can show the same chunks the server stores.
 */
export interface ChunkOptions {
  /** Maximum characters per chunk. */
  size?: number;
  /** Characters of trailing sentences repeated at the start of the next chunk. */
  overlap?: number;
}

export const DEFAULT_CHUNK_SIZE = 800;
export const DEFAULT_CHUNK_OVERLAP = 150;

interface Unit {
  text: string;
  /** First sentence of a paragraph: joined with a blank line rather than a space. */
  startsParagraph: boolean;
}

/** Paragraphs → sentences → (for monster sentences) word-boundary pieces no longer than `size`. */
function toUnits(text: string, size: number): Unit[] {
  const units: Unit[] = [];
  const paragraphs = text
    .replace(/\r\n?/g, "\n")
    .split(/\n[ \t]*\n+/)
    .map((p) => p.replace(/\s+/g, " ").trim())
    .filter(Boolean);
  for (const paragraph of paragraphs) {
    // A sentence ends at . ! or ? (optionally followed by a closing quote or bracket) before whitespace.
    const sentences = paragraph.split(/(?<=[.!?]["')\]]?)\s+(?=\S)/);
    sentences.forEach((sentence, i) => {
      const pieces = sentence.length <= size ? [sentence] : splitByWords(sentence, size);
      pieces.forEach((piece, j) => {
        units.push({ text: piece, startsParagraph: i === 0 && j === 0 });
      });
    });
  }
  return units;
}

function splitByWords(sentence: string, size: number): string[] {
  const pieces: string[] = [];
  let current = "";
  for (const word of sentence.split(" ")) {
    // A single "word" longer than a chunk (a URL, base64) is cut hard: nothing else fits it.
    for (let w = word; w.length > 0; w = w.slice(size)) {
      const part = w.slice(0, size);
      if (current && current.length + 1 + part.length > size) {
        pieces.push(current);
        current = part;
      } else {
        current = current ? `${current} ${part}` : part;
      }
    }
  }
  if (current) pieces.push(current);
  return pieces;
}

function join(units: Unit[]): string {
  return units.map((u, i) => (i === 0 ? u.text : `${u.startsParagraph ? "\n\n" : " "}${u.text}`)).join("");
}

function joinedLength(units: Unit[]): number {
  return units.reduce((n, u, i) => n + u.text.length + (i === 0 ? 0 : u.startsParagraph ? 2 : 1), 0);
}

/** Characters of the paragraph that starts at `units[start]`. */
function paragraphLength(units: Unit[], start: number): number {
  let end = start + 1;
  while (end < units.length && !units[end]!.startsParagraph) end++;
  return joinedLength(units.slice(start, end));
}

export function splitIntoChunks(text: string, options: ChunkOptions = {}): string[] {
  const size = options.size ?? DEFAULT_CHUNK_SIZE;
  const overlap = Math.min(options.overlap ?? DEFAULT_CHUNK_OVERLAP, Math.floor(size / 2));
  const units = toUnits(text, size);
  const chunks: string[] = [];
  let current: Unit[] = [];
  /** How many units at the head of `current` repeat the previous chunk. */
  let carried = 0;

  const flush = () => {
    if (current.length > carried) chunks.push(join(current));
    // Carry whole trailing sentences that fit in the overlap budget.
    const tail: Unit[] = [];
    for (let i = current.length - 1; i >= 0; i--) {
      const candidate = [current[i]!, ...tail];
      if (joinedLength(candidate) > overlap || candidate.length >= current.length) break;
      tail.unshift(current[i]!);
    }
    current = tail.map((u, i) => (i === 0 ? { ...u, startsParagraph: false } : u));
    carried = current.length;
  };

  for (const [index, unit] of units.entries()) {
    let next = [...current, unit];
    const full = joinedLength(next) > size;
    // Prefer a paragraph boundary: start a new chunk rather than cut the coming paragraph in two,
    // unless the current chunk is still less than half full.
    const paragraphWontFit =
      unit.startsParagraph &&
      joinedLength(current) >= size / 2 &&
      joinedLength(current) + 2 + paragraphLength(units, index) > size;
    if (current.length > carried && (full || paragraphWontFit)) {
      flush();
      next = [...current, unit];
    }
    // Even after a flush, the carried overlap may leave no room: drop it rather than exceed the size.
    if (joinedLength(next) > size) {
      current = [];
      carried = 0;
      next = [unit];
    }
    current = next;
  }
  if (current.length > carried) chunks.push(join(current));
  return chunks;
}
