/**
 * `corelog import …`: the archive import without the window, for an admin to run overnight on a
 * workstation. Same jobs, same journal and same connection settings as the app (its data folder),
 * so a job started in one is resumed in the other. Exit codes (also in ARCHIVE-IMPORT.md):
 *   0  done: the dry run ended, or the run uploaded every `ready` file
 *   1  the run ended, but some files could not be uploaded (the report says which and why)
 *   2  the command was not understood (arguments)
 *   3  the job could not start or go on: folder, manifest, target, sign-in, permissions
 *   4  stopped by Ctrl+C / SIGTERM: the job is paused; `--resume` goes on where it stopped
 *   5  the job is running in another Corelog process (the app, or another command)
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { archiveSourceSchema, type ArchiveJobStatus, type ArchiveSource } from '../../../common/bridge/archive-contract';
import { CorelogError, toBridgeError } from '../../../common/errors';
import { ConnectionSettingsStore } from '../connections/connection-settings';
import { CredentialVault } from '../credentials/credential-vault';
import { FileKeyCipher } from '../credentials/file-key-cipher';
import type { SecretCipher } from '../credentials/secret-cipher';
import { ImagoClient } from '../imago/imago-client';
import { profileDataDir } from '../sample-systems/profiles';
import { defaultUserDataDir } from '../user-data-dir';
import { compileArchivePatterns } from '../../../common/photos/archive-pattern';
import { ArchiveJobs } from './archive-jobs';
import { checkReportPath } from './archive-report';
import { needsCheckBeforeSending } from './plan/imago-holdings';
import { MIN_RATE_BYTES_PER_SECOND } from './rate-limiter';

export const EXIT = { done: 0, someFailed: 1, usage: 2, cannotRun: 3, interrupted: 4, busy: 5 } as const;

export const IMPORT_USAGE = `Usage:
  corelog import --folder DIR (--pattern PATTERN ... | --manifest FILE) --workspace NAME --dataset NAME --imagery-type NAME
                 [--dry-run] [--report FILE.csv] [--max-rate RATE] [--data DIR]
  corelog import --resume [JOB-ID] [--report FILE.csv] [--max-rate RATE] [--data DIR]
  corelog import --list [--data DIR]

  --pattern      how file paths read, e.g. "{hole}/{from}-{to}_{imageType}" (repeatable; tried in order)
  --manifest     CSV: file, hole, from, to, imageType, then one column per attribute (wins over patterns)
  --dry-run      check only: counts, and with --report the table of every file; nothing is uploaded
  --resume       go on with a job (the newest unfinished one when no id is given)
  --report       write the report CSV (file, outcome, reason, Imago ids) when the command ends
  --max-rate     bandwidth cap, bytes per second; K, M suffixes (1024-based): 256K, 1.5M
  --data         Corelog's data folder (default: the app's, or CORELOG_DATA_DIR)

Sign-in: the Imago login saved by browser mode, or CORELOG_IMAGO_USERNAME and CORELOG_IMAGO_PASSWORD.
Exit codes: 0 done, 1 some files failed, 2 bad arguments, 3 cannot run, 4 interrupted (paused), 5 running elsewhere.`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** A terminal: a progress bar redrawn in place; otherwise plain lines. */
  isTTY: boolean;
  /** Resolves when the user asks to stop (Ctrl+C, SIGTERM). */
  interrupted?: Promise<void>;
}

class UsageError extends Error {}

/** `256K`, `1.5M`, `4096` → bytes per second (K and M are 1024-based). */
export function parseRate(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b(?:\/s)?)?\s*$/i.exec(text);
  if (!match) throw new UsageError(`--max-rate must be a number of bytes per second, like 256K or 2M (not "${text}").`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  const rate = Math.round(Number(match[1]) * unit);
  // Refused here, not by the run: the run starts only after a dry run that may take hours.
  if (rate < MIN_RATE_BYTES_PER_SECOND) throw new UsageError(`--max-rate must be at least ${MIN_RATE_BYTES_PER_SECOND / 1024}K (${MIN_RATE_BYTES_PER_SECOND} bytes per second), not "${text}".`);
  return rate;
}

