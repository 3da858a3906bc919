/**
 * The legacy tray-photo archive the archive-import tests share (issue 14): ~300 small real JPEGs
 * (sharp) in three naming conventions plus a CSV manifest, with copies inside the archive, photos
 * someone already put on Imago, damaged files, names that fit nothing and overlapping intervals.
 *
 * It is written from a list of files each of which carries the outcome the dry run must give it,
 * so tests compare against exact sets, never against what the code under test produced. The
 * photos "already on Imago" are put there with `seedArchiveOnImago` over plain HTTP (the same
 * `POST /image` a colleague's upload would make), so it works for an emulator in this process or
 * in another one (browser mode, a spawned CLI).
 *
 * Layout (target: "Firefly Resource Development" / "Diamond Drilling" / "Core Trays", Wet + Dry):
 * - `2018/<hole>/<from>-<to>_<Type>.jpg`      convention 1, `{hole}/{from}-{to}_{imageType}`
 * - `2019/<hole>_<from>_<to>_<Type>.jpg`      convention 2, `{hole}_{from}_{to}_{imageType}`
 * - `2020/<hole>/<Type>/<from>_<to>.jpg`      convention 3, `{hole}/{imageType}/{from}_{to}`
 * - `scans-2016/IMG_1001.jpg …` named by `manifest.csv` (BOM, CRLF, quoted cells, attributes)
 * - `zz-copied-from-laptop/…`                 byte-for-byte copies (duplicates; two of photos on Imago)
 * - `misc/…`                                  files no pattern fits
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import type { ArchiveOutcome, ArchiveRow, ArchiveSource, ArchiveTarget } from '../../common/bridge/archive-contract';
import { removeTestFolder } from './temp-folder';

export const ARCHIVE_TARGET: ArchiveTarget = {
  workspaceName: 'Firefly Resource Development',
  datasetName: 'Diamond Drilling',
  imageryTypeName: 'Core Trays',
};

/** The three conventions, in the order the source lists them. */
export const ARCHIVE_PATTERNS = ['{hole}/{from}-{to}_{imageType}', '{hole}_{from}_{to}_{imageType}', '{hole}/{imageType}/{from}_{to}'] as const;

/** The manifest's name inside the archive folder (the scan does not list the manifest itself). */
/** A dry-run row of file number `index` (hole H-<index>, <index>–<index + 1> m, Wet), ready to upload unless `overrides` say otherwise: for journal tests. */
export function plannedArchiveRow(index: number, overrides: Partial<ArchiveRow> = {}): ArchiveRow {
  return {
    index,
    file: `H-${index}_${index}_${index + 1}_Wet.jpg`,
    bytes: 1000 + index,
    outcome: 'ready',
    reason: null,
    hole: `H-${index}`,
    from: index,
    to: index + 1,
    imageType: 'Wet',
    sha256: index.toString(16).padStart(64, '0'),
    duplicateOf: null,
    imageId: null,
    imageryId: null,
    ...overrides,
  };
}

export const MANIFEST_NAME = 'manifest.csv';

/** Every outcome a dry run gives, with 0 where the fixture has none (the `counts` shape). */
export type OutcomeCounts = Record<ArchiveOutcome, number>;

/** One row the dry run must produce, with the facts a test may compare. */
export interface ExpectedArchiveFile {
  /** Relative, `/`-separated: the row's `file`. */
  file: string;
  outcome: ArchiveOutcome;
  /** What the name (or the manifest) says; null for unmatched rows. */
  hole: string | null;
  from: number | null;
  to: number | null;
  /** Imago's spelling of the image type (`Wet`, `Dry`), whatever case the name used. */
  imageType: string | null;
  /** SHA-256 of the file's bytes (null for a manifest line naming a file that does not exist). */
  sha256: string | null;
  bytes: number;
  /** For `duplicate`: the earlier file with the same bytes. */
  duplicateOf: string | null;
  /** A word or two the row's reason must contain (case-insensitive), or null when any reason will do. */
  reasonIncludes: string | null;
  /** Manifest rows: the attribute values the manifest gives (`{ Geology: { Lithology: 'Basalt' } }`). */
  attributes: Record<string, Record<string, string | number>> | null;
  /** Why this file is in the fixture (for a reader of a failing test). */
  note: string;
}

