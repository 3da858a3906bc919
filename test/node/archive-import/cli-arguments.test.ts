/**
 * `corelog import` refuses what it can know is wrong before it makes a job or reads a file: a
 * bandwidth cap the run would refuse, a report in a folder that is not there, an empty or unusable
 * pattern. (Each used to be found only after the dry run — or, for the report, after the whole
 * upload — which on a real archive means hours later, with the work done and the exit code a failure.)
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, runImportCli } from '../../../electron/services/archive-import/import-cli';
import type { ImagoEmulator } from '../../../emulators/imago/index';
import { ARCHIVE_TARGET, smallTrayJpeg } from '../../support/archive-fixture';
import { startImago } from '../imago/imago-fixture';

let emulator: ImagoEmulator;
let folder: string;
const made: string[] = [];
beforeAll(async () => {
  emulator = await startImago();
  folder = mkdtempSync(join(tmpdir(), 'corelog-cli-args-'));
  made.push(folder);
  writeFileSync(join(folder, 'DDH001_1_2_Dry.jpg'), await smallTrayJpeg(7));
}, 60_000);
afterAll(async () => {
  await emulator.close();
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string; jobs: string[]; requests: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'corelog-cli-data-'));
  made.push(dataDir);
  const before = emulator.server.log.list().length;
  let stdout = '';
  let stderr = '';
  const code = await runImportCli(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { CORELOG_DATA_DIR: dataDir, CORELOG_IMAGO_URL: emulator.server.baseUrl, CORELOG_IMAGO_USERNAME: 'demo', CORELOG_IMAGO_PASSWORD: 'demo' },
    isTTY: false,
  });
  const jobsDir = join(dataDir, 'real', 'archive-import');
  const jobsDirs = [jobsDir, join(dataDir, 'archive-import')].filter((d) => existsSync(d));
  return { code, stdout, stderr, jobs: jobsDirs.flatMap((d) => readdirSync(d)), requests: emulator.server.log.list().length - before };
}

const target = () => ['--folder', folder, '--workspace', ARCHIVE_TARGET.workspaceName, '--dataset', ARCHIVE_TARGET.datasetName, '--imagery-type', ARCHIVE_TARGET.imageryTypeName];
const pattern = ['--pattern', '{hole}_{from}_{to}_{imageType}'];

describe('corelog import: arguments refused before any work', () => {
  // Arguments are made when each test runs: the archive folder exists only from beforeAll on.
  const cases: [string, () => string[], RegExp][] = [
    ['a bandwidth cap below the least the run takes', () => [...target(), ...pattern, '--max-rate', '1K'], /--max-rate must be at least 4K/],
    ['a cap of nothing', () => [...target(), ...pattern, '--max-rate', '0'], /--max-rate must be at least 4K/],
    ['a report in a folder that does not exist', () => [...target(), ...pattern, '--dry-run', '--report', '/nonexistent-corelog/reports/r.csv'], /--report: The folder \/nonexistent-corelog\/reports does not exist/],
    ['an empty pattern', () => [...target(), '--pattern', '  '], /--pattern cannot be empty/],
    ['more patterns than a source holds', () => [...target(), ...Array.from({ length: 21 }, (_, i) => ['--pattern', `{hole}_{from}_{to}_{imageType}_${i}`]).flat()], /^--pattern: at most 20 can be given\./],
    ['a workspace name longer than Imago takes', () => [...target().slice(0, 2), '--workspace', 'W'.repeat(400), '--dataset', 'D', '--imagery-type', 'T', ...pattern], /^--workspace: longer than \d+ characters\./],
    ['a pattern the dry run cannot use', () => [...target(), '--pattern', '{hole}_{from}'], /--pattern: Pattern 1 \(\{hole\}_\{from\}\): the pattern must name \{to\}, \{imageType\}/],
  ];
  for (const [what, args, said] of cases) {
    it(`refuses ${what} (exit 2), saying which argument, with no job made and nothing asked of Imago`, async () => {
      const ran = await run(args());
      expect(ran.code).toBe(EXIT.usage);
      expect(ran.stderr).toMatch(said);
      expect(ran.jobs).toEqual([]);
      expect(ran.requests).toBe(0);
    });
  }

  it('still runs the same command once the argument is right', async () => {
    const reportDir = mkdtempSync(join(tmpdir(), 'corelog-cli-report-'));
    made.push(reportDir);
    const ran = await run([...target(), ...pattern, '--dry-run', '--report', join(reportDir, 'r.csv'), '--max-rate', '4K']);
    expect(ran.stderr).not.toMatch(/must|cannot/);
    expect(ran.code).toBe(EXIT.done);
    expect(ran.jobs).toHaveLength(1);
    expect(existsSync(join(reportDir, 'r.csv'))).toBe(true);
  }, 60_000);

  it('says so when there is no job to list', async () => {
    const ran = await run(['--list']);
    expect(ran.code).toBe(EXIT.done);
    expect(ran.stdout).toMatch(/^No import jobs in /);
  });
});