const MB = 1024 * 1024;
const formatBytes = (n: number) => (n >= MB ? `${(n / MB).toFixed(1)} MB` : `${Math.round(n / 1024)} KB`);
const formatTime = (s: number) => (s >= 3600 ? `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min` : s >= 60 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${Math.round(s)} s`);

function countsLine(status: ArchiveJobStatus): string {
  return Object.entries(status.counts)
    .filter(([, n]) => n > 0)
    .map(([outcome, n]) => `${outcome} ${n}`)
    .join(', ');
}

function progressText(status: ArchiveJobStatus): string {
  if (status.phase === 'scanning') return `checking: ${status.filesSeen} files`;
  const sent = status.counts.uploaded + status.counts.failed;
  const of = sent + status.counts.ready;
  const rate = status.bytesPerSecond ? `${formatBytes(status.bytesPerSecond)}/s` : '–';
  const left = status.secondsLeft !== null ? formatTime(status.secondsLeft) : '–';
  const bar = of > 0 ? Math.round((sent / of) * 20) : 20;
  const waiting = status.phase === 'waiting-for-imago' ? ' (waiting for Imago)' : '';
  return `[${'#'.repeat(bar)}${'.'.repeat(20 - bar)}] ${sent}/${of} files, ${formatBytes(status.bytesSent)} of ${formatBytes(status.bytesToSend)}, ${rate}, ${left} left${waiting}`;
}

/** Runs `corelog import …` (argv without `import`); answers the exit code. */
export async function runImportCli(argv: string[], io: CliIo): Promise<number> {
  let values: ReturnType<typeof parse>;
  try {
    values = parse(argv);
    // The report's folder is checked before the work, not when the report is written at the end
    // of a dry run and upload that may have taken all night.
    if (values.report !== undefined && !values.list) await reportPathUsable(resolve(values.report));
    if (values.resume === undefined && !values.list && !values.help) sourceFrom(values);
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${IMPORT_USAGE}\n`);
    return EXIT.usage;
  }
  if (values.help) {
    io.stdout(`${IMPORT_USAGE}\n`);
    return EXIT.done;
  }

  const dataDir = profileDataDir(resolve(values.data ?? defaultUserDataDir(io.env)), 'real');
  let imago: ImagoClient;
  try {
    imago = imagoClientFor(dataDir, io.env);
  } catch (error) {
    io.stderr(`${toBridgeError(error).message}\n`);
    return EXIT.cannotRun;
  }
  let lastLine = '';
  let lastPlain = 0;
  const show = (status: ArchiveJobStatus) => {
    // A job that stopped has no progress to draw: what happened is said once, at the end.
    if (status.phase !== 'scanning' && status.phase !== 'running' && status.phase !== 'waiting-for-imago') return;
    const line = progressText(status);
    if (io.isTTY) {
      io.stderr(`\r${line.padEnd(lastLine.length)}`);
      lastLine = line;
    } else if (Date.now() - lastPlain >= 5_000 && line !== lastLine) {
      io.stderr(`${new Date().toISOString()} ${line}\n`);
      lastPlain = Date.now();
      lastLine = line;
    }
  };
  const endLine = () => {
    if (io.isTTY && lastLine) io.stderr('\n');
    lastLine = '';
  };
  const jobs = new ArchiveJobs({
    dataDir,
    imago: () => imago,
    onChange: show,
    emitEveryMs: io.isTTY ? 200 : 1_000,
    log: (level, message) => {
      if (level === 'warn') io.stderr(`${message}\n`);
    },
  });
  let stopping = false;
  try {
    if (values.list) {
      const listed = await jobs.list();
      if (listed.length === 0) io.stdout(`No import jobs in ${dataDir}.\n`);
      for (const job of listed) {
        io.stdout(`${job.jobId}  ${job.phase.padEnd(17)} ${job.createdAt}  ${job.source.folder}  (${countsLine(job)})\n`);
      }
      return EXIT.done;
    }

    let jobId: string;
    if (values.resume !== undefined) {
      jobId = typeof values.resume === 'string' ? values.resume : await newestUnfinished(jobs);
      io.stderr(`Resuming job ${jobId}.\n`);
    } else {
      const source = sourceFrom(values);
      const started = await jobs.dryRun(source);
      jobId = started.jobId;
      io.stderr(`Job ${jobId}: checking ${source.folder}\n`);
      const interrupted = io.interrupted?.then(async () => {
        stopping = true;
        await jobs.pause(jobId);
      });
      interrupted?.catch(() => undefined);
      const planned = await jobs.settled(jobId);
      endLine();
      if (planned.phase !== 'planned') {
        io.stderr(`The dry run did not end: ${planned.message ?? planned.phase}\n`);
        return stopping ? EXIT.interrupted : EXIT.cannotRun;
      }
      io.stdout(`Dry run: ${planned.filesTotal} files: ${countsLine(planned)}; ${formatBytes(planned.bytesToSend)} to upload.\n`);
      const unchecked = await readyNeedingCheck(jobs, jobId);
      if (unchecked > 0) {
        io.stdout(`${unchecked} ready file(s): Imago did not list their hole whole (it ignores the paging offset), so they are not known to be missing there; the run asks Imago about each one's interval before sending it.\n`);
      }
      if (values['dry-run']) {
        await writeReportIfAsked(jobs, jobId, values.report, io);
        io.stdout(`Job ${jobId}. To upload: corelog import --resume ${jobId}\n`);
        return EXIT.done;
      }
    }

    const rate = values['max-rate'] === undefined ? undefined : parseRate(values['max-rate']);
    try {
      await jobs.run(jobId, rate);
    } catch (error) {
      const problem = toBridgeError(error);
      io.stderr(`${problem.message}\n`);
      return problem.kind === 'conflict' ? EXIT.busy : problem.kind === 'validation' && rate !== undefined ? EXIT.usage : EXIT.cannotRun;
    }
    void io.interrupted?.then(async () => {
      stopping = true;
      await jobs.pause(jobId).catch(() => undefined);
    });
    const end = await jobs.settled(jobId);
    endLine();
    io.stdout(`Run: ${countsLine(end)}; ${formatBytes(end.bytesSent)} sent.\n`);
    await writeReportIfAsked(jobs, jobId, values.report, io);
    if (stopping || (end.phase === 'paused' && !end.message)) {
      io.stdout(`Paused. To go on: corelog import --resume ${jobId}\n`);
      return EXIT.interrupted;
    }
    if (end.phase !== 'done') {
      io.stderr(`The run stopped: ${end.message ?? end.phase}\n`);
      return EXIT.cannotRun;
    }
    if (end.counts.failed > 0) {
      io.stderr(`${end.counts.failed} file(s) could not be uploaded${values.report ? `: see ${values.report}` : ' (use --report FILE.csv to see which and why)'}.\n`);
      return EXIT.someFailed;
    }
    return EXIT.done;
  } catch (error) {
    endLine();
    if (error instanceof UsageError) {
      io.stderr(`${error.message}\n\n${IMPORT_USAGE}\n`);
      return EXIT.usage;
    }
    const problem = toBridgeError(error);
    io.stderr(`${problem.message}\n`);
    if (problem.kind === 'conflict') return EXIT.busy;
    return EXIT.cannotRun;
  } finally {
    await jobs.dispose();
  }
}

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      folder: { type: 'string' },
      pattern: { type: 'string', multiple: true },
      manifest: { type: 'string' },
      workspace: { type: 'string' },
      dataset: { type: 'string' },
      'imagery-type': { type: 'string' },
      'dry-run': { type: 'boolean' },
      resume: { type: 'boolean' },
      report: { type: 'string' },
      'max-rate': { type: 'string' },
      data: { type: 'string' },
      list: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 1 || (positionals.length === 1 && !values.resume)) throw new UsageError(`Unexpected argument "${positionals.at(-1)}".`);
  if (values['max-rate'] !== undefined) parseRate(values['max-rate']);
  if (values.report !== undefined && !values.report.toLowerCase().endsWith('.csv')) throw new UsageError('--report must name a .csv file.');
  if (values.resume && values['dry-run']) throw new UsageError('--resume and --dry-run do not go together: a resumed job has had its dry run.');
  if (values.resume && (values.folder || values.pattern || values.manifest)) throw new UsageError('--resume takes the job as it was planned: leave out --folder, --pattern and --manifest.');
  const resume: string | true | undefined = values.resume ? (positionals[0] ?? true) : undefined;
  return { ...values, resume };
}

