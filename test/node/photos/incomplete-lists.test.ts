/**
 * The window is told when Imago hands out only part of a hole list or of a hole's intervals (a
 * server that ignores the paging offset, pages capped below what was asked): `listHoles` and
 * `listHoleIntervals` answer the reason beside the items, and null when the list is whole. Main's
 * real handlers over real HTTP to the Imago emulator, through the bridge's output schemas.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photoMethods } from '../../../common/bridge/photo-contract';
import { defaultBehaviour } from '../../../emulators/imago/options';
import { clientFor, LIVE_WORKSPACE, useImagoSuite, useServicesOnImago } from '../imago/imago-fixture';

const DATASET = { workspaceName: LIVE_WORKSPACE, datasetName: 'Diamond Drilling' };
/** More holes than main asks for in one page (50), so a server that ignores the offset shows. */
const EXTRA_HOLES = 55;

describe('lists Imago hands out only in part', () => {
  const suite = useImagoSuite();
  const corelog = useServicesOnImago(suite);

  beforeAll(async () => {
    const { client } = clientFor(suite.emulator);
    for (let i = 0; i < EXTRA_HOLES; i++) await client.createCollection({ ...DATASET, name: `PAGE-${String(i).padStart(3, '0')}` });
  });
  afterAll(async () => {
    suite.emulator.setOptions(defaultBehaviour());
  });

  it('answers every hole and no note when the server pages as documented', async () => {
    suite.emulator.setOptions(defaultBehaviour());
    const list = photoMethods.listHoles.output.parse(await corelog.services.handlers.listHoles(DATASET));
    expect(list.incomplete).toBeNull();
    expect(list.holes.filter((h) => h.name.startsWith('PAGE-'))).toHaveLength(EXTRA_HOLES);
  });

  it('says why a hole list is partial when the server ignores the offset, and still answers what it read', async () => {
    suite.emulator.setOptions({ ...defaultBehaviour(), pagingOffset: 'ignored' });
    const list = photoMethods.listHoles.output.parse(await corelog.services.handlers.listHoles(DATASET));
    expect(list.incomplete).toMatch(/^Imago handed out only part of the list \(read 50.*\)$/);
    expect(list.holes).toHaveLength(50);
  });

  it('says why a hole’s intervals are partial, and gives no note for the same hole read whole', async () => {
    const hole = { ...DATASET, collectionName: 'FF-DD-0012' };
    suite.emulator.setOptions(defaultBehaviour());
    const whole = photoMethods.listHoleIntervals.output.parse(await corelog.services.handlers.listHoleIntervals(hole));
    expect(whole.incomplete).toBeNull();
    expect(whole.intervals.length).toBeGreaterThan(2);

    suite.emulator.setOptions({ ...defaultBehaviour(), imageryLimitCap: 2, pagingOffset: 'ignored' });
    const part = photoMethods.listHoleIntervals.output.parse(await corelog.services.handlers.listHoleIntervals(hole));
    expect(part.intervals).toHaveLength(2);
    expect(part.incomplete).toMatch(/ignores the paging offset/);
  });
});
