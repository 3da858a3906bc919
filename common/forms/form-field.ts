/**
 * One definition per kind of field Corelog asks for (sequence, shot point, depth, date, colour…):
 * how the text typed at the field becomes a value, and the rule that value must follow.
 *
 * Why one definition: the forms call `read` to show a message at the field, and the bridge
 * contract uses `schema`, so main refuses the very same value with the very same words when a
 * renderer bug (or a hostile page) sends it anyway. Two copies of a rule drift apart: the form
 * once let `2024-02-30` through because `Date.parse` rolls it over to 1 March.
 *
 * Reading never guesses: `5,5` is not taken for 5.5 (nor for 55); the field says what to type.
 */
import type { z } from 'zod';

/** What the text at a field says: a value (null when the field was left empty), or why it cannot be used. */
export type FieldReading<T> = { ok: true; value: T | null } | { ok: false; problem: string };

export interface FormField<T> {
  /** What the field is called in messages ("Shot point", "From"). */
  readonly label: string;
  /** The bridge's schema for the value: refuses what `read` refuses, with the same message. */
  readonly schema: z.ZodType<T, T>;
  /** Text typed at the field → its value, or the message to show there. Surrounding blanks are ignored. */
  read(text: string): FieldReading<T>;
  /** Why a value breaks the field's rule, or null. */
  check(value: T): string | null;
}

export interface FieldSpec<T> {
  label: string;
  /** The value's type at the bridge, before the field's own rule. */
  base: z.ZodType<T, T>;
  /** Trimmed, non-empty text → a candidate value, or the message for text that is no value at all. */
  fromText(text: string): { value: T } | { problem: string };
  check(value: T): string | null;
}

export function defineField<T>(spec: FieldSpec<T>): FormField<T> {
  const schema = spec.base.superRefine((value, ctx) => {
    const problem = spec.check(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }) as z.ZodType<T, T>;
  return {
    label: spec.label,
    schema,
    check: spec.check,
    read(text) {
      const trimmed = text.trim();
      if (trimmed === '') return { ok: true, value: null };
      const candidate = spec.fromText(trimmed);
      if ('problem' in candidate) return { ok: false, problem: candidate.problem };
      const problem = spec.check(candidate.value);
      return problem ? { ok: false, problem } : { ok: true, value: candidate.value };
    },
  };
}

/** The message to show at the field for `text`, or null when it can be used (empty included). */
export function fieldProblem<T>(field: FormField<T>, text: string): string | null {
  const reading = field.read(text);
  return reading.ok ? null : reading.problem;
}

/** The field's value, or null when it is empty or wrong (callers show `fieldProblem` at the field). */
export function fieldValue<T>(field: FormField<T>, text: string): T | null {
  const reading = field.read(text);
  return reading.ok ? reading.value : null;
}

/** User text quoted in a message: short, so a pasted page cannot fill the screen. */
export function quoted(text: string): string {
  return `“${text.length > 24 ? `${text.slice(0, 23)}…` : text}”`;
}
