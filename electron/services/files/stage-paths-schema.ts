/**
 * What the desktop preload sends when files are handed over: absolute paths of real File objects
 * (page script cannot invent one). Each entry is checked on its own, so one odd entry (a File
 * with no place on disk, e.g. dragged from a web page) fails alone instead of refusing the pick.
 */
import { z } from 'zod';
import type { StagedFileOutcome } from '../../../common/bridge/contract';
import { fail, ok, type Result } from '../../../common/result';
import type { StagedFiles } from './staged-files';

/** The message as a whole: a list of 1 to 2,000 entries. */
export const stagePathsSchema = z.array(z.unknown()).min(1).max(2000);

/** One entry: the file's path and the name the user saw. */
export const stagePathEntrySchema = z
  .object({ path: z.string().min(1, 'a file without a path cannot be handed over').max(4096), name: z.string().max(1024) })
  .strict();

/** Registers every entry on its own: one outcome per entry, in order; only a message that is not a list fails as a whole. */
export async function stageHandedOverPaths(stagedFiles: StagedFiles, input: unknown): Promise<Result<StagedFileOutcome[]>> {
  const list = stagePathsSchema.safeParse(input);
  if (!list.success) return fail({ kind: 'validation', message: 'Choose between 1 and 2,000 files at a time.', retryable: false });
  const outcomes: StagedFileOutcome[] = [];
  for (const raw of list.data) {
    const entry = stagePathEntrySchema.safeParse(raw);
    if (entry.success) {
      outcomes.push(...(await stagedFiles.registerEach([entry.data])));
      continue;
    }
    const name = nameOf(raw);
    outcomes.push({ ok: false, name, error: { kind: 'validation', message: `“${name}” is not a file on this computer, so it cannot be handed over.`, retryable: false } });
  }
  return ok(outcomes);
}

function nameOf(raw: unknown): string {
  const name = raw !== null && typeof raw === 'object' && Object.hasOwn(raw, 'name') ? (raw as { name: unknown }).name : undefined;
  return typeof name === 'string' && name.length > 0 && name.length <= 1024 ? name : 'file';
}
