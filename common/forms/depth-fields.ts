/**
 * Depths along a hole (an interval's From and To), in the dataset's own units (length-units.ts):
 * a decimal written with a point, not negative, From less than To.
 */
import { z } from 'zod';
import { defineField, type FormField } from './form-field';
import { readDecimal } from './number-fields';

/** Deeper than any hole; what is beyond it is a typing slip (in metres or feet alike). */
export const MAX_DEPTH = 100_000;

/** A depth field named `label` ("From", "To"). */
export function depthField(label: string): FormField<number> {
  return defineField<number>({
    label,
    base: z.number(),
    check(value) {
      if (!Number.isFinite(value)) return `${label} must be a depth.`;
      if (value < 0) return `${label} cannot be negative.`;
      if (value > MAX_DEPTH) return `${label} must be at most ${MAX_DEPTH.toLocaleString('en-US')}.`;
      return null;
    },
    fromText: (text) => readDecimal(text, label, 'a depth as a number, e.g. 12.5'),
  });
}

export const fromDepthField = depthField('From');
export const toDepthField = depthField('To');

/** Why From and To cannot make an interval, or null. */
export function depthRangeProblem(from: number, to: number): string | null {
  return from < to ? null : 'From must be less than To.';
}
