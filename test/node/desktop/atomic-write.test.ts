/**
 * Settings and credential files are written atomically: two real Node processes write the same
 * file at the same time, each its own large document, while this process keeps reading it. Every
 * read must be one whole document of one writer (never empty, cut or mixed), no write may fail,
 * and no temporary file may be left. The same harness run with the writer Corelog had before
 * (one shared `<file>.tmp`) must catch it colliding, which shows the checks can fail.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJsonFile, writeJsonFile } from '../../../electron/services/desktop/json-file';
import { documentFor, isWholeDocument } from './atomic-write-documents';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');
const WRITERS = ['alpha', 'bravo'] as const;
const ITERATIONS = 150;

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'corelog-atomic-'))));
afterEach(async () => rm(dir, { recursive: true, force: true }));

interface WriterResult {
  writes: number;
  errors: string[];
}

interface RaceOutcome {
  results: WriterResult[];
  exitCodes: (number | null)[];
  reads: number;
  badReads: number;
  firstBadRead: string | null;
  finalText: string;
  leftovers: string[];
}

function startWriter(file: string, writer: string, mode: 'atomic' | 'fixed-temp'): { child: ChildProcessWithoutNullStreams; ready: Promise<void>; result: Promise<WriterResult>; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'atomic-writer-child.ts'), file, writer, String(ITERATIONS), mode], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  const ready = new Promise<void>((resolve, reject) => {
    lines.once('line', (line) => (line === 'ready' ? resolve() : reject(new Error(`writer ${writer} said ${line}`))));
    child.once('exit', () => reject(new Error(`writer ${writer} exited before it was ready: ${stderr}`)));
  });
  const result = new Promise<WriterResult>((resolve, reject) => {
    lines.on('line', (line) => {
      if (line !== 'ready') resolve(JSON.parse(line) as WriterResult);
    });
    child.once('exit', () => setTimeout(() => reject(new Error(`writer ${writer} gave no result: ${stderr}`)), 100));
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, ready, result, exit };
}

/** Both writers start together; this process reads the file until both have finished. */
async function race(mode: 'atomic' | 'fixed-temp'): Promise<RaceOutcome> {
  const file = join(dir, 'connections.json');
  // The file exists before the race, so any read of a missing file is a failure too.
  writeJsonFile(file, documentFor('alpha', -1));
  const writers = WRITERS.map((name) => startWriter(file, name, mode));
  await Promise.all(writers.map((w) => w.ready));
  let finished = false;
  const done = Promise.all(writers.map((w) => w.exit)).then((codes) => {
    finished = true;
    return codes;
  });
  for (const w of writers) w.child.stdin.end('go\n');

  let reads = 0;
  let badReads = 0;
  let firstBadRead: string | null = null;
  // Bounded: the writers finish within seconds; the reader stops with them (or after 60 s at most).
  const deadline = Date.now() + 60_000;
  while (!finished && Date.now() < deadline) {
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => `<${error.code}>`);
    reads++;
    if (!isWholeDocument(text, WRITERS)) {
      badReads++;
      firstBadRead ??= text.length > 120 ? `${text.slice(0, 60)}…(${text.length} chars)` : text || '<empty>';
    }
  }
  if (!finished) for (const w of writers) w.child.kill('SIGKILL');
  const exitCodes = await done;
  const results = await Promise.all(writers.map((w) => w.result.catch((error: Error) => ({ writes: 0, errors: [error.message] }))));
  return {
    results,
    exitCodes,
    reads,
    badReads,
    firstBadRead,
    finalText: await readFile(file, 'utf8').catch(() => ''),
    leftovers: (await readdir(dir)).filter((name) => name !== 'connections.json'),
  };
}

describe('atomic settings writes under two concurrent writer processes', () => {
  it('every read is one whole document of one writer; no write fails; no temporary file is left', async () => {
    const outcome = await race('atomic');
    expect(outcome.exitCodes).toEqual([0, 0]);
    expect(outcome.results).toEqual([
      { writes: ITERATIONS, errors: [] },
      { writes: ITERATIONS, errors: [] },
    ]);
    // The reader really overlapped the writers (each read is a whole 256 KiB document).
    expect(outcome.reads).toBeGreaterThan(20);
    expect({ badReads: outcome.badReads, firstBadRead: outcome.firstBadRead }).toEqual({ badReads: 0, firstBadRead: null });
    expect(isWholeDocument(outcome.finalText, WRITERS)).toBe(true);
    expect(JSON.parse(outcome.finalText)).toMatchObject({ write: ITERATIONS - 1 });
    expect(outcome.leftovers).toEqual([]);
  }, 120_000);

  it('the same checks catch the old writer (one shared temporary file) colliding', async () => {
    const outcome = await race('fixed-temp');
    const failedWrites = outcome.results.reduce((n, r) => n + r.errors.length + (ITERATIONS - r.writes), 0);
    const finalBroken = !isWholeDocument(outcome.finalText, WRITERS);
    expect({ failedWrites, badReads: outcome.badReads, finalBroken }).not.toEqual({ failedWrites: 0, badReads: 0, finalBroken: false });
  }, 120_000);
});

describe('writeJsonFile', () => {
  it('writes indented JSON with a trailing newline, the mode asked for, and leaves out what the replacer drops', async () => {
    const file = join(dir, 'nested', 'credentials.json');
    writeJsonFile(file, { version: 1, apiNotice: 'this run only', logins: {} }, { mode: 0o600, replacer: (key, value) => (key === 'apiNotice' ? undefined : value) });
    expect(await readFile(file, 'utf8')).toBe('{\n  "version": 1,\n  "logins": {}\n}\n');
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(readJsonFile(file)).toEqual({ version: 1, logins: {} });
    expect(await readdir(join(dir, 'nested'))).toEqual(['credentials.json']);
  });

  it('leaves the old file whole and no temporary file when the value cannot be written', async () => {
    const file = join(dir, 'update-settings.json');
    writeJsonFile(file, { enabled: false, feedUrl: null });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => writeJsonFile(file, cyclic)).toThrow();
    // A value that serialises but cannot be written: the target is a folder.
    expect(() => writeJsonFile(dir, { x: 1 })).toThrow();
    expect(readJsonFile(file)).toEqual({ enabled: false, feedUrl: null });
    expect((await readdir(dir)).sort()).toEqual(['update-settings.json']);
  });

  it('sweeps temporary files left by a writer that crashed, once they are old, and only those of this file', async () => {
    const file = join(dir, 'watch-folder.json');
    const crashedOld = join(dir, 'watch-folder.json.4242.a1b2c3d4e5f6.tmp');
    const crashedRecent = join(dir, 'watch-folder.json.4243.a1b2c3d4e5f7.tmp');
    const legacy = join(dir, 'watch-folder.json.tmp');
    const otherFile = join(dir, 'connections.json.4242.a1b2c3d4e5f6.tmp');
    for (const path of [crashedOld, crashedRecent, legacy, otherFile]) await writeFile(path, '{"half":');
    const anHourAgo = new Date(Date.now() - 60 * 60 * 1000);
    for (const path of [crashedOld, legacy, otherFile]) await utimes(path, anHourAgo, anHourAgo);
    writeJsonFile(file, { folder: null });
    // The recent one may belong to a write still under way in another process: it stays.
    expect((await readdir(dir)).sort()).toEqual(['connections.json.4242.a1b2c3d4e5f6.tmp', 'watch-folder.json', 'watch-folder.json.4243.a1b2c3d4e5f7.tmp']);
  });
});