/** The report path as `checkReportPath` judges it, its refusal said as an argument problem. */
async function reportPathUsable(path: string): Promise<void> {
  try {
    await checkReportPath(path);
  } catch (error) {
    throw new UsageError(`--report: ${(error as Error).message}`);
  }
}

/** Option names as the command spells them, for a source field the schema names. */
const OPTION_OF: Record<string, string> = { folder: '--folder', patterns: '--pattern', manifest: '--manifest', workspaceName: '--workspace', datasetName: '--dataset', imageryTypeName: '--imagery-type' };

function sourceFrom(values: ReturnType<typeof parse>): ArchiveSource {
  const missing = ['folder', 'workspace', 'dataset', 'imagery-type'].filter((k) => !values[k as keyof typeof values]);
  if (missing.length) throw new UsageError(`Missing ${missing.map((m) => `--${m}`).join(', ')}.`);
  if (values.pattern?.some((p) => p.trim() === '')) throw new UsageError('--pattern cannot be empty: give how file paths read, e.g. "{hole}/{from}-{to}_{imageType}".');
  // A pattern the dry run cannot use is an argument problem, said before a job is made for it.
  const patterns = compileArchivePatterns(values.pattern ?? []);
  if (!patterns.ok) throw new UsageError(`--pattern: ${patterns.reason}.`);
  const parsed = archiveSourceSchema.safeParse({
    folder: resolve(values.folder!),
    patterns: values.pattern ?? [],
    manifest: values.manifest ? resolve(values.manifest) : null,
    target: { workspaceName: values.workspace, datasetName: values.dataset, imageryTypeName: values['imagery-type'] },
  });
  if (!parsed.success) {
    const said = parsed.error.issues.map((i) => {
      const option = i.path.map(String).map((p) => OPTION_OF[p]).find((o) => o !== undefined);
      const which = typeof i.path[1] === 'number' ? ` ${i.path[1] + 1}` : '';
      // In the command's words, not zod's ("Too big: expected array to have <=20 items").
      const said = i.code === 'too_big' ? (i.origin === 'array' ? `at most ${String(i.maximum)} can be given.` : `longer than ${String(i.maximum)} characters.`) : i.code === 'too_small' ? 'empty.' : i.message;
      return option ? `${option}${which}: ${said}` : said;
    });
    throw new UsageError(said.join(' '));
  }
  return parsed.data;
}

