/**
 * The dry run of an archive import: walks the folder, reads each file's place (manifest line or
 * filename pattern), checks it the way intake will (the same `inspectPhoto`), hashes it, and
 * decides one outcome per file, streaming rows to a sink in the scan order. Nothing is uploaded
 * and nothing is written to Imago; the job (helper G's runner) keeps the rows.
 *
 * One outcome per file, the first that applies:
 * 1. `unmatched` — no manifest line and no pattern reads it (or its manifest line cannot be used);
 * 2. `refused`   — the intake check refuses it (empty, not an image, damaged, too large…);
 * 3. `on-imago`  — Imago already holds these bytes in this hole (proved by SHA-256, MD5, or by
 *                  hashing Imago's copy when its checksum proves nothing: never assumed);
 * 4. `duplicate` — an earlier file of the archive has the same bytes (`duplicateOf`), or is already
 *                  the photo for the same interval and image type;
 * 5. `overlap`   — the interval overlaps, without being the same, one Imago holds for the hole or
 *                  one an earlier `ready` file of the archive will create;
 * 6. `ready`     — the run uploads it (its reason says when it replaces a photo Imago holds).
 *
 * Memory stays bounded whatever the archive size: files stream from the walk through a small
 * window of files checked at once; what is kept per file is its hash and, for `ready` files, its
 * interval (a few dozen bytes each: ~10 MB for 100,000 files); Imago's holdings are kept for the
 * most recently used holes only.
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { ArchiveRow, ArchiveSource } from '../../../../common/bridge/archive-contract';
// A manifest's columns hold single values only.
import type { ScalarAttributeValues as AttributeValues } from '../../../../common/bridge/photo-contract';
import { CorelogError } from '../../../../common/errors';
import { compileArchivePatterns, matchArchivePath, type CompiledArchivePattern } from '../../../../common/photos/archive-pattern';
import { inspectPhoto } from '../../images';
import type { ImagoClient } from '../../imago/imago-client';
import { walkArchive, type ArchiveFile } from './archive-walk';
import { ImagoHoldings, NOT_CHECKED_WHOLE, type HeldImage, type HoleHoldings } from './imago-holdings';
import { manifestEntryFor, readManifest, type ArchiveManifest, type AttributeTypes, type ManifestReading } from './manifest';

/** What the run needs beyond the row: the manifest's attribute values for the interval. */
export interface PlanRowDetail {
  attributes: AttributeValues | null;
  /** The manifest line the file was read from (null: read by a pattern, or no line). */
  manifestLine: number | null;
}

export interface PlanSink {
  /** Each row once, in the scan order (`index` 0, 1, 2…); awaited before the next one. */
  row(row: ArchiveRow, detail: PlanRowDetail): void | Promise<void>;
  /** Files decided so far (after each row). */
  progress(filesSeen: number): void;
}

export interface PlanDeps {
  imago: () => ImagoClient;
  signal?: AbortSignal;
  /**
   * Files checked and hashed at once (default 8). More than the cores: each check waits in turns on
   * the disk, a structure thread and libvips; the image module's own decode budget bounds memory.
   */
  concurrency?: number;
  /**
   * When Imago's checksum for a photo of the hole proves nothing (absent, unknown algorithm) and
   * its size equals the file's, download Imago's copy once to compare (default true). Off, such a
   * file is `ready` and its reason says it could not be compared.
   */
  verifyByDownload?: boolean;
  /** Holes whose Imago holdings stay in memory (default 256). */
  holesCached?: number;
}

/** Depths closer than this are the same depth (Imago may round what it stores). */
const SAME_DEPTH = 0.001;

interface Reading {
  hole: string;
  from: number;
  to: number;
  imageType: string;
  attributes: AttributeValues | null;
  manifestLine: number | null;
}

interface Prepared {
  file: string;
  bytes: number;
  reading: Reading | null;
  /** Why it is unmatched or refused. */
  reason: string | null;
  refused: boolean;
  sha256: string | null;
  /** Imago's photo with these bytes in this hole, and how that was proved. */
  onImago: { image: HeldImage; how: string } | null;
  holdings: HoleHoldings | null;
  /** Set when Imago's checksums of this hole could not be compared (and no download proved a match). */
  unprovable: string | null;
}

