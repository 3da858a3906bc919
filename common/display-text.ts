/**
 * The one rule for showing text Corelog did not write itself (Dougal remarks, label and project
 * names, QC tests, Imago workspace, hole and attribute names, users' own remarks) on screen, in
 * reports and their PDFs: what is shown is what is there, and it cannot change what is around it.
 *
 * Why: React already stops markup from running, but not the characters that rearrange or hide
 * text. A right-to-left override in a hole name makes `evil<U+202E>fdp.exe` read as `evilexe.pdf` and
 * flips Corelog's own words after it (a report's "(eq24301)" printed as "(10342qe)"); a zero-width
 * space makes `DH<U+200B>-01` look exactly like another hole `DH-01`; NUL and half surrogate pairs show
 * as nothing. Those become a visible U+FFFD, so the reader sees that something is there. Text in a
 * right-to-left script is kept as written but isolated (FSI…PDI), so it never reorders the words
 * and numbers beside it. Values of the wrong type from a server (a number for a name) are shown
 * as text instead of failing the screen.
 *
 * Only for showing: stored text, edit boxes and what is sent to a server keep every character.
 */

/** Shown in place of a character that would hide or rearrange text. */
export const SHOWN_FOR_HIDDEN = '\uFFFD';

/**
 * C0 controls other than tab and line feed, DEL, C1 controls; bidi embeddings, overrides and
 * isolates (U+202A–U+202E, U+2066–U+2069); invisible spaces and joiners that separate nothing
 * visible (U+200B zero-width space, U+2060 word joiner, U+FEFF, U+180E); half surrogate pairs.
 * U+200C/U+200D (ZWNJ/ZWJ) stay: Persian and Indic words and emoji sequences need them.
 */
const HIDDEN =
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be shown
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u200B\u2060\uFEFF\u180E]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Letters of right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko… and their forms). */
const RIGHT_TO_LEFT = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFC]|\uD802[\uDC00-\uDFFF]|\uD83A[\uDC00-\uDFFF]/;

export interface DisplayTextOptions {
  /**
   * Most characters (user-perceived: an emoji or a letter with its accents is one) to show; the
   * rest is said as "… (+N characters)". Default: everything (reports print every character).
   */
  maxCharacters?: number;
  /** How a cut is marked: how much was left out (default), or only "…" where there is no room (a strip log column). */
  cutMark?: 'count' | 'ellipsis';
}

/** Any value from a server or a user as text fit to show (see the module comment). */
export function displayText(value: unknown, options: DisplayTextOptions = {}): string {
  const text = asText(value).replace(HIDDEN, SHOWN_FOR_HIDDEN);
  const cut = options.maxCharacters === undefined ? text : cutAt(text, Math.max(1, options.maxCharacters), options.cutMark ?? 'count');
  return RIGHT_TO_LEFT.test(cut) ? `\u2068${cut}\u2069` : cut;
}

/** A string, a number or a flag as it reads; anything else as JSON; null and undefined as nothing. */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return String(value);
  }
}

/**
 * The first `max` user-perceived characters, never half an emoji or a letter without its accent,
 * then how many code points (what a user would count as characters, near enough) were left out. Only a bounded head of the text is segmented, so
 * 100,000 characters (or a letter under a thousand accents) cost little.
 */
function cutAt(text: string, max: number, mark: 'count' | 'ellipsis'): string {
  // Fewer UTF-16 units than `max` means fewer characters too: nothing to cut.
  if (text.length <= max) return text;
  const head = text.slice(0, max * 8 + 64);
  let end = -1;
  let count = 0;
  let lastWhole = 0;
  for (const { index } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(head)) {
    if (count === max) {
      end = index;
      break;
    }
    lastWhole = index;
    count += 1;
  }
  if (end === -1) {
    // The head ended first: all of it fits, or its last character may go on past the head.
    if (head.length === text.length) return text;
    end = lastWhole;
  }
  if (end >= text.length) return text;
  if (mark === 'ellipsis') return `${text.slice(0, end)}…`;
  return `${text.slice(0, end)}… (+${codePoints(text, end).toLocaleString('en-US')} characters)`;
}

/** How many code points `text` has from `start` on (a surrogate pair counts once). */
function codePoints(text: string, start: number): number {
  let count = 0;
  for (let i = start; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xdc00 || unit > 0xdfff || i === start) count += 1;
  }
  return count;
}
