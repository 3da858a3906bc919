/**
 * One Imago emulator for a whole archive-import test file, and temporary folders removed with it:
 * the set-up the files that run real jobs against Imago share.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { ImagoEmulator } from '../../../emulators/imago/index';
import { startImago } from '../imago/imago-fixture';

export interface ImagoSuite {
  /** The file's emulator (started before its first test). */
  readonly emulator: ImagoEmulator;
  /** A new temporary folder, removed after the file's last test. */
  temp(prefix: string): string;
}

export function imagoSuite(): ImagoSuite {
  let emulator: ImagoEmulator | undefined;
  const made: string[] = [];
  beforeAll(async () => {
    emulator = await startImago();
  }, 60_000);
  afterAll(async () => {
    await emulator?.close();
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  return {
    get emulator() {
      if (!emulator) throw new Error('the Imago emulator is started before the first test');
      return emulator;
    },
    temp(prefix) {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
  };
}
