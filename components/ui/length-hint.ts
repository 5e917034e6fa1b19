/**
 * When and how a text field shows its limit: from 80% of the way there, "182/200", and at the limit, that it
 * is reached (the field's maxLength stops typing there, and a longer paste is cut: the count says so).
 * Framework-free; the limits themselves come from the API's contracts (lib/contracts).
 */

/** The share of a limit from which its count shows. */
export const LENGTH_HINT_FROM = 0.8;

export interface LengthHint {
  /** What the field shows beside itself: "182/200". */
  text: string;
  /** The whole sentence, for screen readers and tooltips. */
  label: string;
  /** The limit is reached: nothing more can be typed. */
  atLimit: boolean;
}

export function lengthHint(length: number, max: number): LengthHint | null {
  if (max <= 0 || length < Math.ceil(max * LENGTH_HINT_FROM)) return null;
  const atLimit = length >= max;
  return {
    text: `${length}/${max}`,
    label: atLimit
      ? `${length} of ${max} characters: the limit is reached`
      : `${length} of ${max} characters, ${max - length} left`,
    atLimit,
  };
}
