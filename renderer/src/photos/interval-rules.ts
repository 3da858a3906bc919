/**
 * The rules an interval and its attributes must follow before they are saved locally: From < To,
 * no overlap with another interval of the same hole and imagery type (gaps are allowed but
 * flagged), and attribute values that fit their definition's data type. Pure functions.
 */
import type { AttributeValues, CatalogueImageryType } from '../../../common/bridge/photo-contract';

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

const COLOUR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Form text per attribute → typed values, plus problems keyed `definition.attribute`. */
export function parseAttributes(
  imageryType: CatalogueImageryType,
  text: Record<string, Record<string, string>>,
): { values: AttributeValues; issues: Record<string, string> } {
  const values: AttributeValues = {};
  const issues: Record<string, string> = {};
  for (const definition of imageryType.attributeDefinitions) {
    const out: Record<string, string | number | null> = {};
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
        case 'string':
          if (raw.length > 255) issues[key] = 'At most 255 characters.';
          else out[type.name] = raw;
          break;
        default:
          if (raw.length > 10_000) issues[key] = 'At most 10,000 characters.';
          else out[type.name] = raw;
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
