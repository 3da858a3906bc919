/**
 * The one rule for free text Corelog sends to a server (event remarks, attribute notes, hole and
 * interval names): no NUL and no other C0 control characters except tab and newline.
 *
 * Why: Dougal stores text in PostgreSQL, which refuses NUL in `text` columns with a 5xx; a client
 * that sent it would retry that item forever. Other controls (bell, escape, form feed…) arrive
 * from pasted terminal output or barcode scanners and are never meant. Windows line ends (CR LF)
 * and lone CRs are normalised to LF rather than refused, since every paste from Windows has them.
 *
 * Forms call `freeTextProblem` to show a message at the field; main validates bridge input with
 * `freeTextSchema`, so a renderer bug or a hostile page cannot get such text to a server either.
 */
import { z } from 'zod';

/**
 * C0 controls other than tab (U+0009) and line feed (U+000A), plus DEL (U+007F); CR is handled by
 * normalisation. Also a lone UTF-16 surrogate: not a character at all, it cannot be sent as UTF-8
 * or put in a URL (encodeURIComponent throws), and arrives only from a broken paste or a hostile page.
 */
const LONE_SURROGATE = '[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';
const FORBIDDEN_CONTROL = new RegExp(`[\\u0000-\\u0008\\u000B-\\u001F\\u007F]|${LONE_SURROGATE}`);
const FORBIDDEN_CONTROL_GLOBAL = new RegExp(FORBIDDEN_CONTROL.source, 'g');
const FORBIDDEN_SINGLE_LINE = new RegExp(`[\\u0000-\\u001F\\u007F]|${LONE_SURROGATE}`);

export interface FreeTextRules {
  /** Most characters allowed (after normalisation). */
  maxLength: number;
  /** Whether line breaks are allowed (remarks: yes; names: no). Default true. */
  multiline?: boolean;
  /** What the field is called in messages, e.g. "Remarks". Default "The text". */
  label?: string;
}

/** CR LF and lone CR become LF: the only line end servers get. */
export function normaliseLineEnds(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** The text with line ends normalised and every forbidden control removed (for pasted input). */
export function cleanFreeText(text: string, multiline = true): string {
  const normalised = normaliseLineEnds(text).replace(FORBIDDEN_CONTROL_GLOBAL, '');
  return multiline ? normalised : normalised.replace(/[\n\t]+/g, ' ');
}

/** The first forbidden character and where it is, or null when the text is clean. */
export function firstForbiddenCharacter(text: string, multiline = true): { index: number; codePoint: string } | null {
  const normalised = normaliseLineEnds(text);
  const pattern = multiline ? FORBIDDEN_CONTROL : FORBIDDEN_SINGLE_LINE;
  const match = pattern.exec(normalised);
  if (!match) return null;
  return { index: match.index, codePoint: `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` };
}

/** A message for the field when the text breaks the rule, or null when it may be sent. */
export function freeTextProblem(text: string, rules: FreeTextRules): string | null {
  const label = rules.label ?? 'The text';
  const multiline = rules.multiline ?? true;
  const forbidden = firstForbiddenCharacter(text, multiline);
  if (forbidden) {
    const code = forbidden.codePoint;
    const what =
      code === 'U+0000'
        ? 'a NUL character'
        : code === 'U+000A' || code === 'U+0009'
          ? 'a line break or tab'
          : code >= 'U+D800' && code <= 'U+DFFF'
            ? `a broken character (${code}, half of a pair)`
            : `a control character (${code})`;
    return `${label} contains ${what} at position ${forbidden.index + 1}, which the server cannot store. Remove it (pasting again cleans it).`;
  }
  const length = normaliseLineEnds(text).length;
  if (length > rules.maxLength) return tooLongMessage(label, length, rules.maxLength);
  return null;
}

/** Said when text (typed or pasted) is longer than the field holds; nothing is cut silently. */
export function tooLongMessage(label: string, length: number, maxLength: number): string {
  return `${label} is ${length.toLocaleString('en-US')} characters long; at most ${maxLength.toLocaleString('en-US')} can be sent. Shorten it by ${(length - maxLength).toLocaleString('en-US')}.`;
}

/**
 * The bridge's schema for a free-text field: line ends normalised, controls refused with the
 * same message the form shows, length checked after normalisation.
 */
export function freeTextSchema(rules: FreeTextRules) {
  return z
    .string()
    .transform(normaliseLineEnds)
    .superRefine((text, ctx) => {
      const problem = freeTextProblem(text, rules);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}

/**
 * A name a server already has, sent back only to find that thing again (a hole to list, an image
 * to fetch): exactly as the server gave it — neither trimmed nor held to the rule above, which is
 * for text Corelog writes (a hole named elsewhere with 400 characters or a tab must still open).
 * Bounded, and whole characters only: a lone surrogate cannot be put in a URL.
 */
export function existingNameSchema(label = 'The name', maxLength = 4_096) {
  const loneSurrogate = new RegExp(LONE_SURROGATE);
  return z
    .string()
    .min(1, `${label} is empty.`)
    .max(maxLength, `${label} is over ${maxLength.toLocaleString('en')} characters long; no server name is that long.`)
    .refine((text) => !loneSurrogate.test(text), `${label} contains a broken character (half of a UTF-16 pair), which cannot be sent.`);
}
