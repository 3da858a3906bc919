/**
 * Comparing versions of an interval's attribute values (ours, Imago's, and Imago's as a local edit
 * started from it), and what an interval write sends so every attribute Imago holds and the user
 * did not touch goes back exactly as Imago sent it. Shared by the renderer (conflicts seen on a
 * refresh) and main (the check just before writing), so both judge a conflict alike. Pure.
 */
import type { AttributeValues } from '../bridge/photo-contract';
import { isStructuredValue, sameJson } from './attribute-value';

type Value = AttributeValues[string][string];

/** No value. An empty object or list is a value: Imago sent it, so it goes back. */
const empty = (value: Value | undefined): boolean => value === undefined || value === null || value === '';

/**
 * The same value as far as a user can tell: `1`, `1.0` and `"1"` are; absent, null and "" are.
 * Objects and lists are the same only when equal all the way down (key order aside).
 */
function sameValue(a: Value | undefined, b: Value | undefined): boolean {
  if (isStructuredValue(a) || isStructuredValue(b)) return sameJson(a, b);
  if (empty(a) || empty(b)) return empty(a) && empty(b);
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b);
  return String(a) === String(b);
}

/** Whether two sets of attribute values say the same thing (over every attribute either has). */
export function sameAttributes(a: AttributeValues, b: AttributeValues): boolean {
  for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const left = a[name] ?? {};
    const right = b[name] ?? {};
    for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) if (!sameValue(left[key], right[key])) return false;
  }
  return true;
}

/** The attribute keys (`definition.attribute`) whose values differ between a and b. */
export function changedAttributes(a: AttributeValues, b: AttributeValues): string[] {
  const changed: string[] = [];
  for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const left = a[name] ?? {};
    const right = b[name] ?? {};
    for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) if (!sameValue(left[key], right[key])) changed.push(`${name}.${key}`);
  }
  return changed;
}

/**
 * The `attributeDefinitions` of a `POST /imagery` write. Starts from what Imago holds now, so
 * every attribute it sent that the user did not touch goes back unchanged (booleans stay
 * booleans, objects and lists stay as they are, however nested), then the user's values (a value
 * equal to Imago's as a user sees it, `"85"` for `85`, goes back as Imago's). A value
 * the user cleared is sent as `null`, but only where Imago holds a value: the documents do not say
 * what `null` does (the emulator removes it), and an empty field Imago never had is simply left
 * out, as before. An object or list Imago holds always goes back as Imago holds it: Corelog
 * cannot edit one, so whatever the outgoing values say about it is a stale copy at best.
 */
export function attributesToWrite(outgoing: AttributeValues, remote: AttributeValues = {}): { name: string; attributes: Record<string, Value> }[] {
  const names = new Set([...Object.keys(remote), ...Object.keys(outgoing)]);
  const definitions: { name: string; attributes: Record<string, Value> }[] = [];
  for (const name of names) {
    const held = remote[name] ?? {};
    const mine = outgoing[name] ?? {};
    const attributes: Record<string, Value> = {};
    for (const key of new Set([...Object.keys(held), ...Object.keys(mine)])) {
      // A value the user did not change goes back in Imago's own form: a form field hands numbers
      // back as text ("85" for 85), and a number attribute must not turn into text by an edit elsewhere.
      const untouched = !(key in mine) || isStructuredValue(held[key]) || sameValue(mine[key], held[key]);
      const value = untouched ? held[key] : mine[key];
      if (!empty(value)) attributes[key] = value!;
      else if (!empty(held[key])) attributes[key] = null;
    }
    if (Object.keys(attributes).length > 0) definitions.push({ name, attributes });
  }
  return definitions;
}

/**
 * The attributes on which a write would overwrite an edit made in Imago: Imago's value changed
 * since `base` and differs from the one being sent. Only attributes the outgoing values name
 * count (the form names every field it shows); the others are written back as Imago holds them.
 * Empty: nothing of anyone's is lost by writing. Whole-interval granularity is left to the UI.
 */
export function conflictingAttributes(remote: AttributeValues, base: AttributeValues, outgoing: AttributeValues): string[] {
  const keys: string[] = [];
  for (const [name, mine] of Object.entries(outgoing)) {
    for (const key of Object.keys(mine)) {
      const theirs = remote[name]?.[key];
      // An object or list Imago holds is written back as it is (attributesToWrite): nothing lost.
      if (isStructuredValue(theirs)) continue;
      if (!sameValue(theirs, base[name]?.[key]) && !sameValue(mine[key], theirs)) keys.push(`${name}.${key}`);
    }
  }
  return keys;
}

/** The attributes an imagery type defines now: definition name → its attribute names. */
export type DefinedAttributes = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * A write (`attributesToWrite`) without the attributes written back only because Imago held them
 * that its imagery type no longer defines (removed in the portal since the value was stored). A
 * server that refuses a write naming them would otherwise refuse every later write and upload of
 * the interval. What the user set is always kept: a refusal of that is theirs to see. Answers null
 * when nothing would be left out (a retry would send the same write).
 */
export function withoutUndefinedAttributes(
  definitions: readonly { name: string; attributes: Record<string, Value> }[],
  defined: DefinedAttributes,
  outgoing: AttributeValues,
): { definitions: { name: string; attributes: Record<string, Value> }[]; left: string[] } | null {
  const left: string[] = [];
  const kept: { name: string; attributes: Record<string, Value> }[] = [];
  for (const definition of definitions) {
    const known = defined.get(definition.name);
    const attributes: Record<string, Value> = {};
    for (const [key, value] of Object.entries(definition.attributes)) {
      if (known?.has(key) || (outgoing[definition.name] !== undefined && key in outgoing[definition.name]!)) attributes[key] = value;
      else left.push(`${definition.name}.${key}`);
    }
    if (Object.keys(attributes).length > 0) kept.push({ name: definition.name, attributes });
  }
  return left.length > 0 ? { definitions: kept, left } : null;
}
