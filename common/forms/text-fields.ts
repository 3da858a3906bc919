/**
 * Text fields with a shape of their own: a colour, the name of a new hole, and the file-name
 * pattern of the photo intake. Free text in general follows common/free-text.ts.
 */
import { z } from 'zod';
import { freeTextProblem } from '../free-text';
import { compileFilenamePattern } from '../photos/filename-pattern';
import { defineField, type FormField } from './form-field';

const COLOUR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

/** A colour written `#RGB` or `#RRGGBB` (Imago's colour attributes); read in capitals, as Imago shows them. */
export function colourField(label: string): FormField<string> {
  return defineField<string>({
    label,
    base: z.string(),
    check: (value) => (COLOUR.test(value) ? null : `${label}: enter a colour as #RGB or #RRGGBB.`),
    fromText: (text) => ({ value: text.toUpperCase() }),
  });
}

/** Longest hole name Corelog creates. */
export const HOLE_NAME_MAX = 100;

/**
 * Why a new hole (Imago collection) cannot get this name, or null: one line, no control
 * characters, at most 100 characters, and no slashes (Corelog keys holes by
 * workspace/dataset/name, and Imago's portal links carry the name in a path).
 */
export function holeNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (!trimmed) return 'Enter a hole name.';
  const text = freeTextProblem(trimmed, { maxLength: HOLE_NAME_MAX, multiline: false, label: 'The hole name' });
  if (text) return text;
  return /[/\\]/.test(trimmed) ? 'A hole name cannot contain / or \\.' : null;
}

/** The name of a hole created here; the bridge gets it trimmed. */
export const holeNameField: FormField<string> = defineField<string>({
  label: 'The hole name',
  base: z.string(),
  check: holeNameProblem,
  fromText: (text) => ({ value: text }),
});

/** The bridge's schema for a new hole's name: the field's rule, then trimmed. */
export const newHoleNameSchema = holeNameField.schema.transform((name) => name.trim());

/** Longest file-name pattern. */
export const FILENAME_PATTERN_MAX = 200;

/** Why a file-name pattern (`{hole}_{from}_{to}_{imageType}`) cannot be used, or null. */
export function filenamePatternProblem(pattern: string): string | null {
  const trimmed = pattern.trim();
  if (!trimmed) return 'File name pattern: enter a pattern such as {hole}_{from}_{to}_{imageType}.';
  if (trimmed.length > FILENAME_PATTERN_MAX) return `File name pattern: at most ${FILENAME_PATTERN_MAX} characters.`;
  const compiled = compileFilenamePattern(trimmed);
  return compiled.ok ? null : `File name pattern: ${compiled.reason}.`;
}

export const filenamePatternField: FormField<string> = defineField<string>({
  label: 'File name pattern',
  base: z.string(),
  check: filenamePatternProblem,
  fromText: (text) => ({ value: text }),
});

/** The bridge's schema for a file-name pattern: the field's rule, then trimmed. */
export const filenamePatternSchema = filenamePatternField.schema.transform((pattern) => pattern.trim());
