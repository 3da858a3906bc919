/**
 * Per-attribute rules of an imagery type's attribute definitions: required, a number range, and
 * the values a text attribute's definition lists. Imago documents only `{name, dataType}` for an
 * attribute type; a server that also sends `required`, `minimum`/`maximum` (or `min`/`max`) or a
 * `values` list is read tolerantly (electron/services/imago/schemas.ts) and those rules apply.
 * One rule Corelog adds on its own: a number attribute named as a percentage (`RQD %`) lies in
 * 0–100 unless the definition gives its own range. The form checks each field with these
 * functions and main checks the same values with the same functions before writing to Imago, so
 * what the form refuses main refuses with the same words. Pure; runs anywhere.
 */
import type { AttributeValue } from '../photos/attribute-value';

/** An attribute type as the catalogue carries it (extra rule fields are optional). */
export interface AttributeTypeRules {
  name: string;
  dataType: string;
  required?: boolean | null;
  minimum?: number | null;
  maximum?: number | null;
  /** Values the definition lists for a text attribute (offered in its pick list; others allowed). */
  values?: readonly string[] | null;
}

export interface AttributeDefinitionRules {
  name: string;
  attributeTypes: readonly AttributeTypeRules[];
}

/** A value as an interval holds it; an object or list (never typed in a form) breaks no rule but `required`. */
export type { AttributeValue } from '../photos/attribute-value';
/** Percent attributes (`RQD %`, `Recovery percent`) without a range of their own: 0–100. */
const PERCENT = /(%|\bpercent(age)?\b)\s*$/i;

/** The number range that applies to an attribute type, if any. */
export function attributeRange(type: AttributeTypeRules): { min: number | null; max: number | null } {
  const min = type.minimum ?? null;
  const max = type.maximum ?? null;
  if (type.dataType === 'number' && min === null && max === null && PERCENT.test(type.name)) return { min: 0, max: 100 };
  return { min, max };
}

const isEmpty = (value: AttributeValue | undefined): boolean => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/**
 * Why this (already typed) value breaks the attribute's rule, or null. Type problems (a number
 * that is not one, a malformed date) are the field readers' business (common/forms), not this.
 */
export function attributeRuleProblem(type: AttributeTypeRules, value: AttributeValue | undefined): string | null {
  if (isEmpty(value)) return type.required ? `${type.name} is required.` : null;
  if (type.dataType === 'number' && typeof value === 'number') {
    const { min, max } = attributeRange(type);
    if (min !== null && max !== null && (value < min || value > max)) return `${type.name} must be between ${min} and ${max}.`;
    if (min !== null && value < min) return `${type.name} must be at least ${min}.`;
    if (max !== null && value > max) return `${type.name} must be at most ${max}.`;
  }
  return null;
}

/**
 * Every rule broken by an interval's attribute values, keyed `definition.attribute` (the form's
 * field keys). Values of definitions or attributes the type does not know are not judged here.
 */
export function attributeRuleProblems(definitions: readonly AttributeDefinitionRules[], values: Record<string, Record<string, AttributeValue> | undefined>): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const definition of definitions) {
    for (const type of definition.attributeTypes) {
      const problem = attributeRuleProblem(type, values[definition.name]?.[type.name]);
      if (problem) problems[`${definition.name}.${type.name}`] = problem;
    }
  }
  return problems;
}

/** Short words for a rule, shown beside the field (`0–100`, `required`), or null when there is none. */
export function attributeRuleHint(type: AttributeTypeRules): string | null {
  const parts: string[] = [];
  if (type.required) parts.push('required');
  const { min, max } = attributeRange(type);
  if (min !== null && max !== null) parts.push(`${min}–${max}`);
  else if (min !== null) parts.push(`≥ ${min}`);
  else if (max !== null) parts.push(`≤ ${max}`);
  return parts.length ? parts.join(', ') : null;
}
