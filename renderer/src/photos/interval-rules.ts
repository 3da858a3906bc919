/**
 * The rules an interval and its attributes must follow before they are saved locally: From < To,
 * no overlap with another interval of the same hole and imagery type (gaps are allowed but
 * flagged), and attribute values that fit their definition's data type. Every field is read with
 * the field definitions the bridge uses too (common/forms), and text that goes to Imago follows
 * the one free-text rule (common/free-text.ts), so what the form accepts main accepts, and what
 * it refuses is said at the field and never queued. Depths are in the dataset's own units and
 * shown with them (common/forms/length-units.ts). Pure functions.
 */
import type { AttributeValues, CatalogueImageryType, PhotoCatalogue } from '../../../common/bridge/photo-contract';
import { attributeRuleProblem } from '../../../common/forms/attribute-rules';
import { colourField, holeNameProblem } from '../../../common/forms/text-fields';
import { dateField } from '../../../common/forms/date-fields';
import { depthRangeProblem, fromDepthField, toDepthField } from '../../../common/forms/depth-fields';
import { lengthUnitSymbol, lengthUnitWords } from '../../../common/forms/length-units';
import { decimalField } from '../../../common/forms/number-fields';
import { freeTextProblem, normaliseLineEnds } from '../../../common/free-text';
import { isStructuredValue, structuredText, type AttributeValue } from '../../../common/photos/attribute-value';
import { formatDepthRange } from '../settings/depth-format';

export { holeNameProblem };

export interface DepthRange {
  id?: string;
  from: number;
  to: number;
}

/**
 * `102.00–106.80 ft`: the dataset's units, the precision chosen in Settings; without a unit when
 * the units are not given (never a guessed "m").
 */
export const formatRange = (r: { from: number; to: number }, units?: string | null): string => formatDepthRange(r.from, r.to, { units });

/** The `lengthUnits` of a dataset in the cached catalogue (undefined when it is not there). */
export function datasetLengthUnits(catalogue: PhotoCatalogue | undefined, workspaceName: string, datasetName: string): string | undefined {
  return catalogue?.workspaces.find((w) => w.name === workspaceName)?.datasets.find((d) => d.name === datasetName)?.lengthUnits;
}

/**
 * Why this interval cannot be saved, or null. `others` are the hole's intervals of the same
 * imagery type; `units` (the dataset's) only words the messages.
 */
export function intervalError(candidate: DepthRange, others: readonly DepthRange[], units?: string | null): string | null {
  if (!Number.isFinite(candidate.from) || !Number.isFinite(candidate.to)) {
    const words = lengthUnitWords(units);
    return `Enter From and To as depths${words ? ` in ${words}` : ''}.`;
  }
  const problem = fromDepthField.check(candidate.from) ?? toDepthField.check(candidate.to) ?? depthRangeProblem(candidate.from, candidate.to);
  if (problem) return problem;
  const clash = others.find((o) => o.id !== candidate.id && candidate.from < o.to && o.from < candidate.to);
  return clash ? `Overlaps the interval ${formatRange(clash, units)}.` : null;
}

/** A depth range as outbox labels write it (`Upload FF-DD-0012 102.00–106.80 Wet (…)`), with or without an old " m". */
const LABEL_RANGE = / (\d+(?:\.\d+)?)–(\d+(?:\.\d+)?)(?: m)?(?= )/;

/**
 * An outbox label with its depth range in the dataset's units. Labels are written when work is
 * queued (photo-records.ts) without a unit, and by older versions with " m" whatever the
 * dataset: the queue shows them with the unit of the dataset the work belongs to.
 */
export function labelInUnits(label: string, units: string | null | undefined): string {
  const symbol = lengthUnitSymbol(units);
  return label.replace(LABEL_RANGE, (_match, from: string, to: string) => ` ${from}–${to}${symbol ? ` ${symbol}` : ''}`);
}

/** Uncovered stretches between consecutive intervals (warnings, not errors). */
export function gapsBetween(intervals: readonly DepthRange[]): { from: number; to: number }[] {
  // One pass over the intervals by From, carrying the deepest To so far (a hole has thousands).
  const sorted = [...intervals].sort((a, b) => a.from - b.from);
  const gaps: { from: number; to: number }[] = [];
  let reach = sorted.length ? sorted[0]!.to : 0;
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.from - reach > 1e-6) gaps.push({ from: reach, to: sorted[i]!.from });
    reach = Math.max(reach, sorted[i]!.to);
  }
  return gaps;
}

