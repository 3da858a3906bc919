/**
 * The photo checker in the desktop app runs as an Electron utility process. Here Electron's
 * `utilityProcess` is stood in for by a fork of the real worker (the only mock: no Electron
 * binary here), and a real TIFF is checked through the launcher the main entry installs.
 */
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { utilityProcessLauncher, type UtilityProcessModule } from '../../electron/main/decode-worker-launcher.main';
import { configureDecodeWorker, decodeWorkerSettings, runInDecodeWorker } from '../../electron/services/images/decode-worker-client';
import { makeTempDir, uncompressedTiff } from '../node/images/photo-fixtures';

/** Like Electron's UtilityProcess: `postMessage`, `kill`, 'message' and 'exit' (with a code) events. */
function fakeUtilityProcess(): UtilityProcessModule & { forks: { modulePath: string; serviceName: string | undefined }[] } {
  const forks: { modulePath: string; serviceName: string | undefined }[] = [];
  return {
    forks,
    fork: vi.fn((modulePath: string, _args?: string[], options?: { serviceName?: string; env?: NodeJS.ProcessEnv }) => {
      forks.push({ modulePath, serviceName: options?.serviceName });
      const child = fork(modulePath, [], { execArgv: modulePath.endsWith('.ts') ? ['--import', 'tsx'] : [], env: options?.env, stdio: 'ignore', serialization: 'advanced' });
      const proc = Object.assign(new EventEmitter(), {
        get pid() {
          return child.pid;
        },
        postMessage: (message: unknown) => child.send(message as never),
        kill: () => child.kill('SIGKILL'),
      });
      child.on('message', (message) => proc.emit('message', message));
      child.on('exit', (code) => proc.emit('exit', code ?? 1));
      return proc as never;
    }),
  };
}

let dir: string;
let cleanup: () => Promise<void>;
const original = decodeWorkerSettings();
beforeAll(async () => ({ dir, cleanup } = await makeTempDir('corelog-launcher-')));
afterAll(() => cleanup());
afterEach(() => void configureDecodeWorker(original));

describe('photo checker launched as a utility process', () => {
  it('checks a photo in a named utility process and reports the result', async () => {
    const utility = fakeUtilityProcess();
    configureDecodeWorker({ launch: utilityProcessLauncher(utility) });
    const path = join(dir, 'scan.tif');
    await writeFile(path, uncompressedTiff(320, 200));
    const reply = await runInDecodeWorker({ op: 'prepare', filePath: path, outputPath: null });
    expect(reply.inspection).toMatchObject({ format: 'tiff', width: 320, height: 200, uploadMimeType: 'image/jpeg' });
    expect(utility.forks).toEqual([{ modulePath: expect.stringMatching(/decode-worker\.(ts|cjs)$/), serviceName: 'Corelog photo checker' }]);
  });
});
