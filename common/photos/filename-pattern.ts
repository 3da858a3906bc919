/**
 * File names that say where a photo belongs, e.g. `FF-DD-0012_102.0_106.8_Wet.jpg` read with the
 * pattern `{hole}_{from}_{to}_{imageType}`. Pure code: the renderer pre-fills each photo's binding
 * with it, and the node tests check it without a browser.
 */
import type { FilenameFields } from '../bridge/photo-contract';

export const DEFAULT_FILENAME_PATTERN = '{hole}_{from}_{to}_{imageType}';

const FIELD_REGEX: Record<string, string> = {
  hole: '(?<hole>.+?)',
  from: '(?<from>\\d+(?:[.,]\\d+)?)',
  to: '(?<to>\\d+(?:[.,]\\d+)?)',
  imageType: '(?<imageType>[^_]+?)',
  any: '.*?',
};

/**
 * A pattern's `{field}` syntax turned into regex source with one named group per field (literal
 * text escaped), or the reason it cannot be; `fieldRegex` says what each field may match. Shared
 * with the archive import's path patterns so both read fields the same way.
 */
export function patternSource(pattern: string, fieldRegex: Record<string, string>): { ok: true; source: string; fields: Set<string> } | { ok: false; reason: string } {
  const seen = new Set<string>();
  let source = '';
  let rest = pattern;
  while (rest.length > 0) {
    const match = /\{([A-Za-z]+)\}/.exec(rest);
    const literal = match ? rest.slice(0, match.index) : rest;
    source += literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (!match) break;
    const field = match[1]!;
    const regex = fieldRegex[field];
    if (!regex) return { ok: false, reason: `unknown field {${field}}; use {hole}, {from}, {to}, {imageType} or {any}` };
    if (field !== 'any' && seen.has(field)) return { ok: false, reason: `{${field}} appears twice` };
    seen.add(field);
    source += regex;
    rest = rest.slice(match.index + match[0].length);
  }
  return { ok: true, source, fields: seen };
}

/** A compiled pattern, or the reason the pattern cannot be used. */
export function compileFilenamePattern(pattern: string): { ok: true; regex: RegExp } | { ok: false; reason: string } {
  const translated = patternSource(pattern.trim(), FIELD_REGEX);
  if (!translated.ok) return translated;
  const { source, fields: seen } = translated;
  if (seen.size === 0 || (seen.size === 1 && seen.has('any'))) return { ok: false, reason: 'use at least one of {hole}, {from}, {to}, {imageType}' };
  return { ok: true, regex: new RegExp(`^${source}$`, 'i') };
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