/**
 * Form text per attribute → typed values, plus problems keyed `definition.attribute`. `kept` are
 * the interval's values so far: any the form has no field for (a definition or attribute the
 * cached catalogue does not know yet) are carried over unchanged, so an edit never drops them,
 * and a field whose text was not changed keeps Imago's value as it was (`true` stays a boolean,
 * `12.50` the number it was). Each value is then held to its definition's rules (required,
 * range: common/forms/attribute-rules.ts), the rule main applies too. An object or list Imago
 * holds is not the form's to edit: it is kept as it came, whatever its field's text says.
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
    const out: Record<string, AttributeValue> = { ...values[definition.name] };
    for (const type of definition.attributeTypes) {
      const raw = (text[definition.name]?.[type.name] ?? '').trim();
      const key = `${definition.name}.${type.name}`;
      const before = kept[definition.name]?.[type.name];
      if (isStructuredValue(before)) {
        out[type.name] = before;
        continue;
      }
      if (raw === '') {
        out[type.name] = null;
        const problem = attributeRuleProblem(type, null);
        if (problem) issues[key] = problem;
        continue;
      }
      if (before !== undefined && before !== null && String(before).trim() === raw) {
        out[type.name] = before;
        continue;
      }
      const field = type.dataType === 'number' ? decimalField(type.name) : type.dataType === 'date' ? dateField(type.name) : type.dataType === 'colour' ? colourField(type.name) : null;
      if (field) {
        // A number is never guessed from `5,5`, nor a date rolled over from `2024-02-30`: the field says what to type.
        const reading = field.read(raw);
        if (!reading.ok) issues[key] = reading.problem;
        else {
          out[type.name] = reading.value;
          const problem = attributeRuleProblem(type, reading.value);
          if (problem) issues[key] = problem;
        }
        continue;
      }
      switch (type.dataType) {
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

/** One stored value as text: an object or list as one line of JSON (shown, never edited). */
export function valueText(value: AttributeValue | undefined): string {
  if (value === null || value === undefined) return '';
  return isStructuredValue(value) ? structuredText(value) : String(value);
}

/** Stored values → form text. */
export function attributeText(values: AttributeValues): Record<string, Record<string, string>> {
  return Object.fromEntries(Object.entries(values).map(([name, attrs]) => [name, Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, valueText(v)]))]));
}

/** Which attribute fields (`definition.attribute`) carry forward to the next interval, per imagery type. */
export const carryForwardKey = (imageryTypeName: string): string => `carryForward:${imageryTypeName}`;

/**
 * The form text a new interval starts with: the carried-forward attributes of the interval just
 * above it (the one ending where the new one starts, else the deepest), the rest empty.
 */
export function carriedText(carry: readonly string[], previous: { attributes: AttributeValues } | undefined): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  if (!previous) return out;
  const text = attributeText(previous.attributes);
  for (const key of carry) {
    const dot = key.indexOf('.');
    const [name, attribute] = [key.slice(0, dot), key.slice(dot + 1)];
    // An object or list would arrive in the new interval as typed text: it is not carried.
    if (isStructuredValue(previous.attributes[name]?.[attribute])) continue;
    const value = text[name]?.[attribute];
    if (value !== undefined && value !== '') out[name] = { ...out[name], [attribute]: value };
  }
  return out;
}

/**
 * A text attribute's pick list: the values its definition lists, then those used in the dataset
 * (most used first), each once (compared ignoring case and surrounding blanks).
 */
export function pickListValues(listed: readonly string[] | null | undefined, used: readonly (string | number | boolean | null | undefined)[]): string[] {
  const counts = new Map<string, { value: string; count: number }>();
  for (const value of used) {
    if (typeof value !== 'string' || value.trim() === '') continue;
    const key = value.trim().toLowerCase();
    const seen = counts.get(key);
    if (seen) seen.count++;
    else counts.set(key, { value: value.trim(), count: 1 });
  }
  const out: string[] = [];
  const taken = new Set<string>();
  for (const value of listed ?? []) {
    const key = value.trim().toLowerCase();
    if (key && !taken.has(key)) {
      taken.add(key);
      out.push(value.trim());
    }
  }
  for (const { value } of [...counts.values()].sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))) {
    const key = value.toLowerCase();
    if (!taken.has(key)) {
      taken.add(key);
      out.push(value);
    }
  }
  return out;
}

/** Type-ahead: the first pick-list value that starts with what was typed (ignoring case), or null. */
export function typeAhead(typed: string, values: readonly string[]): string | null {
  const start = typed.trimStart().toLowerCase();
  if (!start) return null;
  return values.find((v) => v.toLowerCase().startsWith(start) && v.length > start.length) ?? null;
}

/** Whether a typed text value is new to its pick list (not there in any case). */
export function isNewPickValue(value: string, values: readonly string[]): boolean {
  const key = value.trim().toLowerCase();
  return key !== '' && !values.some((v) => v.toLowerCase() === key);
}
