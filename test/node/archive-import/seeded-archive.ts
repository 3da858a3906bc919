/**
 * The archive fixture (300 files) with a share of it already on a fresh Imago emulator, for the
 * dry-run tests: made once per test file, removed after it.
 */
import { afterAll, beforeAll } from 'vitest';
import type { ImagoEmulator } from '../../../emulators/imago/index';
import { createArchiveFixture, seedArchiveOnImago, type ArchiveFixture } from '../../support/archive-fixture';
import { startImago } from '../imago/imago-fixture';

/** Registers the file's set-up and clean-up; `ready` gets the fixture and the emulator before the tests run. */
export function withSeededArchive(ready: (fixture: ArchiveFixture, emulator: ImagoEmulator) => void): void {
  let fixture: ArchiveFixture | undefined;
  let emulator: ImagoEmulator | undefined;
  beforeAll(async () => {
    fixture = await createArchiveFixture();
    emulator = await startImago();
    await seedArchiveOnImago(fixture, { baseUrl: emulator.server.baseUrl });
    ready(fixture, emulator);
  }, 60_000);
  afterAll(async () => {
    await emulator?.close();
    await fixture?.remove();
  });
}