/** A photo on Imago: the slot it fills and its bytes' SHA-256. */
export interface ImagoPhoto {
  hole: string;
  from: number;
  to: number;
  imageType: string;
  sha256: string;
}

export interface ArchiveFixture {
  /** The archive folder (absolute). */
  folder: string;
  /** The manifest (absolute; inside `folder`). */
  manifest: string;
  /** Ready to hand to `archiveDryRun` / `planArchive`. */
  source: ArchiveSource;
  /** Every row the dry run must give, in no particular order. */
  expected: ExpectedArchiveFile[];
  /** Row count per outcome (all nine outcomes present). */
  counts: OutcomeCounts;
  /** Rows in all: `filesTotal` of the dry run (files found + manifest lines naming a missing file). */
  filesTotal: number;
  /** file → expected row. */
  byFile: Map<string, ExpectedArchiveFile>;
  /** The files the run must upload (the `ready` rows), each once. */
  toUpload: ExpectedArchiveFile[];
  /** The photos `seedArchiveOnImago` puts on Imago before the dry run. */
  seeded: ImagoPhoto[];
  /** After a complete run: the archive's photos Imago must hold (seeded + uploaded), one per slot. */
  imagoAfterRun: ImagoPhoto[];
  /** The holes the fixture touches on Imago (to filter `listArchivePhotosOnImago`). */
  holes: string[];
  remove(): Promise<void>;
}

// ---- building the list --------------------------------------------------------------------

interface Planned {
  file: string;
  outcome: ArchiveOutcome;
  hole: string | null;
  from: number | null;
  to: number | null;
  imageType: string | null;
  /** Content: a generated photo (by seed), a copy of another file, or raw bytes. */
  content: { photo: number } | { copyOf: string } | { raw: Buffer } | { missing: true };
  reasonIncludes: string | null;
  attributes?: Record<string, Record<string, string | number>> | null;
  note: string;
  /** Seeded onto Imago before the dry run. */
  seed?: boolean;
}

const TYPES = ['Wet', 'Dry'] as const;
const TRAYS_PER_HOLE = 12;
const TRAY_METRES = 5;

const d1 = (n: number) => n.toFixed(1);
const d2 = (n: number) => n.toFixed(2);
/** Convention 2 writes depths as the photographer typed them: no trailing `.0`. */
const plain = (n: number) => String(n);

