import { describe, expect, it } from 'vitest';
import type { SyncSourceStatus } from '../../../renderer/src/sync/sync-source';
import { syncOutcomeBetween, type SourceTally } from '../../../renderer/src/sync/sync-outcome';

const source = (pending: number, failed = 0, message?: string): SyncSourceStatus => ({
  id: 'photos',
  system: 'imago',
  label: 'Photo uploads',
  pending,
  failed,
  conflicts: 0,
  lastSuccessAt: null,
  lastError: message ? { kind: 'rejected', message, retryable: false } : null,
  items: [],
  engineActive: true,
  retryNow: () => undefined,
});

function run(sequence: SyncSourceStatus[]) {
  let tally: SourceTally | undefined;
  const outcomes = [];
  for (const status of sequence) {
    const next = syncOutcomeBetween(tally, status);
    tally = next.tally;
    if (next.outcome) outcomes.push(next.outcome);
  }
  return outcomes;
}

describe('sync notifications', () => {
  it('announce a finished run once, with the most items seen waiting', () => {
    expect(run([source(0), source(3), source(26), source(10), source(0), source(0)])).toEqual([{ system: 'imago', ok: true, message: 'Photo uploads: 26 items synced' }]);
  });

  it('announce new failures with the server’s reason, and nothing at start-up', () => {
    expect(run([source(5, 2, 'old'), source(4, 3, 'Imago refused to upload the image (HTTP 422): too wide.')])).toEqual([
      { system: 'imago', ok: false, message: 'Photo uploads: 1 item could not be synced: Imago refused to upload the image (HTTP 422): too wide.' },
    ]);
  });
});
