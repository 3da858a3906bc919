/**
 * An attribute removed from its imagery type in the portal while intervals still hold values of
 * it: Imago hands those values out, and (as the emulator does) refuses a write that names an
 * attribute the type no longer defines. Written back untouched, as every held value is, they made
 * every later write and upload of the interval fail. Main's real handlers over real HTTP.
 */
import { describe, expect, it } from 'vitest';
import { photoMethods } from '../../../common/bridge/photo-contract';
import { withoutUndefinedAttributes } from '../../../common/photos/attribute-versions';
import { LIVE_WORKSPACE, useImagoSuite, useServicesOnImago } from '../imago/imago-fixture';

describe('withoutUndefinedAttributes', () => {
  const defined = new Map([['Core Tray Box Numbers', new Set(['StartBox', 'EndBox'])]]);
  it('leaves out held values of attributes no longer defined, never what the user set', () => {
    const written: { name: string; attributes: Record<string, string | number> }[] = [
      { name: 'Core Tray Box Numbers', attributes: { StartBox: 2, Colour: 'red' } },
      { name: 'Geotechnical', attributes: { 'RQD %': 80 } },
    ];
    expect(withoutUndefinedAttributes(written, defined, { 'Core Tray Box Numbers': { StartBox: 2 } })).toEqual({
      definitions: [{ name: 'Core Tray Box Numbers', attributes: { StartBox: 2 } }],
      left: ['Core Tray Box Numbers.Colour', 'Geotechnical.RQD %'],
    });
    // The user's own value of an undefined attribute stays: the refusal is theirs to see.
    expect(withoutUndefinedAttributes(written, defined, { Geotechnical: { 'RQD %': 80 } })?.definitions).toEqual([
      { name: 'Core Tray Box Numbers', attributes: { StartBox: 2 } },
      { name: 'Geotechnical', attributes: { 'RQD %': 80 } },
    ]);
    expect(withoutUndefinedAttributes([{ name: 'Core Tray Box Numbers', attributes: { StartBox: 2 } }], defined, {})).toBeNull();
  });
});

describe('an interval holding a value of an attribute removed from its imagery type', () => {
  const suite = useImagoSuite();
  const corelog = useServicesOnImago(suite);
  const where = { workspaceName: LIVE_WORKSPACE, datasetName: 'Diamond Drilling', collectionName: 'FF-DD-0961', imageryTypeName: 'Core Trays', from: 0, to: 2 };

  it('is still written: the user’s change goes, and Imago keeps the old value as it holds it', async () => {
    const first = await corelog.services.handlers.saveInterval(photoMethods.saveInterval.input.parse({ target: where, attributes: { Geotechnical: { 'RQD %': 80 }, 'Core Tray Box Numbers': { StartBox: 1 } }, base: null }));
    expect(first.attributes).toMatchObject({ Geotechnical: { 'RQD %': 80 } });

    // An administrator removes "RQD %" from Core Trays in the portal (the API has no way to).
    const world = () => suite.emulator.world;
    const dataset = world().datasets.find((d) => d.name === 'Diamond Drilling')!;
    const type = world().imageryTypes.find((t) => t.datasetId === dataset.id && t.name === 'Core Trays')!;
    const geotechnical = type.attributeDefinitions.find((d) => d.name === 'Geotechnical')!;
    geotechnical.attributeTypes = geotechnical.attributeTypes.filter((t) => t.name !== 'RQD %');

    const logSeq = suite.emulator.server.log.lastSeq;
    const second = await corelog.services.handlers.saveInterval(
      photoMethods.saveInterval.input.parse({ target: where, attributes: { 'Core Tray Box Numbers': { StartBox: 2 } }, base: { attributes: first.attributes, updatedAt: first.updatedAt } }),
    );
    expect(second.attributes).toMatchObject({ 'Core Tray Box Numbers': { StartBox: 2 } });
    // Refused once for naming the removed attribute, then written without it.
    const writes = suite.emulator.server.log.list(logSeq).filter((r) => r.method === 'POST' && r.path.startsWith('/imagery'));
    expect(writes.map((r) => r.status)).toEqual([422, 200]);
    const collection = world().collections.find((c) => c.name === 'FF-DD-0961')!;
    const stored = world().imageries.find((i) => i.collectionId === collection.id && i.startDepth === 0)!;
    expect(stored.attributes['Core Tray Box Numbers']).toMatchObject({ StartBox: 2 });
    expect(stored.attributes.Geotechnical).toEqual({ 'RQD %': 80 });
  });
});
