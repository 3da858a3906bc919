/**
 * "Export diagnostics" run many times at once (two windows, a double click, two processes): each
 * export gets its own folder and never writes into another's. The folder was named after the time
 * to the millisecond and made with mkdir -p, so exports in the same millisecond shared one folder
 * and overwrote each other's files while every one of them answered "done" (1,000 concurrent
 * exports made 173 folders). And an export the disk fills up in the middle of (a real 512 KB
 * tmpfs, when this runs as root) says so plainly and leaves no half export behind to be sent as
 * if whole (it threw a bare ENOSPC and left the half-written folder).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorelogError } from '../../../common/errors';
import { writeDiagnostics, type DiagnosticsRequest } from '../../../electron/services/desktop/diagnostics';
import { createCorelogServices, type CorelogServices } from '../../../electron/services/sample-systems/profile-host';
import { useTinyDisk } from '../../support/tiny-disk';

let dir: string;
const running: CorelogServices[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'corelog-diagnostics-unique-'));
});
afterEach(async () => {
  for (const services of running.splice(0)) await services.dispose();
  rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
});

const outbox = { pending: 0, failed: 0, oldestPendingAt: null, groups: [], recentErrors: [] };

function request(destinationDir: string, appVersion: string, now: Date): DiagnosticsRequest {
  return { destinationDir, dataDir: join(dir, 'data'), logFiles: [], appVersion, transport: 'browser', outbox, busyWork: [], now };
}

describe('exports at the same moment', () => {
  it('300 exports stamped with the same millisecond each get their own folder holding their own files', async () => {
    const now = new Date('2026-11-27T09:00:00.000Z');
    const destination = join(dir, 'exports');
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => writeDiagnostics(request(destination, `v${i}`, now))));
    const folders = results.map((r) => r.folder);
    expect(new Set(folders).size).toBe(300);
    expect(readdirSync(destination)).toHaveLength(300);
    results.forEach((result, i) => {
      expect(JSON.parse(readFileSync(join(result.folder, 'versions.json'), 'utf8')).corelog).toBe(`v${i}`);
      expect(result.folder.startsWith(join(destination, 'corelog-diagnostics-2026-11-27T09-00-00-000Z'))).toBe(true);
    });
  });

  it('a folder of that name made earlier (another export, another process) is left as it was', async () => {
    const now = new Date('2026-11-27T09:00:00.000Z');
    const destination = join(dir, 'exports');
    const earlier = join(destination, 'corelog-diagnostics-2026-11-27T09-00-00-000Z');
    mkdirSync(earlier, { recursive: true });
    writeFileSync(join(earlier, 'versions.json'), 'the other export');
    const result = await writeDiagnostics(request(destination, 'mine', now));
    expect(result.folder).not.toBe(earlier);
    expect(readFileSync(join(earlier, 'versions.json'), 'utf8')).toBe('the other export');
    expect(readdirSync(earlier)).toEqual(['versions.json']);
    expect(JSON.parse(readFileSync(join(result.folder, 'versions.json'), 'utf8')).corelog).toBe('mine');
  });

  it('through the bridge handler, 100 exports at once make 100 folders', async () => {
    const services = await createCorelogServices({ dataDir: join(dir, 'data'), appVersion: 't', transport: 'browser', env: { CORELOG_IMAGO_URL: 'http://127.0.0.1:9/i', CORELOG_DOUGAL_URL: 'http://127.0.0.1:9/a' } });
    running.push(services);
    const results = await Promise.all(Array.from({ length: 100 }, () => services.handlers.exportDiagnostics({ outbox, askWhere: false })));
    expect(new Set(results.map((r) => r.folder)).size).toBe(100);
    for (const { folder, files } of results) expect(readdirSync(folder).sort()).toEqual([...new Set(files.map((f) => f.split('/')[0]!))].sort());
  });
});

const { dir: tiny, whyNot } = useTinyDisk('corelog-diagnostics-full-');

describe.skipIf(whyNot !== null)(`an export onto a disk that fills up${whyNot ? ` (skipped: ${whyNot})` : ''}`, () => {
  it('says the disk is full and leaves no half-written export behind', async () => {
    const log = join(dir, 'corelog.log');
    writeFileSync(log, 'a log line\n'.repeat(100_000)); // 1.1 MB: more than the disk holds
    const destination = join(tiny, 'exports');
    let thrown: unknown;
    try {
      await writeDiagnostics({ ...request(destination, 't', new Date()), logFiles: [log] });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CorelogError);
    expect((thrown as Error).message).toBe(`Diagnostics could not be written to ${destination} (the disk is full); choose another folder.`);
    expect(readdirSync(destination)).toEqual([]);
  });
});