function layout(): Planned[] {
  const out: Planned[] = [];
  let photo = 0;
  const next = () => ({ photo: ++photo });
  const good = (file: string, hole: string, from: number, to: number, imageType: string, extra: Partial<Planned> = {}): Planned => ({
    file,
    outcome: 'ready',
    hole,
    from,
    to,
    imageType,
    content: next(),
    reasonIncludes: null,
    note: 'a photo to upload',
    ...extra,
  });
  const trays = (hole: string, name: (from: number, to: number, type: string) => string, seeded: (from: number) => boolean) => {
    for (let i = 0; i < TRAYS_PER_HOLE; i++) {
      const from = i * TRAY_METRES;
      const to = from + TRAY_METRES;
      for (const type of TYPES) {
        const onImago = seeded(from);
        out.push(
          good(name(from, to, type), hole, from, to, type, onImago ? { outcome: 'on-imago', seed: true, reasonIncludes: null, note: 'already uploaded by a colleague' } : {}),
        );
      }
    }
  };
  const none = () => false;
  const firstFour = (from: number) => from < 4 * TRAY_METRES;

  // Convention 1: a folder per hole under the year.
  for (const hole of ['AR-DD-0001', 'AR-DD-0002', 'AR-DD-0003', 'AR-DD-0004']) {
    trays(hole, (f, t, type) => `2018/${hole}/${d1(f)}-${d1(t)}_${type}.jpg`, hole === 'AR-DD-0002' ? firstFour : none);
  }
  // Convention 2: flat, the year's photos side by side (one hole's image type in lower case).
  for (const hole of ['AR-DD-0005', 'AR-DD-0006', 'AR-DD-0007']) {
    trays(hole, (f, t, type) => `2019/${hole}_${plain(f)}_${plain(t)}_${hole === 'AR-DD-0005' ? type.toLowerCase() : type}.jpg`, hole === 'AR-DD-0006' ? firstFour : none);
  }
  // The manifest names this one for another hole (below): drop the pattern's reading of it.
  out.splice(
    out.findIndex((p) => p.file === '2019/AR-DD-0007_50_55_Dry.jpg'),
    1,
  );
  // Convention 3: a folder per hole, then per image type.
  for (const hole of ['AR-DD-0008', 'AR-DD-0009', 'AR-DD-0010']) {
    trays(hole, (f, t, type) => `2020/${hole}/${type}/${d2(f)}_${d2(t)}.JPG`, hole === 'AR-DD-0009' ? firstFour : none);
  }

  // A hole Imago already has (the demo site's FF-DD-0012: 102.0–106.8, 106.8–111.5, 111.5–116.3, 116.3–121.0).
  out.push({ ...good('2018/FF-DD-0012/104.0-108.0_Wet.jpg', 'FF-DD-0012', 104, 108, 'Wet'), outcome: 'overlap', reasonIncludes: '102', note: 'straddles two intervals Imago holds' });
  out.push(good('2018/FF-DD-0012/121.0-126.0_Wet.jpg', 'FF-DD-0012', 121, 126, 'Wet', { note: 'touches the last interval on Imago at 121 m: no overlap' }));
  // Overlaps intervals that exist on Imago because a colleague uploaded them (10–15 and 15–20 of AR-DD-0006).
  out.push({ ...good('2019/AR-DD-0006_12.5_17.5_Dry.jpg', 'AR-DD-0006', 12.5, 17.5, 'Dry'), outcome: 'overlap', reasonIncludes: '10', note: 'overlaps intervals on Imago' });
  // Overlaps an interval of an earlier file of this archive (2020/AR-DD-0010/…/55.00_60.00).
  out.push({ ...good('2020/AR-DD-0010/Wet/57.50_62.50.JPG', 'AR-DD-0010', 57.5, 62.5, 'Wet'), outcome: 'overlap', reasonIncludes: '55', note: 'overlaps an earlier file of the archive' });

  // Files the pipeline refuses (they fit a pattern, so they are checked).
  const bad = (file: string, raw: Buffer, reasonIncludes: string | null, note: string, from: number): Planned => ({
    file,
    outcome: 'refused',
    hole: 'AR-DD-0004',
    from,
    to: from + TRAY_METRES,
    imageType: 'Wet',
    content: { raw },
    reasonIncludes,
    note,
  });
  out.push(bad('2018/AR-DD-0004/60.0-65.0_Wet.jpg', Buffer.alloc(0), null, 'truncated JPEG (bytes filled in below)', 60));
  out.push(bad('2018/AR-DD-0004/65.0-70.0_Wet.jpg', Buffer.from('Tray photo to follow: camera battery flat.\n', 'utf8'), 'not an image', 'a text file named .jpg', 65));
  out.push(bad('2018/AR-DD-0004/70.0-75.0_Wet.jpg', Buffer.alloc(0), 'empty', 'zero bytes', 70));
  out.push(bad('2018/AR-DD-0004/75.0-80.0_Wet.jpg', Buffer.alloc(0), 'empty', 'zero bytes again: refused, not a duplicate of the other empty file', 75));

  // Names no pattern reads.
  const unmatched = (file: string, content: Planned['content'], reasonIncludes: string | null, note: string): Planned => ({
    file,
    outcome: 'unmatched',
    hole: null,
    from: null,
    to: null,
    imageType: null,
    content,
    reasonIncludes,
    note,
  });
  out.push(unmatched('2018/AR-DD-0001/notes.txt', { raw: Buffer.from('Trays 1-12 photographed wet then dry.\n') }, null, 'a note beside the photos'));
  out.push(unmatched('2018/AR-DD-0003/IMG_0042.JPG', next(), null, 'a camera name'));
  out.push(unmatched('2019/AR-DD-0005_20_15_Dry.jpg', next(), 'from', 'From is below To: fits the shape, not the meaning'));
  out.push(unmatched('2019/AR-DD-0007_0_5_UV.jpg', next(), 'UV', 'an image type Core Trays does not have'));
  out.push(unmatched('2020/AR-DD-0010/Wet/sixty_sixtyfive.jpg', next(), null, 'words for depths'));
  out.push(unmatched('misc/site-plan.pdf', { raw: Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n', 'latin1') }, null, 'not a photo, no pattern'));

  // Copies from a laptop: the same bytes as photos earlier in the scan.
  const copy = (file: string, of: string, outcome: ArchiveOutcome, note: string): Planned => {
    const original = out.find((p) => p.file === of)!;
    return { ...original, file, outcome, content: { copyOf: of }, seed: false, reasonIncludes: null, note };
  };
  for (const [hole, from, type] of [
    ['AR-DD-0001', 0, 'Wet'],
    ['AR-DD-0001', 5, 'Dry'],
    ['AR-DD-0001', 10, 'Wet'],
    ['AR-DD-0003', 30, 'Dry'],
    ['AR-DD-0003', 35, 'Wet'],
  ] as const) {
    out.push(copy(`zz-copied-from-laptop/${hole}_${d1(from)}_${d1(from + 5)}_${type}.jpg`, `2018/${hole}/${d1(from)}-${d1(from + 5)}_${type}.jpg`, 'duplicate', 'a copy of a convention-1 photo'));
  }
  for (const [hole, from, type] of [
    ['AR-DD-0008', 0, 'Wet'],
    ['AR-DD-0008', 20, 'Dry'],
    ['AR-DD-0010', 40, 'Wet'],
    ['AR-DD-0010', 55, 'Dry'],
  ] as const) {
    out.push(copy(`zz-copied-from-laptop/${hole}_${d1(from)}_${d1(from + 5)}_${type}.jpg`, `2020/${hole}/${type}/${d2(from)}_${d2(from + 5)}.JPG`, 'duplicate', 'a copy of a convention-3 photo'));
  }
  // A copy under another name of the same slot in the same folder: also a duplicate.
  out.push(copy('2019/backup/AR-DD-0007_55_60_Wet.JPEG', '2019/AR-DD-0007_55_60_Wet.jpg', 'duplicate', 'the same photo saved again in a backup folder, another extension'));
  // Copies of photos a colleague uploaded: Imago holds these bytes for the hole, which says more than "duplicate".
  out.push(copy('zz-copied-from-laptop/AR-DD-0002_0.0_5.0_Wet.jpg', '2018/AR-DD-0002/0.0-5.0_Wet.jpg', 'on-imago', 'a copy of a photo already on Imago'));
  out.push(copy('zz-copied-from-laptop/AR-DD-0009_15.0_20.0_Dry.jpg', '2020/AR-DD-0009/Dry/15.00_20.00.JPG', 'on-imago', 'a copy of a photo already on Imago'));

  // The manifest's photos: camera names the patterns do not read.
  const lithologies = ['Basalt', 'Dolerite', 'Gabbro', 'Quartz vein', 'Saprolite'];
  for (let i = 0; i < 30; i++) {
    const from = Math.floor(i / 2) * TRAY_METRES;
    const type = TYPES[i % 2]!;
    const attributes: Record<string, Record<string, string | number>> = {
      Geology: { Lithology: lithologies[i % lithologies.length]!, ...(i === 3 ? { Comments: 'Broken, "rubbly" zone\nsee log' } : {}) },
      'Core Tray Box Numbers': { StartBox: Math.floor(i / 2) + 1 },
    };
    out.push(good(`scans-2016/IMG_${1001 + i}.jpg`, 'AR-DD-0011', from, from + TRAY_METRES, type, { attributes, note: 'named by the manifest' }));
  }
  // Their reasons name the manifest line (filled in by manifestText).
  out.push(unmatched('scans-2016/IMG_1031.jpg', next(), 'line ?', 'manifest line with a From that is not a number'));
  out.push(unmatched('scans-2016/IMG_1032.jpg', next(), null, 'in the manifest folder but not in the manifest'));
  out.push(unmatched('scans-2016/IMG_1033.jpg', next(), 'line ?', 'manifest line with too few cells'));
  out.push(unmatched('scans-2016/IMG_1099.jpg', { missing: true }, 'line ?', 'manifest line naming a file that is not there'));
  // The manifest wins over the patterns: this name fits convention 2 (AR-DD-0007 50–55 Dry), the manifest says otherwise.
  out.push(
    good('2019/AR-DD-0007_50_55_Dry.jpg', 'AR-DD-0012', 0, 5, 'Dry', {
      attributes: { Geology: { Lithology: 'Gabbro' } },
      note: 'the manifest renames a file a pattern also reads',
    }),
  );
  return out;
}

/** The manifest: BOM, CRLF, a quoted cell with a comma, quotes and a line break, bad lines at known line numbers. */
function manifestText(planned: Planned[]): string {
  const cell = (value: string | number | undefined) => {
    if (value === undefined) return '';
    const text = String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const header = ['file', 'hole', 'from', 'to', 'imageType', 'Geology/Lithology', 'Geology/Comments', 'Core Tray Box Numbers/StartBox'];
  const lines = [header.join(',')];
  for (const p of planned) {
    if (!p.attributes) continue;
    const type = p.file.endsWith('IMG_1002.jpg') ? 'dry' : p.imageType!; // case does not matter
    lines.push(
      [p.file, p.hole!, p.from!, p.to!, type, p.attributes.Geology?.Lithology, p.attributes.Geology?.Comments, p.attributes['Core Tray Box Numbers']?.StartBox].map(cell).join(','),
    );
  }
  // A line's number is the physical line it starts on (the quoted comment spans two).
  const bad: [string, string][] = [
    ['scans-2016/IMG_1031.jpg', 'scans-2016/IMG_1031.jpg,AR-DD-0011,abc,80,Wet,Basalt,,'],
    ['scans-2016/IMG_1033.jpg', 'scans-2016/IMG_1033.jpg,AR-DD-0011'],
    ['scans-2016/IMG_1099.jpg', 'scans-2016/IMG_1099.jpg,AR-DD-0011,90,95,Wet,Basalt,,'],
  ];
  for (const [file, line] of bad) {
    const lineNumber = lines.join('\n').split('\n').length + 1;
    lines.push(line);
    planned.find((p) => p.file === file)!.reasonIncludes = `line ${lineNumber}`;
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

// ---- the photos -----------------------------------------------------------------------------

/**
 * A small real JPEG (baseline, no EXIF orientation, so Corelog uploads it byte for byte), unique
 * per `seed`: a tray-coloured background with a block placed and coloured by the seed.
 */
export async function smallTrayJpeg(seed: number, width = 160, height = 96): Promise<Buffer> {
  const channel = (k: number) => (seed * k) % 200 + 28;
  const block = { width: Math.round(width / 4), height: Math.round(height / 3), channels: 3 as const, background: { r: channel(53), g: channel(97), b: channel(31) } };
  const left = (seed * 7) % (width - block.width);
  const top = (seed * 3) % (height - block.height);
  return sharp({ create: { width, height, channels: 3, background: { r: 120 + (seed % 60), g: 100 + ((seed * 5) % 50), b: 80 } } })
    .composite([{ input: { create: block }, left, top }])
    .removeAlpha()
    .jpeg({ quality: 80 })
    .toBuffer();
}

const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Writes the archive into a new temporary folder (or `into`, which must be empty) and answers
 * what the dry run must find. Takes about a second.
 */
export async function createArchiveFixture(into?: string): Promise<ArchiveFixture> {
  const folder = into ?? (await mkdtemp(join(tmpdir(), 'corelog-archive-')));
  const planned = layout();
  const bytesOf = new Map<string, Buffer>();
  for (const p of planned) {
    const c = p.content;
    let bytes: Buffer | null;
    if ('photo' in c) bytes = await smallTrayJpeg(c.photo);
    else if ('copyOf' in c) bytes = bytesOf.get(c.copyOf)!;
    else if ('raw' in c) bytes = c.raw;
    else bytes = null;
    if (p.file === '2018/AR-DD-0004/60.0-65.0_Wet.jpg') {
      const whole = await smallTrayJpeg(9_999);
      bytes = whole.subarray(0, Math.floor(whole.length / 2));
    }
    if (bytes === null) continue;
    bytesOf.set(p.file, bytes);
    await mkdir(dirname(join(folder, p.file)), { recursive: true });
    await writeFile(join(folder, p.file), bytes);
  }
  const manifest = join(folder, MANIFEST_NAME);
  await writeFile(manifest, manifestText(planned), 'utf8');

  const expected: ExpectedArchiveFile[] = planned.map((p) => {
    const bytes = bytesOf.get(p.file) ?? null;
    const copyOf = 'copyOf' in p.content ? p.content.copyOf : null;
    return {
      file: p.file,
      outcome: p.outcome,
      hole: p.outcome === 'unmatched' ? null : p.hole,
      from: p.outcome === 'unmatched' ? null : p.from,
      to: p.outcome === 'unmatched' ? null : p.to,
      imageType: p.outcome === 'unmatched' ? null : p.imageType,
      sha256: bytes ? sha256Of(bytes) : null,
      bytes: bytes?.length ?? 0,
      duplicateOf: p.outcome === 'duplicate' ? copyOf : null,
      reasonIncludes: p.reasonIncludes,
      attributes: p.attributes ?? null,
      note: p.note,
    };
  });
  const counts = Object.fromEntries(
    (['ready', 'unmatched', 'refused', 'on-imago', 'duplicate', 'overlap', 'uploaded', 'failed', 'skipped'] as const).map((o) => [o, expected.filter((e) => e.outcome === o).length]),
  ) as OutcomeCounts;
  const photo = (e: ExpectedArchiveFile): ImagoPhoto => ({ hole: e.hole!, from: e.from!, to: e.to!, imageType: e.imageType!, sha256: e.sha256! });
  const seeded = planned.filter((p) => p.seed).map((p) => photo(expected.find((e) => e.file === p.file)!));
  const toUpload = expected.filter((e) => e.outcome === 'ready');
  const holes = [...new Set(expected.filter((e) => e.hole !== null).map((e) => e.hole!))].sort();
  return {
    folder,
    manifest,
    source: { folder, patterns: [...ARCHIVE_PATTERNS], manifest, target: { ...ARCHIVE_TARGET } },
    expected,
    counts,
    filesTotal: expected.length,
    byFile: new Map(expected.map((e) => [e.file, e])),
    toUpload,
    seeded,
    imagoAfterRun: [...seeded, ...toUpload.map(photo)],
    holes,
    remove: () => removeTestFolder(folder),
  };
}

// ---- Imago over plain HTTP --------------------------------------------------------------------

/** Where an Imago (emulator) answers: `baseUrl` ends in `/integrate/2`. */
export interface ImagoAt {
  baseUrl: string;
  username?: string;
  password?: string;
}

async function imagoSession(at: ImagoAt): Promise<(path: string, init?: RequestInit) => Promise<Response>> {
  const base = at.baseUrl.replace(/\/+$/, '');
  const reply = await fetch(`${base}/session`, {
    method: 'POST',
    body: JSON.stringify({ username: at.username ?? 'demo', password: at.password ?? 'demo' }),
    headers: { 'content-type': 'application/json' },
  });
  if (!reply.ok) throw new Error(`Imago sign-in → ${reply.status}: ${await reply.text()}`);
  const { apiToken } = (await reply.json()) as { apiToken: string };
  return async (path, init = {}) => {
    const response = await fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${apiToken}`, ...(init.headers as Record<string, string> | undefined) } });
    if (!response.ok) throw new Error(`Imago ${init.method ?? 'GET'} ${path} → ${response.status}: ${await response.text()}`);
    return response;
  };
}

/** The emulator's upload dialect (admin endpoint), or the defaults when it has none. */
async function uploadDialect(at: ImagoAt): Promise<{ raw: boolean; partName: string; mimeParam: string }> {
  const origin = new URL(at.baseUrl).origin;
  try {
    const reply = await fetch(`${origin}/__admin/imago/options`);
    if (reply.ok) {
      const o = (await reply.json()) as { uploadEncoding?: string; uploadPartName?: string; mimeParam?: string };
      return { raw: o.uploadEncoding === 'raw-only', partName: o.uploadPartName ?? 'file', mimeParam: o.mimeParam === 'required-mimetype' ? 'mimetype' : 'mimeType' };
    }
  } catch {
    // No admin endpoint: the documented defaults.
  }
  return { raw: false, partName: 'file', mimeParam: 'mimeType' };
}

/**
 * Puts the fixture's "already uploaded by a colleague" photos on Imago (their holes first), as
 * plain `POST /collection` + `POST /image` calls. Run it once per emulator, before the dry run.
 */
export async function seedArchiveOnImago(fixture: ArchiveFixture, at: ImagoAt): Promise<void> {
  const call = await imagoSession(at);
  const dialect = await uploadDialect(at);
  const { workspaceName, datasetName, imageryTypeName } = fixture.source.target;
  for (const hole of [...new Set(fixture.seeded.map((p) => p.hole))]) {
    await call('/collection', { method: 'POST', body: JSON.stringify({ workspaceName, datasetName, name: hole }), headers: { 'content-type': 'application/json' } });
  }
  for (const photo of fixture.seeded) {
    const row = fixture.expected.find((e) => e.sha256 === photo.sha256 && e.outcome === 'on-imago' && !e.file.startsWith('zz-'))!;
    const bytes = await readFile(join(fixture.folder, row.file));
    const query = new URLSearchParams({
      workspaceName,
      datasetName,
      collectionName: photo.hole,
      imageryTypeName,
      imageTypeName: photo.imageType,
      startDepth: String(photo.from),
      endDepth: String(photo.to),
      [dialect.mimeParam]: 'image/jpeg',
    });
    let body: Buffer;
    let contentType: string;
    if (dialect.raw) {
      body = bytes;
      contentType = 'image/jpeg';
    } else {
      const boundary = `----corelog-fixture-${photo.sha256.slice(0, 16)}`;
      body = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${dialect.partName}"; filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
        bytes,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      contentType = `multipart/form-data; boundary=${boundary}`;
    }
    await call(`/image?${query}`, { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': contentType } });
  }
}

/** A photo Imago lists for one of the fixture's holes (`deleted`: replaced by a later upload). */
export interface ListedPhoto extends ImagoPhoto {
  imageId: string;
  imageryId: string;
  deleted: boolean;
}

/**
 * Every photo of the archive (bytes equal to one of its files) Imago holds for the fixture's holes
 * in the target imagery type, current and replaced ones, read with `GET /image-metadata` (paged). The SHA-256 comes from the emulator's stored
 * record (`/__admin/imago/images/:id`) when the listed checksum is not a bare SHA-256 (the
 * `checksumStyle` switch), so the comparison holds whichever dialect a test ran.
 */
export async function listArchivePhotosOnImago(fixture: ArchiveFixture, at: ImagoAt): Promise<ListedPhoto[]> {
  const call = await imagoSession(at);
  const origin = new URL(at.baseUrl).origin;
  const { workspaceName, datasetName, imageryTypeName } = fixture.source.target;
  const holes = new Set(fixture.holes);
  const archiveBytes = new Set(fixture.expected.map((e) => e.sha256));
  const out: ListedPhoto[] = [];
  for (const deleted of [false, true]) {
    for (let offset = 0, pages = 0; pages < 1000; pages++) {
      const query = new URLSearchParams({ workspaceName, datasetName, imageryTypeName, offset: String(offset), limit: '500', ...(deleted ? { deleted: 'true' } : {}) });
      const reply = (await (await call(`/image-metadata?${query}`)).json()) as { images?: Record<string, unknown>[] | null };
      const images = reply.images ?? [];
      for (const image of images) {
        const hole = String(image.collectionName);
        if (!holes.has(hole)) continue;
        let sha256 = typeof image.checksum === 'string' ? image.checksum : '';
        if (!/^[0-9a-f]{64}$/.test(sha256)) {
          const record = (await (await fetch(`${origin}/__admin/imago/images/${String(image.id)}`)).json()) as { checksum: string };
          sha256 = record.checksum;
        }
        // The demo site's own photos of FF-DD-0012 are not the archive's.
        if (!archiveBytes.has(sha256)) continue;
        out.push({
          hole,
          from: Number(image.startDepth),
          to: Number(image.endDepth),
          imageType: String(image.imageTypeName),
          sha256,
          imageId: String(image.id),
          imageryId: String(image.imageryId),
          deleted,
        });
      }
      if (images.length < 500) break;
      offset += images.length;
    }
  }
  return out;
}

/** Sort key for comparing photo sets: hole, from, to, image type, SHA-256. */
export function photoKey(p: ImagoPhoto): string {
  return `${p.hole}|${p.from}|${p.to}|${p.imageType}|${p.sha256}`;
}
