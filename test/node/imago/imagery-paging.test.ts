/**
 * A hole's intervals read from servers that page `GET /imagery` below the documented 5,000 and
 * give no `meta` (the documents show none for this list): the first page was taken for the whole
 * hole, so the Photos screen listed half of it. A server that ignores the offset is said to be
 * incomplete, never read as the whole hole. Real HTTP to the Imago emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImagoEmulator } from '../../../emulators/imago/index';
import { defaultBehaviour } from '../../../emulators/imago/options';
import { clientFor, LIVE_WORKSPACE, startImago } from './imago-fixture';

let emulator: ImagoEmulator;
beforeAll(async () => {
  emulator = await startImago();
});
afterAll(() => emulator.close());

const hole = { workspaceName: LIVE_WORKSPACE, datasetName: 'Diamond Drilling', collectionName: 'FF-DD-0012', includeFeatures: false } as const;

describe('a hole listed from a server with small pages and no meta', () => {
  it('is read page by page to its end when the server honours the offset', async () => {
    emulator.setOptions(defaultBehaviour());
    const { client } = clientFor(emulator);
    const whole = await client.readAllImagery(hole);
    expect(whole.items.length).toBeGreaterThan(2);
    emulator.setOptions({ ...defaultBehaviour(), imageryLimitCap: 2 });
    const paged = await client.readAllImagery(hole);
    expect(paged.complete).toBe(true);
    expect(paged.items.map((i) => i.id).sort()).toEqual(whole.items.map((i) => i.id).sort());
  });

  it('is reported incomplete, with the reason in the diagnostics, when the server ignores the offset', async () => {
    emulator.setOptions({ ...defaultBehaviour(), imageryLimitCap: 2, pagingOffset: 'ignored' });
    const notes: string[] = [];
    const { client } = clientFor(emulator, { onReplyProblem: (problem) => notes.push(problem.detail) });
    const read = await client.readAllImagery(hole);
    expect(read.complete).toBe(false);
    expect(read.items).toHaveLength(2);
    expect(notes.join('\n')).toMatch(/incomplete.*ignores the paging offset/);
    emulator.setOptions(defaultBehaviour());
  });
});
