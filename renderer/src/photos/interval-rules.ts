/**
 * The rules an interval and its attributes must follow before they are saved locally: From < To,
 * no overlap with another interval of the same hole and imagery type (gaps are allowed but
 * flagged), and attribute values that fit their definition's data type. Text that goes to Imago
 * (attribute text, hole names) follows the one free-text rule (common/free-text.ts), checked at
 * the field with the same message the bridge would give, so it is never queued. Pure functions.
 */
import type { AttributeValues, CatalogueImageryType } from '../../../common/bridge/photo-contract';
import { freeTextProblem, normaliseLineEnds } from '../../../common/free-text';

export interface DepthRange {
  id?: string;
  from: number;
  to: number;
}

export const formatDepth = (value: number): string => value.toFixed(2);
export const formatRange = (r: { from: number; to: number }): string => `${formatDepth(r.from)}–${formatDepth(r.to)} m`;

/** Why this interval cannot be saved, or null. `others` are the hole's intervals of the same imagery type. */
export function intervalError(candidate: DepthRange, others: readonly DepthRange[]): string | null {
  if (!Number.isFinite(candidate.from) || !Number.isFinite(candidate.to)) return 'Enter From and To as depths in metres.';
  if (candidate.from < 0) return 'From cannot be negative.';
  if (!(candidate.from < candidate.to)) return 'From must be less than To.';
  const clash = others.find((o) => o.id !== candidate.id && candidate.from < o.to && o.from < candidate.to);
  return clash ? `Overlaps the interval ${formatRange(clash)}.` : null;
}

/** Uncovered stretches between consecutive intervals (warnings, not errors). */
export function gapsBetween(intervals: readonly DepthRange[]): { from: number; to: number }[] {
  const sorted = [...intervals].sort((a, b) => a.from - b.from);
  const gaps: { from: number; to: number }[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const previousEnd = Math.max(...sorted.slice(0, i).map((r) => r.to));
    if (sorted[i]!.from - previousEnd > 1e-6) gaps.push({ from: previousEnd, to: sorted[i]!.from });
  }
  return gaps;
}

/** Why a hole name cannot be created in Imago, or null: one line, no control characters, at most 100 characters, no slashes. */
export function holeNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (!trimmed) return 'Enter a hole name.';
  const text = freeTextProblem(trimmed, { maxLength: 100, multiline: false, label: 'The hole name' });
  if (text) return text;
  return /[/\\]/.test(trimmed) ? 'A hole name cannot contain / or \\.' : null;
}

const COLOUR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Form text per attribute → typed values, plus problems keyed `definition.attribute`. `kept` are
 * the interval's values so far: any the form has no field for (a definition or attribute the
 * cached catalogue does not know yet) are carried over unchanged, so an edit never drops them.
 */
export function parseAttributes(
  imageryType: CatalogueImageryType,
  text: Record<string, Record<string, string>>,
  kept: AttributeValues = {},
): { values: AttributeValues; issues: Record<string, string> } {
  const values: AttributeValues = {};
  const issues: Record<string, string> = {};
  for (const [name, attributes] of Object.entries(kept)) {
    const definition = imageryType.attributeDefinitions.find((d) => d.name === name);
    const unknown = Object.entries(attributes).filter(([attribute]) => !definition?.attributeTypes.some((t) => t.name === attribute));
    if (unknown.length) values[name] = Object.fromEntries(unknown);
  }
  for (const definition of imageryType.attributeDefinitions) {
    const out: Record<string, string | number | null> = { ...values[definition.name] };
    for (const type of definition.attributeTypes) {
      const raw = (text[definition.name]?.[type.name] ?? '').trim();
      const key = `${definition.name}.${type.name}`;
      if (raw === '') {
        out[type.name] = null;
        continue;
      }
      switch (type.dataType) {
        case 'number': {
          const number = Number(raw.replace(',', '.'));
          if (!Number.isFinite(number)) issues[key] = 'Enter a number.';
          else out[type.name] = number;
          break;
        }
        case 'date':
          if (!DATE.test(raw) || Number.isNaN(Date.parse(raw))) issues[key] = 'Enter a date as YYYY-MM-DD.';
          else out[type.name] = raw;
          break;
        case 'colour':
          if (!COLOUR.test(raw)) issues[key] = 'Enter a colour as #RGB or #RRGGBB.';
          else out[type.name] = raw.toUpperCase();
          break;
        case 'string': {
          const problem = freeTextProblem(raw, { maxLength: 255, multiline: false, label: type.name });
          if (problem) issues[key] = problem;
          else out[type.name] = raw;
          break;
        }
        default: {
          // Notes and comments: several lines allowed, Windows line ends sent as plain newlines.
          const problem = freeTextProblem(raw, { maxLength: 10_000, multiline: true, label: type.name });
          if (problem) issues[key] = problem;
          else out[type.name] = normaliseLineEnds(raw);
        }
      }
    }
    values[definition.name] = out;
  }
  return { values, issues };
}

/** Stored values → form text. */
export function attributeText(values: AttributeValues): Record<string, Record<string, string>> {
  return Object.fromEntries(Object.entries(values).map(([name, attrs]) => [name, Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, v === null ? '' : String(v)]))]));
}
