/**
 * Patterns that read where an archive photo belongs from its path inside the archive folder,
 * e.g. `{hole}/{from}-{to}_{imageType}` reads `2018/FF-DD-0012/102.0-106.8_Wet.jpg`. Pure code,
 * shared by the dry run (service process) and the import screen's live preview (renderer).
 *
 * The rules, chosen so a pattern means what a user would guess:
 * - a pattern of N segments (`/`-separated) is matched against the LAST N segments of the path,
 *   so folders above (years, shares) do not matter: `{hole}_{from}_{to}_{imageType}` reads a file
 *   name in any folder;
 * - the file's extension is ignored unless the pattern ends with one (`….jpg`);
 * - literal text matches in any case; a field never spans a `/`;
 * - every pattern must name {hole}, {from}, {to} and {imageType} (an upload needs all four);
 *   {any} stands for text to skip.
 * Same field syntax as `filename-pattern.ts` (the interactive list), whose API stays as it is.
 */
import { patternTokens, tokenMatcher, type FieldSpec, type NameMatcher } from './filename-pattern';

export interface ArchiveFields {
  hole: string;
  from: number;
  to: number;
  imageType: string;
}

export interface CompiledArchivePattern {
  pattern: string;
  /** How many trailing path segments it reads. */
  segments: number;
  /** Whether the pattern names the extension itself. */
  withExtension: boolean;
  regex: NameMatcher;
}

export type ArchivePatternResult = { ok: true; compiled: CompiledArchivePattern } | { ok: false; reason: string };

export type ArchivePathMatch =
  | { ok: true; fields: ArchiveFields; pattern: string }
  /** `reason` says which part failed, in plain words. */
  | { ok: false; reason: string };

const DEPTH: FieldSpec = { fits: /^\d+(?:[.,]\d+)?$/, lazy: false, stop: /[^\d.,]/ };
const FIELDS: Record<string, FieldSpec> = {
  hole: { fits: /^[^/]+$/, lazy: true, stop: /\// },
  from: DEPTH,
  to: DEPTH,
  imageType: { fits: /^[^_/]+$/, lazy: true, stop: /[_/]/ },
  any: { fits: /^[^/]*$/, lazy: true, stop: /\// },
};
const REQUIRED = ['hole', 'from', 'to', 'imageType'] as const;
/** An extension has a letter in it, so `10.00_15.00` (no extension) keeps its depths. */
const EXTENSION = /\.(?=[A-Za-z0-9]{0,4}[A-Za-z])[A-Za-z0-9]{1,5}$/;

/** A compiled pattern, or the reason it cannot be used. */
export function compileArchivePattern(pattern: string): ArchivePatternResult {
  const text = pattern.trim().replace(/\\/g, '/').replace(/^\/+|\/+$/g, '');
  if (!text) return { ok: false, reason: 'the pattern is empty' };
  if (text.split('/').some((segment) => segment === '')) return { ok: false, reason: 'the pattern has an empty folder (two / in a row)' };
  const translated = patternTokens(text, FIELDS);
  if (!translated.ok) return translated;
  const { tokens, fields: seen } = translated;
  const missing = REQUIRED.filter((field) => !seen.has(field));
  if (missing.length > 0) return { ok: false, reason: `the pattern must name ${missing.map((f) => `{${f}}`).join(', ')} (an upload needs the hole, both depths and the image type)` };
  return {
    ok: true,
    compiled: { pattern: text, segments: text.split('/').length, withExtension: EXTENSION.test(text), regex: tokenMatcher(tokens, FIELDS) },
  };
}

/** Compiles several patterns; the first unusable one is the reason (with its position). */
export function compileArchivePatterns(patterns: readonly string[]): { ok: true; compiled: CompiledArchivePattern[] } | { ok: false; reason: string; index: number } {
  const compiled: CompiledArchivePattern[] = [];
  for (const [index, pattern] of patterns.entries()) {
    const result = compileArchivePattern(pattern);
    if (!result.ok) return { ok: false, reason: `Pattern ${index + 1} (${pattern.trim()}): ${result.reason}`, index };
    compiled.push(result.compiled);
  }
  return { ok: true, compiled };
}

/** A depth as written in a name or a manifest (`102.5`, `102,5`); null when it is not one. */
export function parseDepth(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d+(?:[.,]\d+)?$/.test(trimmed)) return null;
  const value = Number(trimmed.replace(',', '.'));
  return Number.isFinite(value) ? value : null;
}

/**
 * Imago's spelling of an image type named in any case (`wet` → `Wet`); null when the imagery type
 * has no such image type. With no list given, the name is taken as written.
 */
export function resolveImageType(name: string, imageTypes: readonly string[] | undefined): string | null {
  if (!imageTypes) return name;
  return imageTypes.find((t) => t === name) ?? imageTypes.find((t) => t.toLowerCase() === name.toLowerCase()) ?? null;
}

/** The checks every reading (pattern or manifest) must pass; null when the fields are fine. */
export function fieldProblem(fields: { hole: string; from: number; to: number; imageType: string }, imageTypes: readonly string[] | undefined): string | null {
  if (!fields.hole.trim()) return 'the hole name is empty';
  if (!(fields.from < fields.to)) return `From (${fields.from}) is not less than To (${fields.to})`;
  if (resolveImageType(fields.imageType, imageTypes) === null) {
    return `"${fields.imageType}" is not an image type of this imagery type (${(imageTypes ?? []).join(', ') || 'none'})`;
  }
  return null;
}

/**
 * Reads `relativePath` (`/`-separated, relative to the archive folder) with the patterns in order:
 * the first whose shape fits and whose values make sense wins. When none does, the reason names
 * the first pattern whose shape fitted and what was wrong, or says that no pattern fits.
 * `imageTypes` (the target imagery type's) turns `wet` into `Wet` and refuses unknown types.
 */
export function matchArchivePath(relativePath: string, patterns: readonly CompiledArchivePattern[], imageTypes?: readonly string[]): ArchivePathMatch {
  const segments = relativePath.replace(/\\/g, '/').split('/').filter((s) => s !== '');
  let firstProblem: string | null = null;
  for (const p of patterns) {
    if (segments.length < p.segments) continue;
    const tail = segments.slice(segments.length - p.segments).join('/');
    const subject = p.withExtension ? tail : tail.replace(EXTENSION, '');
    const groups = p.regex.exec(subject)?.groups;
    if (!groups) continue;
    const from = parseDepth(groups.from ?? '');
    const to = parseDepth(groups.to ?? '');
    if (from === null || to === null) {
      firstProblem ??= `${p.pattern}: the depths are not numbers`;
      continue;
    }
    const raw = { hole: (groups.hole ?? '').trim(), from, to, imageType: (groups.imageType ?? '').trim() };
    const problem = fieldProblem(raw, imageTypes);
    if (problem !== null) {
      firstProblem ??= `${p.pattern}: ${problem}`;
      continue;
    }
    return { ok: true, pattern: p.pattern, fields: { ...raw, imageType: resolveImageType(raw.imageType, imageTypes)! } };
  }
  if (firstProblem !== null) return { ok: false, reason: `The name fits ${firstProblem}.` };
  if (patterns.length === 0) return { ok: false, reason: 'No filename pattern was given and the manifest does not name this file.' };
  return { ok: false, reason: `No pattern fits this name (tried ${patterns.map((p) => p.pattern).join(', ')}).` };
}
