/**
 * An edit of one attribute sends every other one back in the form Imago holds it: a form field
 * hands numbers back as text, and Imago may hold a number attribute as text (a value of the
 * "wrong" type written by another tool). Neither may change type because of an edit elsewhere.
 */
import { describe, expect, it } from 'vitest';
import type { IntervalTarget } from '../../../common/bridge/photo-contract';
import { PhotoUploadExecutor } from '../../../electron/services/photos/upload-executor';
import { admin, clientFor, LIVE_WORKSPACE, useImagoSuite } from '../imago/imago-fixture';

const suite = useImagoSuite({ resetAfterEach: true });
const target: IntervalTarget = { workspaceName: LIVE_WORKSPACE, datasetName: 'Diamond Drilling', collectionName: 'FF-DD-0950', imageryTypeName: 'Core Trays', from: 6, to: 7.5 };
const imagery = () => {
  const world = suite.emulator.world;
  const collection = world.collections.find((c) => c.name === 'FF-DD-0950')!;
  return world.imageries.find((i) => i.collectionId === collection.id && i.startDepth === 6)!;
};

describe('attribute write-back keeps the form of untouched values', () => {
  it('sends 85 back as 85 and "1" back as "1" when only EndBox changed', async () => {
    // A server that holds values in the type they came in (emulator switch attributeValueTyping).
    await admin(suite.emulator, 'PATCH', '/imago/options', { attributeValueTyping: 'as-sent' });
    const { client } = clientFor(suite.emulator);
    const executor = new PhotoUploadExecutor({ client: () => client, store: async () => Promise.reject(new Error('no photos here')) });
    const first = await executor.saveIntervalVersion(target, { 'Core Tray Box Numbers': { StartBox: 1, EndBox: 2 }, Geotechnical: { 'RQD %': 85 } }, { base: null });
    // Another tool stored StartBox as text meanwhile (Imago answered it so to the last read, too).
    imagery().attributes['Core Tray Box Numbers']!.StartBox = '1';
    const base = { attributes: { ...first.attributes, 'Core Tray Box Numbers': { StartBox: '1', EndBox: 2 } }, updatedAt: first.updatedAt };
    // The form hands back what it shows: text for the number it did not touch, a number for the box.
    await executor.saveIntervalVersion(target, { 'Core Tray Box Numbers': { StartBox: 1, EndBox: 3 }, Geotechnical: { 'RQD %': '85' } }, { base });
    expect(imagery().attributes).toEqual({ 'Core Tray Box Numbers': { StartBox: '1', EndBox: 3 }, Geotechnical: { 'RQD %': 85 } });
  });
});
