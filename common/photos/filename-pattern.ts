/**
 * File names that say where a photo belongs, e.g. `FF-DD-0012_102.0_106.8_Wet.jpg` read with the
 * pattern `{hole}_{from}_{to}_{imageType}`. Pure code: the renderer pre-fills each photo's binding
 * with it, and the node tests check it without a browser.
 */
import type { FilenameFields } from '../bridge/photo-contract';

export const DEFAULT_FILENAME_PATTERN = '{hole}_{from}_{to}_{imageType}';

/** What a `{field}` may hold, and how it is tried: shortest first (lazy) or longest first. */
export interface FieldSpec {
  /** The field's whole text must fit this (anchored). */
  fits: RegExp;
  lazy: boolean;
  /** A character the field never holds: a longer text need not be tried. */
  stop?: RegExp;
}

const DEPTH: FieldSpec = { fits: /^\d+(?:[.,]\d+)?$/, lazy: false, stop: /[^\d.,]/ };
const FIELDS: Record<string, FieldSpec> = {
  hole: { fits: /^.+$/, lazy: true, stop: /[\n\r\u2028\u2029]/ },
  from: DEPTH,
  to: DEPTH,
  imageType: { fits: /^[^_]+$/, lazy: true, stop: /_/ },
  any: { fits: /^.*$/, lazy: true, stop: /[\n\r\u2028\u2029]/ },
};

type Token = { literal: string } | { field: string };

/** Longer names are not read at all (a name is at most 255 bytes; a path tail of a few folders fits). */
export const MAX_NAME_CHARS = 1_024;

/** Reads a name with a pattern's tokens: the groups of the fields (not `{any}`), or null. */
export interface NameMatcher {
  exec(subject: string): { groups: Record<string, string> } | null;
}

/**
 * A pattern's `{field}` syntax split into literal text and fields, or the reason it cannot be
 * used; `specs` says what each field may hold. Shared with the archive import's path patterns so
 * both read fields the same way.
 */
export function patternTokens(pattern: string, specs: Record<string, FieldSpec>): { ok: true; tokens: Token[]; fields: Set<string> } | { ok: false; reason: string } {
  const seen = new Set<string>();
  const tokens: Token[] = [];
  // `{any}{any}` skips no more than `{any}` does.
  let rest = pattern.replace(/(?:\{any\})+/g, '{any}');
  while (rest.length > 0) {
    const match = /\{([A-Za-z]+)\}/.exec(rest);
    const literal = match ? rest.slice(0, match.index) : rest;
    if (literal) tokens.push({ literal });
    if (!match) break;
    const field = match[1]!;
    if (!specs[field]) return { ok: false, reason: `unknown field {${field}}; use {hole}, {from}, {to}, {imageType} or {any}` };
    if (field !== 'any' && seen.has(field)) return { ok: false, reason: `{${field}} appears twice` };
    seen.add(field);
    tokens.push({ field });
    rest = rest.slice(match.index + match[0].length);
  }
  return { ok: true, tokens, fields: seen };
}

/**
 * Matches like the regular expression the pattern reads as (`^…$`, literal text in any case,
 * lazy and greedy fields tried in the same order, so the same reading wins), but remembers where
 * the rest of a pattern cannot fit: its work grows with the square of the name's length at most.
 * A regular expression backtracks through every way of splitting the name: a pattern with a few
 * unbounded fields took minutes on one 250-character hostile name, in the dry run and in the
 * import screen's live preview.
 */
export function tokenMatcher(tokens: readonly Token[], specs: Record<string, FieldSpec>): NameMatcher {
  return {
    exec(subject) {
      const n = subject.length;
      // No file system names a file this long (255 bytes a name); the work would grow with it.
      if (n > MAX_NAME_CHARS) return null;
      const failed = new Set<number>();
      const groups: Record<string, string> = {};
      const from = (t: number, at: number): boolean => {
        if (t === tokens.length) return at === n;
        const key = t * (n + 1) + at;
        if (failed.has(key)) return false;
        const token = tokens[t]!;
        if ('literal' in token) {
          const end = at + token.literal.length;
          if (subject.slice(at, end).toLowerCase() === token.literal.toLowerCase() && from(t + 1, end)) return true;
        } else {
          const spec = specs[token.field]!;
          let last = n;
          if (spec.stop) {
            const stopAt = subject.slice(at).search(spec.stop);
            if (stopAt >= 0) last = at + stopAt;
          }
          for (let i = 0; i <= last - at; i++) {
            const end = spec.lazy ? at + i : last - i;
            const text = subject.slice(at, end);
            if (!spec.fits.test(text)) continue;
            if (from(t + 1, end)) {
              if (token.field !== 'any') groups[token.field] = text;
              return true;
            }
          }
        }
        failed.add(key);
        return false;
      };
      return from(0, 0) ? { groups } : null;
    },
  };
}

/** A compiled pattern, or the reason the pattern cannot be used. */
export function compileFilenamePattern(pattern: string): { ok: true; regex: NameMatcher } | { ok: false; reason: string } {
  const translated = patternTokens(pattern.trim(), FIELDS);
  if (!translated.ok) return translated;
  const { tokens, fields: seen } = translated;
  if (seen.size === 0 || (seen.size === 1 && seen.has('any'))) return { ok: false, reason: 'use at least one of {hole}, {from}, {to}, {imageType}' };
  return { ok: true, regex: tokenMatcher(tokens, FIELDS) };
}

/** What the file name says, without its extension; null when it does not fit the pattern. */
export function parseFilename(fileName: string, pattern: string): FilenameFields | null {
  const compiled = compileFilenamePattern(pattern);
  if (!compiled.ok) return null;
  const stem = fileName.replace(/^.*[\\/]/, '').replace(/\.[A-Za-z0-9]{1,5}$/, '');
  const groups = compiled.regex.exec(stem)?.groups;
  if (!groups) return null;
  const fields: FilenameFields = {};
  if (groups.hole) fields.hole = groups.hole;
  if (groups.imageType) fields.imageType = groups.imageType;
  for (const key of ['from', 'to'] as const) {
    const text = groups[key];
    if (text !== undefined) fields[key] = Number(text.replace(',', '.'));
  }
  if (fields.from !== undefined && fields.to !== undefined && !(fields.from < fields.to)) return null;
  return fields;
}
