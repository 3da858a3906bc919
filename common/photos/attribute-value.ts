/**
 * One attribute value as Imago holds it. Imago documents only single values (numbers, text), but
 * an attribute set written by another tool may hold an object (`{r, g, b}`) or a list
 * (`["qz", "py"]`). Corelog cannot edit those, and must never lose them: they are carried as they
 * came, shown as text, and written back unchanged. Pure; runs anywhere.
 */

/** A single value: what the form edits. */
export type ScalarAttributeValue = string | number | boolean | null;

/** Any JSON value, as a reply may nest them. */
export type JsonValue = ScalarAttributeValue | JsonValue[] | { [key: string]: JsonValue };

/** An object or a list: held and written back, never edited. */
export type StructuredAttributeValue = JsonValue[] | { [key: string]: JsonValue };

export type AttributeValue = ScalarAttributeValue | StructuredAttributeValue;

/** Whether the value is an object or a list (one the form shows read-only). */
export function isStructuredValue(value: unknown): value is StructuredAttributeValue {
  return typeof value === 'object' && value !== null;
}

/** A structured value as one line of JSON for display (never for editing). */
export function structuredText(value: StructuredAttributeValue): string {
  return JSON.stringify(value);
}

/** Bounds for a structured value crossing the bridge: deep or huge ones are someone's mistake. */
export const STRUCTURED_VALUE_LIMITS = { depth: 16, jsonLength: 100_000 } as const;

/**
 * Why a value is not a structured value Corelog carries, or null when it is: plain JSON only (no
 * functions, class instances, non-finite numbers or cycles), within the depth and size bounds.
 */
export function structuredValueProblem(value: unknown): string | null {
  const seen = new Set<object>();
  const walk = (node: unknown, depth: number): string | null => {
    if (node === null || typeof node === 'string' || typeof node === 'boolean') return null;
    if (typeof node === 'number') return Number.isFinite(node) ? null : 'holds a number that is not finite';
    if (typeof node !== 'object') return `holds a ${typeof node}`;
    if (depth > STRUCTURED_VALUE_LIMITS.depth) return `is nested deeper than ${STRUCTURED_VALUE_LIMITS.depth} levels`;
    if (seen.has(node)) return 'refers to itself';
    seen.add(node);
    const proto = Object.getPrototypeOf(node) as unknown;
    if (!Array.isArray(node) && proto !== Object.prototype && proto !== null) return 'is not plain data';
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      const problem = walk(child, depth + 1);
      if (problem) return problem;
    }
    seen.delete(node);
    return null;
  };
  if (!isStructuredValue(value)) return 'is not an object or a list';
  const problem = walk(value, 1);
  if (problem) return problem;
  return JSON.stringify(value).length > STRUCTURED_VALUE_LIMITS.jsonLength ? `is longer than ${STRUCTURED_VALUE_LIMITS.jsonLength} characters` : null;
}

/** Deep equality of two JSON values (key order does not matter). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!isStructuredValue(a) || !isStructuredValue(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const list = b as unknown[];
    return a.length === list.length && a.every((item, index) => sameJson(item, list[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return keys.length === Object.keys(right).length && keys.every((key) => Object.hasOwn(right, key) && sameJson(left[key], right[key]));
}