/** Runs the dry run; resolves with the number of rows given to the sink. */
export async function planArchive(source: ArchiveSource, deps: PlanDeps, sink: PlanSink): Promise<{ filesTotal: number }> {
  const signal = deps.signal;
  const patterns = compileArchivePatterns(source.patterns);
  if (!patterns.ok) throw new CorelogError('validation', `${patterns.reason}.`, { retryable: false });
  if (patterns.compiled.length === 0 && source.manifest === null) throw new CorelogError('validation', 'Give at least one filename pattern or a manifest.', { retryable: false });
  const folder = resolve(source.folder);
  const info = await stat(folder).catch(() => null);
  if (!info?.isDirectory()) throw new CorelogError('validation', `The archive folder ${source.folder} does not exist or is not a folder.`, { retryable: false });

  const { imageTypes, attributeTypes } = await targetTypes(deps.imago(), source);
  const manifestPath = source.manifest === null ? null : resolve(folder, source.manifest);
  const manifest: ArchiveManifest | null = manifestPath === null ? null : await readManifest(manifestPath, folder, imageTypes, attributeTypes, signal);
  const usedLines = new Set<string>();
  const holdings = new ImagoHoldings({ imago: deps.imago, target: source.target, signal, maxHoles: deps.holesCached ?? 256 });
  const decide = new Decider();
  const context: PrepareContext = { folder, patterns: patterns.compiled, imageTypes, manifest, usedLines, holdings, verifyByDownload: deps.verifyByDownload ?? true, signal };

  let index = 0;
  const emit = async (row: Omit<ArchiveRow, 'index' | 'imageId' | 'imageryId'>, detail: PlanRowDetail) => {
    await sink.row({ ...row, index, imageId: null, imageryId: null }, detail);
    index++;
    sink.progress(index);
  };

  // A window of files being prepared at once; decided and emitted strictly in scan order.
  const window: Promise<Prepared>[] = [];
  const width = Math.max(1, Math.floor(deps.concurrency ?? 8));
  const drainOne = async () => {
    const prepared = await window.shift()!;
    signal?.throwIfAborted();
    const { row, detail } = decide.row(prepared);
    await emit(row, detail);
  };
  try {
    for await (const file of readAhead(walkArchive(folder, { skip: new Set(manifestPath ? [manifestPath] : []), signal }), HOLDINGS_LOOKAHEAD, (f) => warmHoldings(f, context))) {
      const pending = prepare(file, context);
      // Awaited in order below; a failure surfaces there, not as an unhandled rejection meanwhile.
      pending.catch(() => undefined);
      window.push(pending);
      if (window.length >= width) await drainOne();
    }
    while (window.length > 0) await drainOne();
  } finally {
    // On failure, let the files still in flight settle before the caller cleans up.
    await Promise.allSettled(window);
  }

  // Manifest lines whose file is not in the folder, then lines that name no file, in line order.
  if (manifest) {
    const missing = [...manifest.entries].filter(([file]) => !usedLines.has(file));
    const lines = [
      ...missing.map(([file, entry]) => ({
        line: entry.ok ? entry.reading.line : entry.line,
        file,
        reason: entry.ok ? `Manifest line ${entry.reading.line} names ${file}, which is not in the archive folder.` : entry.reason,
      })),
      ...manifest.orphans.map((o) => ({ line: o.line, file: `${basename(manifestPath!)} line ${o.line}`, reason: o.reason })),
    ].sort((a, b) => a.line - b.line);
    for (const line of lines) {
      signal?.throwIfAborted();
      await emit(unmatchedRow(line.file, 0, line.reason), { attributes: null, manifestLine: line.line });
    }
  }
  return { filesTotal: index };
}

/**
 * How many files ahead of the checks the walk runs, so Imago's holdings of the next hole are asked
 * for while the files of the current one are still being checked (and a hole's first file does
 * not wait for two round trips with nothing else to do).
 */
const HOLDINGS_LOOKAHEAD = 64;

/** Passes the items through unchanged, `ahead` items after `onSeen` saw each one. */
async function* readAhead<T>(source: AsyncIterable<T>, ahead: number, onSeen: (item: T) => void): AsyncGenerator<T> {
  const buffer: T[] = [];
  for await (const item of source) {
    onSeen(item);
    buffer.push(item);
    if (buffer.length > ahead) yield buffer.shift()!;
  }
  while (buffer.length > 0) yield buffer.shift()!;
}

/** Starts reading Imago's holdings of the file's hole (cached; a failure is met again when the file is prepared). */
function warmHoldings(file: ArchiveFile, ctx: PrepareContext): void {
  if (file.unreadableFolder !== undefined || file.skipped !== undefined) return;
  const entry = ctx.manifest ? manifestEntryFor(ctx.manifest, file.relativePath)?.entry : undefined;
  const hole = entry ? (entry.ok ? entry.reading.hole : null) : (() => {
    const match = matchArchivePath(file.relativePath, ctx.patterns, ctx.imageTypes);
    return match.ok ? match.fields.hole : null;
  })();
  if (hole !== null) ctx.holdings.hole(hole).catch(() => undefined);
}

