/** The Dougal project id as every Dougal bridge method takes it (event log, sequences and plan). */
import { z } from 'zod';
import { firstForbiddenCharacter } from '../free-text';

/**
 * A Dougal project id (`pid`): single-line text without controls or broken characters, since it is
 * URL-encoded into every request path (a lone surrogate makes encodeURIComponent throw).
 */
export const dougalProjectSchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((pid) => firstForbiddenCharacter(pid, false) === null, 'the project id holds a control or broken character');
