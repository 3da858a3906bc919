/**
 * The archive import reads the folder and manifest the renderer names. A relative path was taken
 * from the service process's working directory (the repository in `npm run web`, `/` for a
 * desktop app), so "photos" scanned whatever folder of that name sat there. The contract now asks
 * for a full path, before any job is made.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBridgeDispatcher } from '../../../common/bridge/dispatch';
import { createAppServices, type AppServices } from '../../../electron/services/app-services';

let dir: string;
let services: AppServices;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-archive-paths-'));
  services = createAppServices({ dataDir: join(dir, 'data'), appVersion: '0.0.0', transport: 'browser', env: { CORELOG_IMAGO_URL: 'http://127.0.0.1:9/integrate/2', CORELOG_DOUGAL_URL: 'http://127.0.0.1:9/api' } });
});
afterEach(async () => {
  await services.dispose();
  await rm(dir, { recursive: true, force: true });
});

const target = { workspaceName: 'w', datasetName: 'd', imageryTypeName: 'i' };

describe('archive import source paths at the bridge', () => {
  it('refuses a relative folder or manifest with a plain message, and makes no job', async () => {
    const dispatch = createBridgeDispatcher(services.handlers);
    // "test" exists under the repository, the working directory of this test: the old contract let the service scan it.
    for (const source of [
      { folder: 'test', patterns: ['{hole}_{from}_{to}_{imageType}'], manifest: null, target },
      { folder: './test', patterns: ['{hole}_{from}_{to}_{imageType}'], manifest: null, target },
      { folder: join(dir, 'archive'), patterns: [], manifest: '../package.json', target },
    ]) {
      const result = await dispatch('archiveDryRun', source);
      expect(result, JSON.stringify(source)).toMatchObject({ ok: false, error: { kind: 'validation', retryable: false, issues: [{ path: source.manifest ? 'manifest' : 'folder', message: expect.stringContaining('full path') }] } });
    }
    expect(await dispatch('archiveJobs', undefined)).toEqual({ ok: true, value: [] });
  });

  it('takes full paths of every form the user may type', async () => {
    const dispatch = createBridgeDispatcher(services.handlers);
    for (const folder of [join(dir, 'archive'), 'C:\\Archive\\2016', 'D:/Archive', '\\\\server\\share\\trays']) {
      const result = await dispatch('archiveDryRun', { folder, patterns: ['{hole}_{from}_{to}_{imageType}'], manifest: null, target });
      expect(result, folder).toMatchObject({ ok: true, value: { source: { folder } } });
    }
  });
});
