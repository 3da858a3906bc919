/**
 * The documents the concurrent writers of atomic-write.test.ts write: each names its writer and
 * write, and carries enough filler (about 256 KiB) that one write takes many system calls, so a
 * reader or the other writer has every chance to meet a half-written file.
 */
export interface WriterDocument {
  writer: string;
  write: number;
  filler: string[];
  /** Repeats `writer` and `write` at the end: a file mixing two documents fails this check. */
  end: string;
}

const FILLER_LINES = 4096;

export function documentFor(writer: string, write: number): WriterDocument {
  const line = `${writer}-${write}-`.padEnd(60, writer.slice(0, 1));
  return { writer, write, filler: Array.from({ length: FILLER_LINES }, () => line), end: `${writer}/${write}` };
}

/** Whether `text` is one whole document written by one writer (and not a mix, an empty file or a cut one). */
export function isWholeDocument(text: string, writers: readonly string[]): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return false;
  }
  const doc = parsed as Partial<WriterDocument>;
  if (typeof doc.writer !== 'string' || !writers.includes(doc.writer) || !Number.isInteger(doc.write)) return false;
  return JSON.stringify(doc) === JSON.stringify(documentFor(doc.writer, doc.write!));
}
