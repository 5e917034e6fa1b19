/**
 * The one focus style: a visible indigo ring for keyboard users (`:focus-visible`), nothing on mouse clicks.
 * Shared so every interactive primitive looks the same when tabbed to. Two offsets, as separate strings,
 * because without a class merger two conflicting Tailwind classes resolve by stylesheet order, not by the
 * order they are written in.
 */
const ring = "outline-none focus-visible:outline-2 focus-visible:outline-indigo-500";

/** Ring drawn just outside the element (buttons, standalone links). */
export const focusRing = `${ring} focus-visible:outline-offset-2`;

/** Ring on the element's edge (inputs, list rows, items packed closely together). */
export const focusRingTight = `${ring} focus-visible:outline-offset-0`;