/** The target's image types and attribute types, after checking it exists and can be written. */
async function targetTypes(client: ImagoClient, source: ArchiveSource): Promise<{ imageTypes: string[]; attributeTypes: AttributeTypes }> {
  const { workspaceName, datasetName, imageryTypeName } = source.target;
  const context = await client.context();
  const workspace = context.workspaces.find((w) => w.name === workspaceName);
  if (!workspace) throw new CorelogError('not-found', `Imago has no workspace "${workspaceName}" (or this account cannot see it).`, { system: 'imago', retryable: false });
  if (workspace.readonly) throw new CorelogError('forbidden', `The Imago workspace "${workspaceName}" is read-only for this account: photos cannot be imported into it.`, { system: 'imago', retryable: false });
  const dataset = workspace.datasets.find((d) => d.name === datasetName);
  if (!dataset) throw new CorelogError('not-found', `Imago has no dataset "${datasetName}" in workspace "${workspaceName}".`, { system: 'imago', retryable: false });
  const type = dataset.imageryTypes.find((t) => t.name === imageryTypeName);
  if (!type) throw new CorelogError('not-found', `The dataset "${datasetName}" has no imagery type "${imageryTypeName}".`, { system: 'imago', retryable: false });
  if (type.geometryType !== 'trace') {
    throw new CorelogError('validation', `The imagery type "${imageryTypeName}" places photos by ${type.geometryType === 'point' ? 'x/y/z' : 'name'}, not by depth: the archive import reads depths.`, { retryable: false });
  }
  const attributeTypes: AttributeTypes = new Map(type.attributeDefinitions.map((d) => [d.name, new Map(d.attributeTypes.map((t) => [t.name, t.dataType]))]));
  return { imageTypes: type.imageTypes.map((t) => t.name), attributeTypes };
}

interface PrepareContext {
  folder: string;
  patterns: CompiledArchivePattern[];
  imageTypes: string[];
  manifest: ArchiveManifest | null;
  usedLines: Set<string>;
  holdings: ImagoHoldings;
  verifyByDownload: boolean;
  signal: AbortSignal | undefined;
}

function readingOf(file: string, ctx: PrepareContext): { reading: Reading } | { reason: string } {
  const found = ctx.manifest ? manifestEntryFor(ctx.manifest, file) : null;
  if (found && (found.key === file || !anotherFile(ctx.folder, found.key, file))) {
    // A line serves one file: a second file matching it in another case is read by the patterns.
    if (!ctx.usedLines.has(found.key)) {
      ctx.usedLines.add(found.key);
      const { entry } = found;
      if (!entry.ok) return { reason: entry.reason };
      return { reading: fromManifest(entry.reading) };
    }
  }
  const match = matchArchivePath(file, ctx.patterns, ctx.imageTypes);
  if (!match.ok) return { reason: ctx.manifest && ctx.patterns.length === 0 ? 'The manifest does not name this file.' : match.reason };
  return { reading: { ...match.fields, attributes: null, manifestLine: null } };
}

/** Whether `key` names a file of its own beside `file` (it differs only in case: on Linux both can exist). */
function anotherFile(folder: string, key: string, file: string): boolean {
  const a = statSync(join(folder, key), { throwIfNoEntry: false });
  const b = statSync(join(folder, file), { throwIfNoEntry: false });
  return a !== undefined && b !== undefined && (a.ino !== b.ino || a.dev !== b.dev);
}

const fromManifest = (m: ManifestReading): Reading => ({ hole: m.hole, from: m.from, to: m.to, imageType: m.imageType, attributes: m.attributes, manifestLine: m.line });

