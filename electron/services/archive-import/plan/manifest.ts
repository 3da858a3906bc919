/**
 * The archive manifest: a CSV whose first line names the columns — `file`, `hole`, `from`, `to`,
 * `imageType` (any case; spaces and underscores ignored), then one column per attribute written
 * `Definition/Attribute` (e.g. `Geology/Lithology`). `file` is relative to the archive folder.
 *
 * A manifest line wins over the patterns for the file it names. A line that cannot be used makes
 * its file `unmatched` with the line number in the reason, never silently read by a pattern
 * instead: the user meant that line for that file. A header that cannot be used (a required
 * column missing, an attribute column the imagery type does not have) refuses the whole manifest,
 * since every line would be read wrong.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { fieldProblem, parseDepth, resolveImageType } from '../../../../common/photos/archive-pattern';
// A manifest's columns hold single values only.
import type { ScalarAttributeValues as AttributeValues } from '../../../../common/bridge/photo-contract';
import { CorelogError } from '../../../../common/errors';
import { freeTextProblem } from '../../../../common/free-text';
import { MAX_CELLS, readCsvRecords, type CsvRecord } from './csv-records';

/** What one usable manifest line says about its file. */
export interface ManifestReading {
  line: number;
  hole: string;
  from: number;
  to: number;
  imageType: string;
  attributes: AttributeValues | null;
}

/** A manifest line for a file: its reading, or why it cannot be used. */
export type ManifestEntry = { ok: true; reading: ManifestReading } | { ok: false; line: number; reason: string };

/** A line that names no file at all (kept to be reported). */
export interface ManifestOrphanLine {
  line: number;
  reason: string;
}

export interface ArchiveManifest {
  /** Normalised relative path → entry. */
  entries: Map<string, ManifestEntry>;
  /** Lines without a file name. */
  orphans: ManifestOrphanLine[];
}

/**
 * The manifest's key and entry for a file found in the folder: by its exact path, else by the path
 * in any case when only one line could mean it (manifests are typed on Windows shares, where
 * `IMG_1001.JPG` and `img_1001.jpg` are the same file).
 */
export function manifestEntryFor(manifest: ArchiveManifest, file: string): { key: string; entry: ManifestEntry } | null {
  const exact = manifest.entries.get(file);
  if (exact) return { key: file, entry: exact };
  let lower = lowerCaseIndex.get(manifest);
  if (!lower) {
    lower = new Map();
    for (const key of manifest.entries.keys()) {
      const folded = key.toLowerCase();
      lower.set(folded, lower.has(folded) ? null : key);
    }
    lowerCaseIndex.set(manifest, lower);
  }
  const key = lower.get(file.toLowerCase());
  return key ? { key, entry: manifest.entries.get(key)! } : null;
}

/** Folded path → the one key it stands for (null: several keys fold the same). */
const lowerCaseIndex = new WeakMap<ArchiveManifest, Map<string, string | null>>();

/** The attribute types of the target imagery type: definition → attribute → data type. */
export type AttributeTypes = Map<string, Map<string, string>>;

const REQUIRED_COLUMNS = ['file', 'hole', 'from', 'to', 'imagetype'] as const;
const columnKey = (name: string) => name.trim().toLowerCase().replace(/[\s_-]+/g, '');

/** `a\b/./c` → `a/b/c`; a path given absolute (inside `folder`) is made relative to it. */
export function normaliseManifestPath(file: string, folder: string): string {
  let path = file.trim();
  if (isAbsolute(path)) path = relative(folder, path).split(sep).join('/');
  return path
    .replace(/\\/g, '/')
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/');
}

interface AttributeColumn {
  index: number;
  definition: string;
  attribute: string;
  dataType: string;
}

/**
 * Reads the whole manifest into memory (one entry per line: small next to the archive it
 * describes). `imageTypes` and `attributeTypes` are the target imagery type's.
 */
export async function readManifest(path: string, folder: string, imageTypes: readonly string[], attributeTypes: AttributeTypes, signal?: AbortSignal): Promise<ArchiveManifest> {
  const entries = new Map<string, ManifestEntry>();
  const orphans: ManifestOrphanLine[] = [];
  let columns: Record<(typeof REQUIRED_COLUMNS)[number], number> | null = null;
  let attributeColumns: AttributeColumn[] = [];
  let width = 0;
  try {
    for await (const record of readCsvRecords(path, { signal })) {
      if (columns === null) {
        if (record.tooManyCells) throw new CorelogError('validation', `The manifest's first line has more than ${MAX_CELLS} columns: it is not a manifest (or it is damaged).`, { retryable: false });
        ({ columns, attributeColumns } = readHeader(record.cells, attributeTypes));
        width = record.cells.length;
        continue;
      }
      const at = `Manifest line ${record.line}`;
      const fileCell = record.cells[columns.file]?.trim() ?? '';
      if (!fileCell) {
        orphans.push({ line: record.line, reason: `${at} names no file.` });
        continue;
      }
      const file = normaliseManifestPath(fileCell, folder);
      const earlier = entries.get(file);
      if (earlier) {
        const first = earlier.ok ? earlier.reading.line : earlier.line;
        entries.set(file, { ok: false, line: first, reason: `Manifest lines ${first} and ${record.line} both name this file; keep one.` });
        continue;
      }
      entries.set(file, readLine(record, at, columns, attributeColumns, width, imageTypes));
    }
  } catch (error) {
    if (error instanceof CorelogError || (error as Error).name === 'AbortError') throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `${path} does not exist` : code === 'EISDIR' ? `${path} is a folder, not a CSV file` : code === 'EACCES' || code === 'EPERM' ? `this computer’s account may not read ${path}` : (code ?? (error as Error).message);
    throw new CorelogError('validation', `The manifest cannot be read (${why}).`, { retryable: false, cause: error });
  }
  if (columns === null) throw new CorelogError('validation', 'The manifest is empty: its first line must name the columns file, hole, from, to, imageType.', { retryable: false });
  return { entries, orphans };
}

