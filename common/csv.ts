/**
 * CSV as Corelog writes it for people to open in a spreadsheet, the same in every process (the
 * renderer's downloads, the archive import's report in main and in the `corelog import` command).
 */

/**
 * A UTF-8 byte order mark, written first: without one, Excel on Windows reads the file in the
 * system's code page and a hole named "Bøgeskov-3" or a remark's °, µ comes out garbled.
 */
export const CSV_BOM = '\ufeff';

/**
 * What a spreadsheet may run as a formula: `= + - @` first, or after blanks (some programs trim
 * them), their full-width forms (typed by Japanese and Chinese keyboards, read as formulas by some
 * spreadsheets), and a tab or CR first.
 */
export const CSV_FORMULA_START = /^(?:[\s\u00a0\u3000]*[=+\-@\uff1d\uff0b\uff0d\uff20]|[\t\r])/;

/** One cell: RFC 4180 quoting; text a spreadsheet would run as a formula gets a leading apostrophe. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && CSV_FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One line of cells, ended CRLF (RFC 4180). */
export function csvLine(values: readonly (string | number | null | undefined)[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
