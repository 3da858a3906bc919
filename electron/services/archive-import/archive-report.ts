/**
 * The job's report CSV (dry run or final): one line per file with its outcome, reason and Imago's
 * ids, in UTF-8 with a byte order mark and formula-guarded cells (common/csv.ts). Written page by
 * page from the journal (bounded memory), to a temporary file renamed into place, so a
 * half-written report never stands under the name asked for.
 */
import { randomUUID } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join } from 'node:path';
import type { ArchiveRow } from '../../../common/bridge/archive-contract';
import { CSV_BOM, csvCell, csvLine } from '../../../common/csv';
import { CorelogError } from '../../../common/errors';
import type { ArchiveJournal } from './archive-journal';

export const REPORT_COLUMNS = ['file', 'outcome', 'reason', 'hole', 'from', 'to', 'imageType', 'bytes', 'sha256', 'duplicateOf', 'imageId', 'imageryId'] as const;

/** Re-exported for the callers that quote a cell of their own (one rule for every CSV Corelog writes). */
export { csvCell };

export function reportLine(row: ArchiveRow): string {
  return csvLine(REPORT_COLUMNS.map((column) => row[column]));
}

/** Refuses a report path the user cannot mean: relative, not `.csv`, or in a folder that does not exist. */
export async function checkReportPath(path: string): Promise<void> {
  const problem = (message: string) => new CorelogError('validation', message, { retryable: false, issues: [{ path: 'path', message }] });
  if (!isAbsolute(path)) throw problem('Give the report’s full path (a folder and a file name ending in .csv).');
  if (extname(path).toLowerCase() !== '.csv') throw problem('The report is a CSV file: its name must end in .csv.');
  const folder = await stat(dirname(path)).catch(() => null);
  if (!folder?.isDirectory()) throw problem(`The folder ${dirname(path)} does not exist.`);
  const existing = await stat(path).catch(() => null);
  if (existing && !existing.isFile()) throw problem(`${path} is not a file.`);
}

/** Writes the report; answers how many rows it holds. */
export async function writeReport(journal: ArchiveJournal, path: string): Promise<number> {
  await checkReportPath(path);
  const temp = join(dirname(path), `.${basename(path)}.${randomUUID().slice(0, 8)}.tmp`);
  const file = await open(temp, 'wx');
  let rows = 0;
  try {
    // The byte order mark first: Excel on Windows reads a CSV without one in the system's code page.
    let chunk = CSV_BOM + csvLine(REPORT_COLUMNS);
    for await (const row of journal.allRows()) {
      chunk += reportLine(row);
      rows++;
      if (chunk.length > 256 * 1024) {
        await file.write(chunk);
        chunk = '';
      }
    }
    await file.write(chunk);
    await file.sync();
    await file.close();
    await rename(temp, path);
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
  return rows;
}