function readHeader(cells: string[], attributeTypes: AttributeTypes): { columns: Record<(typeof REQUIRED_COLUMNS)[number], number>; attributeColumns: AttributeColumn[] } {
  const keys = cells.map(columnKey);
  const missing = REQUIRED_COLUMNS.filter((name) => !keys.includes(name));
  if (missing.length > 0) {
    throw new CorelogError(
      'validation',
      `The manifest's first line must name its columns: file, hole, from, to, imageType, then attributes as Definition/Attribute. Missing: ${missing.join(', ')}.`,
      { retryable: false },
    );
  }
  const columns = Object.fromEntries(REQUIRED_COLUMNS.map((name) => [name, keys.indexOf(name)])) as Record<(typeof REQUIRED_COLUMNS)[number], number>;
  const attributeColumns: AttributeColumn[] = [];
  const unknown: string[] = [];
  cells.forEach((cell, index) => {
    if ((REQUIRED_COLUMNS as readonly string[]).includes(keys[index]!) || cell.trim() === '') return;
    const slash = cell.indexOf('/');
    const definition = slash === -1 ? '' : cell.slice(0, slash).trim();
    const attribute = slash === -1 ? '' : cell.slice(slash + 1).trim();
    const dataType = attributeTypes.get(definition)?.get(attribute);
    if (!dataType) unknown.push(cell.trim());
    else attributeColumns.push({ index, definition, attribute, dataType });
  });
  if (unknown.length > 0) {
    const known = [...attributeTypes].flatMap(([definition, types]) => [...types.keys()].map((attribute) => `${definition}/${attribute}`));
    throw new CorelogError(
      'validation',
      `The manifest has columns this imagery type has no attribute for: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''}. Attribute columns are written Definition/Attribute${known.length ? `, e.g. ${known.slice(0, 3).join(', ')}` : ''}.`,
      { retryable: false },
    );
  }
  return { columns, attributeColumns };
}

function readLine(
  record: CsvRecord,
  at: string,
  columns: Record<(typeof REQUIRED_COLUMNS)[number], number>,
  attributeColumns: AttributeColumn[],
  width: number,
  imageTypes: readonly string[],
): ManifestEntry {
  const fail = (reason: string): ManifestEntry => ({ ok: false, line: record.line, reason: `${at}: ${reason}.` });
  if (record.unclosedQuote) return fail('a quote is opened and never closed');
  if (record.tooManyCells) return fail(`more than ${MAX_CELLS} cells (the header names ${width})`);
  const needed = Math.max(...Object.values(columns)) + 1;
  if (record.cells.length < needed) return fail(`${record.cells.length} cell${record.cells.length === 1 ? '' : 's'}, but file, hole, from, to and imageType are all needed`);
  if (record.cells.length > width && record.cells.slice(width).some((c) => c.trim() !== '')) return fail(`more cells (${record.cells.length}) than the header names (${width})`);
  const cell = (name: keyof typeof columns) => record.cells[columns[name]]!.trim();
  const from = parseDepth(cell('from'));
  const to = parseDepth(cell('to'));
  if (from === null) return fail(`From "${cell('from')}" is not a depth`);
  if (to === null) return fail(`To "${cell('to')}" is not a depth`);
  const fields = { hole: cell('hole'), from, to, imageType: cell('imagetype') };
  // The same rules as the photo list's hole field and attribute values (photo-contract.ts).
  const holeProblem = freeTextProblem(fields.hole, { maxLength: 300, multiline: false, label: 'The hole name' });
  if (holeProblem !== null) return fail(holeProblem.replace(/\.$/, ''));
  const problem = fieldProblem(fields, imageTypes);
  if (problem !== null) return fail(problem);
  let attributes: AttributeValues | null = null;
  for (const column of attributeColumns) {
    const text = (record.cells[column.index] ?? '').trim();
    if (text === '') continue;
    const textProblem = freeTextProblem(text, { maxLength: 10_000, label: `${column.definition}/${column.attribute}` });
    if (textProblem !== null) return fail(textProblem.replace(/\.$/, ''));
    let value: string | number = text;
    if (column.dataType === 'number') {
      const number = Number(text.replace(',', '.'));
      if (!Number.isFinite(number)) return fail(`${column.definition}/${column.attribute} "${text}" is not a number`);
      value = number;
    }
    attributes ??= {};
    (attributes[column.definition] ??= {})[column.attribute] = value;
  }
  return { ok: true, reading: { line: record.line, ...fields, imageType: resolveImageType(fields.imageType, imageTypes)!, attributes } };
}