/** Everything about one file that does not depend on the files before it. */
async function prepare(file: ArchiveFile, ctx: PrepareContext): Promise<Prepared> {
  ctx.signal?.throwIfAborted();
  if (file.unreadableFolder !== undefined) {
    const why = file.unreadableFolder === 'EACCES' || file.unreadableFolder === 'EPERM' ? 'this computer’s account may not read it' : file.unreadableFolder;
    return { file: file.relativePath, bytes: 0, reading: null, reason: `This folder cannot be opened (${why}): its files are not in the dry run.`, refused: false, sha256: null, onImago: null, holdings: null, unprovable: null };
  }
  if (file.skipped !== undefined) {
    // A manifest line naming it is answered by this row (not also reported as a file not found).
    const named = ctx.manifest ? manifestEntryFor(ctx.manifest, file.relativePath) : null;
    if (named) ctx.usedLines.add(named.key);
    return { file: file.relativePath, bytes: 0, reading: null, reason: file.skipped, refused: false, sha256: null, onImago: null, holdings: null, unprovable: null };
  }
  const read = readingOf(file.relativePath, ctx);
  const bytes = (await stat(file.absolutePath).catch(() => null))?.size ?? 0;
  const base: Prepared = { file: file.relativePath, bytes, reading: null, reason: null, refused: false, sha256: null, onImago: null, holdings: null, unprovable: null };
  if ('reason' in read) return { ...base, reason: read.reason };
  const { reading } = read;
  const holdingsPromise = ctx.holdings.hole(reading.hole);
  holdingsPromise.catch(() => undefined);
  const [check, holdings] = await Promise.all([refusalOf(file.absolutePath), holdingsPromise]);
  const needMd5 = holdings.byMd5.size > 0;
  const hashes = await hashFile(file.absolutePath, needMd5, ctx.signal).catch((error: unknown) => {
    if ((error as Error).name === 'AbortError') throw error;
    return null;
  });
  const prepared: Prepared = { ...base, reading, holdings, sha256: hashes?.sha256 ?? null };
  if (check !== null || hashes === null) return { ...prepared, refused: true, reason: check ?? 'The file cannot be read to the end.' };
  const bySha = holdings.bySha256.get(hashes.sha256);
  if (bySha) return { ...prepared, onImago: { image: bySha, how: 'same SHA-256' } };
  const byMd5 = hashes.md5 === null ? undefined : holdings.byMd5.get(hashes.md5);
  if (byMd5) return { ...prepared, onImago: { image: byMd5, how: 'same MD5: Imago gives MD5 checksums' } };
  // Photos of this hole whose checksum proves nothing: compare the ones that could be this file.
  const candidates = holdings.unprovable.filter((image) => image.size === null || image.size === bytes);
  if (candidates.length === 0) return prepared;
  const kinds = [...new Set(candidates.map((c) => (c.checksum.kind === 'unknown' ? `a checksum it does not say how it made ("${c.checksum.raw}")` : 'no checksum')))];
  if (!ctx.verifyByDownload) {
    return { ...prepared, unprovable: `Imago gives ${kinds.join(' or ')} for ${candidates.length === 1 ? 'a photo' : `${candidates.length} photos`} of this hole of the same size, so whether it already holds this file was not checked.` };
  }
  for (const image of candidates) {
    const proved = await ctx.holdings.proveSha256(reading.hole, image);
    if (proved === hashes.sha256) return { ...prepared, onImago: { image, how: `same SHA-256 of Imago's copy, downloaded to compare: Imago gives ${kinds.join(' or ')}` } };
  }
  return prepared;
}

/** The intake check's refusal, or null when the photo would be taken. */
async function refusalOf(path: string): Promise<string | null> {
  try {
    await inspectPhoto(path);
    return null;
  } catch (error) {
    if (error instanceof CorelogError && error.kind !== 'cancelled') {
      const said = error.message.trim().replace(/\.$/, '');
      return `Corelog would refuse it: ${said}.`;
    }
    throw error;
  }
}

/** SHA-256 (and MD5 when asked), streamed. */
async function hashFile(path: string, md5: boolean, signal: AbortSignal | undefined): Promise<{ sha256: string; md5: string | null }> {
  const sha = createHash('sha256');
  const md = md5 ? createHash('md5') : null;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024, ...(signal ? { signal } : {}) })) {
    sha.update(chunk as Buffer);
    md?.update(chunk as Buffer);
  }
  return { sha256: sha.digest('hex'), md5: md?.digest('hex') ?? null };
}

function unmatchedRow(file: string, bytes: number, reason: string): Omit<ArchiveRow, 'index' | 'imageId' | 'imageryId'> {
  return { file, bytes, outcome: 'unmatched', reason, hole: null, from: null, to: null, imageType: null, sha256: null, duplicateOf: null };
}

const depths = (from: number, to: number) => `${from}–${to}`;
const sameDepth = (a: number, b: number) => Math.abs(a - b) < SAME_DEPTH;

interface PlannedInterval {
  from: number;
  to: number;
  file: string;
}

/** The order-dependent half: duplicates and the archive's own intervals, decided in scan order. */
class Decider {
  /** SHA-256 → first file with those bytes (checked files only). */
  private readonly firstWithBytes = new Map<string, string>();
  /** hole → intervals `ready` files will create. */
  private readonly plannedIntervals = new Map<string, PlannedInterval[]>();
  /** hole|from|to|imageType → the `ready` file for that slot. */
  private readonly plannedSlots = new Map<string, string>();

