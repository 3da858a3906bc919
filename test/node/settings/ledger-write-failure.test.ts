/**
 * The originals ledger when its journal cannot be written (a full disk, a folder in the journal's
 * place): an upload Imago has confirmed is still reported as done (it used to fail with an internal
 * error, so the queue would send the photo again or park it), the confirmation is known for this
 * run, and an intake that cannot be recorded says so in plain words.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorelogError } from '../../../common/errors';
import { PhotoStore } from '../../../electron/services/images';
import { OriginalsLedger } from '../../../electron/services/settings/originals-ledger';
import { OriginalsSweep } from '../../../electron/services/settings/originals-sweep';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'corelog-ledger-fail-'))));
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('an originals ledger that cannot be written', () => {
  it('still reports a confirmed upload as done, and says plainly that an intake could not be recorded', async () => {
    const ledger = new OriginalsLedger(dir);
    const store = await PhotoStore.open(join(dir, 'photos'));
    const sweep = new OriginalsSweep({ ledger, store: async () => store, keepDays: () => 30 });
    // The journal's name taken by a folder: every append fails, as on a full or broken disk.
    await mkdir(join(dir, 'originals.journal'));
    const sha = 'a'.repeat(64);

    await expect(sweep.duringUpload(sha, async () => ({ imageId: 'img-1' }))).resolves.toEqual({ imageId: 'img-1' });
    expect(ledger.get(sha)).toMatchObject({ imageId: 'img-1' });

    const intake = sweep.duringIntake(async () => ({ accepted: true, sha256: 'b'.repeat(64) }));
    await expect(intake).rejects.toBeInstanceOf(CorelogError);
    await expect(intake).rejects.toThrow(/could not record this photo in its originals ledger/);
  });
});