async function newestUnfinished(jobs: ArchiveJobs): Promise<string> {
  const open = (await jobs.list()).find((job) => job.phase !== 'done' && job.phase !== 'scanning' && job.filesTotal !== null);
  if (!open) throw new CorelogError('not-found', 'There is no unfinished import job to resume (see corelog import --list).', { retryable: false });
  return open.jobId;
}

async function writeReportIfAsked(jobs: ArchiveJobs, jobId: string, report: string | undefined, io: CliIo): Promise<void> {
  if (!report) return;
  const path = resolve(report);
  const { rows } = await jobs.saveReport(jobId, path);
  io.stdout(`Report: ${path} (${rows} files).\n`);
}

/**
 * The Imago client the app would use: its server address and API settings from the data folder,
 * its login from the environment or the credentials browser mode saved. The desktop app encrypts
 * saved passwords with the OS keyring (Electron's safeStorage), which plain Node cannot open.
 */
/** Stands in for the OS keyring a command cannot reach: nothing it holds can be opened here. */
const KEYRING_ONLY: SecretCipher = {
  info: { secure: true, backend: 'os-keyring', explanation: 'Saved by the desktop app in the OS keyring.' },
  encrypt: () => {
    throw new CorelogError('unavailable', 'A command cannot save passwords.');
  },
  decrypt: () => {
    throw new CorelogError('unavailable', 'The OS keyring cannot be opened without the desktop app.');
  },
};

function imagoClientFor(dataDir: string, env: NodeJS.ProcessEnv): ImagoClient {
  const settings = new ConnectionSettingsStore(join(dataDir, 'connections.json'), env).current.imago;
  let login: { username: string; password: string } | null;
  if (env.CORELOG_IMAGO_USERNAME && env.CORELOG_IMAGO_PASSWORD) {
    login = { username: env.CORELOG_IMAGO_USERNAME, password: env.CORELOG_IMAGO_PASSWORD };
  } else {
    const keyFile = join(dataDir, 'credential.key');
    // Without browser mode's key file a saved password can only be the desktop app's: not tried
    // with a new key (FileKeyCipher would make one), which could not open it anyway.
    const vault = new CredentialVault(join(dataDir, 'credentials.json'), existsSync(keyFile) ? new FileKeyCipher(keyFile) : KEYRING_ONLY);
    login = vault.load('imago');
    if (!login) {
      throw new CorelogError(
        'auth',
        vault.hasStoredPassword('imago')
          ? 'The Imago password the desktop app saved is locked in this computer’s keyring, which a command cannot open. Set CORELOG_IMAGO_USERNAME and CORELOG_IMAGO_PASSWORD for the command (or sign in once in browser mode, npm run web, with "Remember password").'
          : 'No Imago sign-in is saved for this data folder. Set CORELOG_IMAGO_USERNAME and CORELOG_IMAGO_PASSWORD, or sign in once in browser mode (npm run web) with "Remember password".',
        { system: 'imago', retryable: false },
      );
    }
  }
  const known = login;
  return new ImagoClient({ baseUrl: settings.serverUrl, credentials: async () => known, api: settings.api });
}

/** How many `ready` rows say Imago's holdings of their hole could not be read whole (see NOT_CHECKED_WHOLE). */
async function readyNeedingCheck(jobs: ArchiveJobs, jobId: string): Promise<number> {
  let count = 0;
  for (let offset = 0; ; offset += 500) {
    const page = await jobs.rows(jobId, offset, 500, ['ready']);
    count += page.rows.filter((row) => needsCheckBeforeSending(row.reason)).length;
    if (page.rows.length < 500) return count;
  }
}