  row(p: Prepared): { row: Omit<ArchiveRow, 'index' | 'imageId' | 'imageryId'>; detail: PlanRowDetail } {
    const r = p.reading;
    if (r === null) return { row: unmatchedRow(p.file, p.bytes, p.reason ?? 'No pattern fits this name.'), detail: { attributes: null, manifestLine: null } };
    const detail: PlanRowDetail = { attributes: r.attributes, manifestLine: r.manifestLine };
    const base = { file: p.file, bytes: p.bytes, hole: r.hole, from: r.from, to: r.to, imageType: r.imageType, sha256: p.sha256, duplicateOf: null };
    if (p.refused) return { row: { ...base, outcome: 'refused', reason: p.reason }, detail };
    const sha = p.sha256!;
    const earlier = this.firstWithBytes.get(sha);
    if (earlier === undefined) this.firstWithBytes.set(sha, p.file);
    if (p.onImago) {
      const held = p.onImago.image;
      const where = held.from !== null && held.to !== null ? ` as the ${held.imageTypeName ?? ''} photo of ${depths(held.from, held.to)}`.replace('the  photo', 'a photo') : '';
      return { row: { ...base, outcome: 'on-imago', reason: `Imago already holds this photo in ${r.hole}${where} (${p.onImago.how}).` }, detail };
    }
    if (earlier !== undefined) return { row: { ...base, outcome: 'duplicate', duplicateOf: earlier, reason: `The same bytes as ${earlier}.` }, detail };
    const slot = `${r.hole}|${r.from}|${r.to}|${r.imageType}`;
    const slotTaken = this.plannedSlots.get(slot);
    if (slotTaken !== undefined) {
      return {
        row: { ...base, outcome: 'duplicate', duplicateOf: slotTaken, reason: `${slotTaken} is already the ${r.imageType} photo of ${r.hole} ${depths(r.from, r.to)} (a different photo): keep one.` },
        detail,
      };
    }
    const overlap = this.overlapOf(r, p.holdings!);
    if (overlap !== null) return { row: { ...base, outcome: 'overlap', reason: overlap }, detail };
    this.plannedSlots.set(slot, p.file);
    const planned = this.plannedIntervals.get(r.hole) ?? [];
    if (!planned.some((i) => sameDepth(i.from, r.from) && sameDepth(i.to, r.to))) planned.push({ from: r.from, to: r.to, file: p.file });
    this.plannedIntervals.set(r.hole, planned);
    return { row: { ...base, outcome: 'ready', reason: this.readyNote(r, p) }, detail };
  }

  private overlapOf(r: Reading, holdings: HoleHoldings): string | null {
    const overlaps = (from: number, to: number) => !(sameDepth(from, r.from) && sameDepth(to, r.to)) && r.from < to - SAME_DEPTH && from < r.to - SAME_DEPTH;
    const onImago = holdings.intervals.filter((i) => overlaps(i.from, i.to)).sort((a, b) => a.from - b.from);
    if (onImago.length > 0) {
      const list = onImago.slice(0, 3).map((i) => depths(i.from, i.to));
      return `${depths(r.from, r.to)} overlaps ${list.join(' and ')}${onImago.length > 3 ? ' and more' : ''} that Imago holds for ${r.hole}.`;
    }
    const inArchive = (this.plannedIntervals.get(r.hole) ?? []).find((i) => overlaps(i.from, i.to));
    if (inArchive) return `${depths(r.from, r.to)} overlaps ${depths(inArchive.from, inArchive.to)} of ${inArchive.file} in this archive.`;
    return null;
  }

  /** A `ready` file's note: it replaces Imago's photo of the slot, or could not be compared. */
  private readyNote(r: Reading, p: Prepared): string | null {
    const replaced = p.holdings!.images.find((i) => i.imageTypeName === r.imageType && i.from !== null && i.to !== null && sameDepth(i.from, r.from) && sameDepth(i.to, r.to));
    const replaces = replaced ? `Imago holds a ${r.imageType} photo for ${depths(r.from, r.to)} already: the run replaces it.` : null;
    // Not in a list Imago did not hand out whole is not "not on Imago": said, and checked again by the run.
    const unread = p.holdings!.incomplete !== null ? `${NOT_CHECKED_WHOLE} (${p.holdings!.incomplete}.)` : null;
    return [replaces, p.unprovable, unread].filter((s): s is string => s !== null).join(' ') || null;
  }
}
