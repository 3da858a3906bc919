/**
 * "Export diagnostics": a folder a crew member can zip and send to support. It holds the logs,
 * versions, settings and the outbox summary, and by construction no secrets: the credential files
 * are never read, settings come from an allowlist, and everything written is redacted again.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { arch, platform, release } from 'node:os';
import { basename, join } from 'node:path';
import type { OutboxSummary } from '../../../common/bridge/desktop-contract';
import { CorelogError } from '../../../common/errors';
import { ensureDataFolder } from '../user-data-dir';
import type { BusyWorkItem } from './busy-work';
import { peekJsonFile } from './json-file';
import { redactText, redactValue } from './redact';

/** Settings files worth reading; credentials.json and credential.key are deliberately absent. */
export const DIAGNOSTIC_SETTINGS_FILES = ['connections.json', 'update-settings.json', 'window-state.json'];
const NEVER_LIST_CONTENTS = /credential/i;

export interface DiagnosticsRequest {
  destinationDir: string;
  dataDir: string;
  logFiles: string[];
  appVersion: string;
  transport: 'electron' | 'browser';
  outbox: OutboxSummary;
  busyWork: BusyWorkItem[];
  /** Screens that failed during this run and showed their error notice (each is in the log too). */
  screenFailures?: { at: string; screen: string; message: string }[];
  now?: Date;
}

export async function writeDiagnostics(request: DiagnosticsRequest): Promise<{ folder: string; files: string[] }> {
  const now = request.now ?? new Date();
  let folder: string;
  try {
    // The data folder's own `diagnostics` folder may have a file in its way (set aside); a folder the user chose is never touched.
    if (request.destinationDir === join(request.dataDir, 'diagnostics')) ensureDataFolder(request.destinationDir);
    await mkdir(request.destinationDir, { recursive: true });
    folder = await makeOwnFolder(request.destinationDir, `corelog-diagnostics-${now.toISOString().replace(/[:.]/g, '-')}`);
    await mkdir(join(folder, 'logs'));
  } catch (error) {
    throw cannotWrite(request.destinationDir, error);
  }
  try {
    return { folder, files: await fillFolder(folder, request, now) };
  } catch (error) {
    // A half-written export (the disk filled up on the way) would be sent as if whole: it goes.
    await rm(folder, { recursive: true, force: true }).catch(() => undefined);
    throw cannotWrite(request.destinationDir, error);
  }
}

function cannotWrite(destinationDir: string, error: unknown): CorelogError {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === 'ENOSPC' || code === 'EDQUOT' ? 'the disk is full' : code === 'EROFS' || code === 'EACCES' || code === 'EPERM' ? 'the folder may not be written' : (code ?? (error as Error).message);
  return new CorelogError('unavailable', `Diagnostics could not be written to ${destinationDir} (${why}); choose another folder.`, { retryable: false, cause: error });
}

/** Writes the export's files into its own (new, empty) folder; the names written, in order. */
async function fillFolder(folder: string, request: DiagnosticsRequest, now: Date): Promise<string[]> {
  const files: string[] = [];
  const put = async (name: string, content: string) => {
    await writeFile(join(folder, name), content);
    files.push(name);
  };
  const putJson = (name: string, value: unknown) => put(name, `${JSON.stringify(redactValue(value), null, 2)}\n`);

  await putJson('versions.json', {
    corelog: request.appVersion,
    transport: request.transport,
    os: { platform: platform(), release: release(), arch: arch() },
    runtime: process.versions,
    exportedAt: now.toISOString(),
  });
  await putJson('settings.json', {
    files: Object.fromEntries(DIAGNOSTIC_SETTINGS_FILES.map((name) => [name, peekJsonFile(join(request.dataDir, name)) ?? null])),
    dataFolder: await describeFolder(request.dataDir),
  });
  await putJson('outbox.json', { outbox: request.outbox, workInProgress: request.busyWork.map(({ label, since }) => ({ label, since })) });
  await putJson('screen-failures.json', { thisRun: request.screenFailures ?? [], note: 'Earlier runs: see "screen failed" lines in logs/.' });
  // The newest saved "Check server" report of each system: what the real server answered is often
  // the first thing support needs. They were redacted when saved; they are redacted again here.
  for (const report of await newestServerChecks(join(request.dataDir, 'diagnostics'))) {
    await put(report.name, redactText(await readFile(report.path, 'utf8').catch(() => '')));
  }
  for (const logFile of request.logFiles) {
    const text = await readFile(logFile, 'utf8').catch(() => '');
    await put(join('logs', basename(logFile)), redactText(text));
  }
  await put('README.txt', README);
  return files;
}

/**
 * Creates a folder no other export uses: `name`, or `name-<random>` when that exists already (two
 * exports in the same millisecond, from two windows or two processes). mkdir without `recursive`
 * fails when the folder exists and only one caller can create it, so each export writes into its
 * own folder and never over another's files.
 */
async function makeOwnFolder(parent: string, name: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const folder = join(parent, attempt === 0 ? name : `${name}-${randomBytes(4).toString('hex')}`);
    try {
      await mkdir(folder);
      return folder;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 100) throw error;
    }
  }
}

/** The newest `corelog-server-check-<system>-<time>.txt` per system (names sort by time). */
async function newestServerChecks(dir: string): Promise<{ name: string; path: string }[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => /^corelog-server-check-(imago|dougal)-.+\.txt$/.test(name)).sort();
  const newest = new Map<string, string>();
  for (const name of names) newest.set(/^corelog-server-check-(imago|dougal)-/.exec(name)![1]!, name);
  return [...newest.values()].map((name) => ({ name, path: join(dir, name) }));
}

/** Names and sizes of the data folder's top level, to spot a missing or huge file. */
async function describeFolder(dir: string): Promise<Record<string, number | 'folder'>> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const listing: Record<string, number | 'folder'> = {};
  for (const entry of entries) {
    if (NEVER_LIST_CONTENTS.test(entry.name)) continue;
    listing[entry.name] = entry.isDirectory() ? 'folder' : (await stat(join(dir, entry.name)).catch(() => ({ size: -1 }))).size;
  }
  return listing;
}

const README = `Corelog diagnostics
====================
versions.json  Corelog, Electron/Chrome/Node and operating-system versions
settings.json  server addresses and app settings (passwords and tokens are never included)
outbox.json    what is waiting to be sent, as counts, and any work in progress
screen-failures.json  screens that failed during this run and showed their error notice
corelog-server-check-*.txt  the last saved "Check server" report of each system, if any
logs/          the app's log files, with anything that looks like a password or token removed

Send this folder (zipped) to whoever supports Corelog for you.
`;
