/**
 * Numbers typed at a field: whole numbers (Dougal's sequence and shot point, counts) and
 * decimals (Imago's number attributes). A decimal is written with a point: a comma is refused
 * with a message rather than read as a point, because `1,250` may as well mean one thousand two
 * hundred and fifty, and a wrong number stored silently is worse than a question asked.
 */
import { z } from 'zod';
import { defineField, quoted, type FormField } from './form-field';

/** Dougal stores sequence numbers and shot points in PostgreSQL `integer` columns. */
export const INT4_MAX = 2_147_483_647;

const WHOLE = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;
/** `5,5`, `-0,25`: a decimal comma. */
const COMMA_DECIMAL = /^[+-]?\d*,\d+$/;
/** `1,250.5`, `1.250,5`: numbers with group separators. */
const GROUPED = /^[+-]?[\d.,]*\d[\d.,]*$/;

/**
 * Text that is a decimal number → its value, or the message for this field. Shared by the
 * decimal and depth fields, so "use a point" reads the same everywhere.
 */
export function readDecimal(text: string, label: string, what: string): { value: number } | { problem: string } {
  if (DECIMAL.test(text)) return { value: Number(text) };
  if (COMMA_DECIMAL.test(text)) return { problem: `${label}: use a point for decimals (${text.replace(',', '.')}, not ${text}).` };
  if (GROUPED.test(text)) return { problem: `${label}: write the number without group separators, with a point for decimals (e.g. 1250.5).` };
  return { problem: `${label}: enter ${what}.` };
}

export interface WholeNumberRules {
  min?: number;
  max?: number;
}

/** A whole-number field ("Sequence", "Shot point"): `12.7` and `abc` are refused at the field and at the bridge. */
export function wholeNumberField(label: string, rules: WholeNumberRules = {}): FormField<number> {
  const min = rules.min ?? Number.MIN_SAFE_INTEGER;
  const max = rules.max ?? Number.MAX_SAFE_INTEGER;
  const check = (value: number): string | null => {
    if (!Number.isFinite(value)) return `${label} must be a whole number.`;
    if (!Number.isInteger(value)) return `${label} must be a whole number, not ${value}.`;
    if (value < min) return min === 0 ? `${label} cannot be negative.` : `${label} must be at least ${min.toLocaleString('en-US')}.`;
    if (value > max) return `${label} must be at most ${max.toLocaleString('en-US')}.`;
    return null;
  };
  return defineField<number>({
    label,
    base: z.number(),
    check,
    fromText(text) {
      if (WHOLE.test(text)) return { value: Number(text) };
      if (DECIMAL.test(text) || COMMA_DECIMAL.test(text)) return { problem: `${label} must be a whole number, not ${text}.` };
      return { problem: `${label} must be a whole number; ${quoted(text)} is not a number.` };
    },
  });
}

/** A Dougal sequence number. */
export const sequenceField = wholeNumberField('Sequence', { min: 0, max: INT4_MAX });
/** A Dougal shot point. */
export const shotPointField = wholeNumberField('Shot point', { min: 0, max: INT4_MAX });

/** A decimal number that may be negative (Imago's `number` attributes: box numbers, RQD %, readings). */
export function decimalField(label: string): FormField<number> {
  return defineField<number>({
    label,
    base: z.number(),
    check: (value) => (Number.isFinite(value) ? null : `${label}: enter a number.`),
    fromText: (text) => readDecimal(text, label, 'a number'),
  });
}
