/**
 * CSV records read from a file as a stream: RFC 4180 quoting (a quoted cell may hold commas,
 * doubled quotes and line breaks), CRLF or LF, a UTF-8 byte-order mark, and `;` as the separator
 * when the header uses it (what spreadsheet programs write in locales with a decimal comma). Each
 * record says the physical line it starts on, so a problem can be reported as "line 12".
 */
import { createReadStream } from 'node:fs';

export interface CsvRecord {
  /** 1-based physical line the record starts on. */
  line: number;
  cells: string[];
  /** The record ended inside an open quote (at the end of the file). */
  unclosedQuote: boolean;
  /** The record had more than MAX_CELLS cells: the ones after were read past, not kept. */
  tooManyCells?: true;
}

/** Longest cell kept (a runaway quote must not swallow a gigabyte into one string). */
const MAX_CELL_CHARS = 100_000;
/**
 * Most cells kept per record: far more columns than any imagery type has attributes, and what
 * keeps a damaged file (a line of nothing but separators) from growing one record without end.
 */
export const MAX_CELLS = 1_000;

type State = 'cell-start' | 'plain' | 'quoted' | 'quote-in-quoted';

/** Yields the file's records in order; blank lines are skipped. */
export async function* readCsvRecords(path: string, options: { signal?: AbortSignal | undefined } = {}): AsyncGenerator<CsvRecord> {
  let separator = ',';
  let cells: string[] = [];
  let cell = '';
  let state: State = 'cell-start';
  let line = 1;
  let recordLine = 1;
  let first = true;
  /** The last character was a CR: a LF right after it belongs to the same line break. */
  let pendingCr = false;
  let tooManyCells = false;
  const push = () => {
    if (cells.length < MAX_CELLS) cells.push(cell);
    else tooManyCells = true;
  };
  const add = (ch: string) => {
    if (cell.length < MAX_CELL_CHARS) cell += ch;
  };
  const finish = (unclosedQuote: boolean): CsvRecord | null => {
    push();
    const out = cells;
    const overflow = tooManyCells;
    tooManyCells = false;
    cells = [];
    cell = '';
    state = 'cell-start';
    const startedOn = recordLine;
    recordLine = line;
    if (out.length === 1 && out[0]!.trim() === '' && !unclosedQuote) return null;
    return overflow ? { line: startedOn, cells: out, unclosedQuote, tooManyCells: true } : { line: startedOn, cells: out, unclosedQuote };
  };
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 64 * 1024 });
  for await (const chunk of stream as AsyncIterable<string>) {
    options.signal?.throwIfAborted();
    let text = chunk;
    if (first) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      const headerEnd = text.search(/\r|\n/);
      const header = headerEnd === -1 ? text : text.slice(0, headerEnd);
      if (!header.includes(',') && header.includes(';')) separator = ';';
    }
    for (const ch of text) {
      if (pendingCr) {
        pendingCr = false;
        if (ch === '\n') continue;
      }
      const lineBreak = ch === '\n' || ch === '\r';
      if (lineBreak) {
        line++;
        pendingCr = ch === '\r';
      }
      if (state === 'quoted') {
        if (ch === '"') state = 'quote-in-quoted';
        // A quoted line break is kept as a plain newline (CRLF normalised).
        else add(lineBreak ? '\n' : ch);
        continue;
      }
      if (state === 'quote-in-quoted') {
        if (ch === '"') {
          add('"');
          state = 'quoted';
          continue;
        }
        state = 'plain';
      } else if (state === 'cell-start' && ch === '"') {
        state = 'quoted';
        continue;
      }
      if (ch === separator) {
        push();
        cell = '';
        state = 'cell-start';
      } else if (lineBreak) {
        const done = finish(false);
        if (done) yield done;
      } else {
        add(ch);
        state = 'plain';
      }
    }
  }
  if (state === 'quoted' || cell !== '' || cells.length > 0) {
    const done = finish(state === 'quoted');
    if (done) yield done;
  }
}
