/**
 * CSV of the filtered log, made in the renderer so it works offline, by the rule in common/csv.ts
 * (RFC 4180 quoting; a cell a spreadsheet would run as a formula gets a leading apostrophe).
 */
import type { LogEvent } from './event-log-db';
import { CSV_BOM, csvCell } from '../../../common/csv';
import { safeFileNamePart } from '../../../common/safe-file-name';
import { formatEventTime, type TimeZoneChoice } from './event-time';

const HEADER = ['id', 'time', 'sequence', 'point', 'remarks', 'labels', 'status'];

export function eventsToCsv(rows: readonly LogEvent[], zone: TimeZoneChoice): string {
  const lines = [HEADER.join(',')];
  for (const r of rows) {
    const status = r.deleted ? 'deleted' : r.sync;
    lines.push([r.id, r.tstamp ? formatEventTime(r.tstamp, zone) : '', r.sequence, r.point, r.remarks, r.labels.join(';'), status].map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * The name a download is offered under: callers build it from a Dougal project id
 * (`event-log-${project}.csv`), which may hold a right-to-left override, zero-width or control
 * characters, slashes and colons; the same rule as every other file name Corelog offers, extension kept.
 */
export function downloadName(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  const extension = dot > 0 && /^\.[a-z0-9]{1,5}$/i.test(fileName.slice(dot)) ? fileName.slice(dot) : '';
  const stem = safeFileNamePart(extension ? fileName.slice(0, dot) : fileName, 200);
  return `${stem || 'corelog'}${extension}`;
}

/**
 * Saves `text` as a file through the browser's download (the desktop app shows a save dialog),
 * with a UTF-8 byte order mark first: without one, Excel on Windows reads the file in the
 * system's code page and a remark's °, µ or ø comes out garbled.
 */
export function downloadCsv(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([CSV_BOM, text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = downloadName(fileName);
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
