/**
 * Issue 12 §2, main side: an interval write never overwrites an edit made in Imago since the
 * version the local edit started from (refused as `conflict`, nothing written), writes back every
 * attribute Imago holds that the user did not touch, clears in Imago what the user cleared, and
 * answers the interval as Imago now holds it (the next base). Against the Imago emulator over
 * real HTTP; the shared rules (attribute rules, version comparison) as pure functions too.
 */
import { describe, expect, it } from 'vitest';
import { photoMethods, type IntervalTarget } from '../../../common/bridge/photo-contract';
import { attributeRuleHint, attributeRuleProblem, attributeRuleProblems } from '../../../common/forms/attribute-rules';
import { attributesToWrite, conflictingAttributes, sameAttributes } from '../../../common/photos/attribute-versions';
import { contextReply, parseReply } from '../../../electron/services/imago/schemas';
import { PhotoUploadExecutor } from '../../../electron/services/photos/upload-executor';
import { clientFor, LIVE_WORKSPACE, useImagoSuite, useServicesOnImago } from '../imago/imago-fixture';

describe('attribute rules (common/forms/attribute-rules.ts)', () => {
  it('holds percentages to 0–100, applies a definition’s own range and required, and names the rule', () => {
    const rqd = { name: 'RQD %', dataType: 'number' };
    expect(attributeRuleProblem(rqd, 85)).toBeNull();
    expect(attributeRuleProblem(rqd, 100.5)).toBe('RQD % must be between 0 and 100.');
    expect(attributeRuleProblem(rqd, -1)).toBe('RQD % must be between 0 and 100.');
    expect(attributeRuleProblem(rqd, null)).toBeNull();
    expect(attributeRuleHint(rqd)).toBe('0–100');
    const boxes = { name: 'StartBox', dataType: 'number', required: true, minimum: 1 };
    expect(attributeRuleProblem(boxes, null)).toBe('StartBox is required.');
    expect(attributeRuleProblem(boxes, '  ')).toBe('StartBox is required.');
    expect(attributeRuleProblem(boxes, 0)).toBe('StartBox must be at least 1.');
    expect(attributeRuleHint(boxes)).toBe('required, ≥ 1');
    expect(attributeRuleProblem({ name: 'Recovery', dataType: 'number', maximum: 3 }, 4)).toBe('Recovery must be at most 3.');
    // A definition's own range wins over the percentage rule.
    expect(attributeRuleProblem({ name: 'Core loss %', dataType: 'number', minimum: 0, maximum: 200 }, 150)).toBeNull();
    expect(attributeRuleProblem({ name: 'Lithology', dataType: 'string' }, 'x')).toBeNull();
    expect(
      attributeRuleProblems([{ name: 'Geotechnical', attributeTypes: [rqd] }, { name: 'Core Tray Box Numbers', attributeTypes: [boxes] }], { Geotechnical: { 'RQD %': 120 } }),
    ).toEqual({ 'Geotechnical.RQD %': 'RQD % must be between 0 and 100.', 'Core Tray Box Numbers.StartBox': 'StartBox is required.' });
  });

  it('reads rule fields a server may send, ignoring an odd one without dropping the attribute', () => {
    const context = parseReply(
      contextReply,
      {
        workspaces: [
          {
            id: 'w',
            name: 'W',
            readonly: false,
            datasets: [
              {
                id: 'd',
                name: 'D',
                imageryTypes: [
                  {
                    id: 't',
                    name: 'Core Trays',
                    geometryType: 'trace',
                    attributeDefinitions: [
                      {
                        name: 'Geology',
                        attributeTypes: [
                          { name: 'Lithology', dataType: 'string', required: true, values: ['Basalt', 'Dolerite'] },
                          { name: 'Hardness', dataType: 'number', min: 1, max: 10, required: 'yes' },
                        ],
                      },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
      'list workspaces',
    );
    const types = context.workspaces[0]!.datasets[0]!.imageryTypes[0]!.attributeDefinitions[0]!.attributeTypes;
    expect(types).toMatchObject([
      { name: 'Lithology', required: true, values: ['Basalt', 'Dolerite'] },
      { name: 'Hardness', min: 1, max: 10, required: undefined },
    ]);
  });
});

describe('attribute versions (common/photos/attribute-versions.ts)', () => {
  const base = { Geology: { Lithology: 'Basalt', Geologist: 'A. Nguyen' }, Boxes: { StartBox: 1 } };

  it('is a conflict only where Imago changed an attribute since the base and the write would change it again', () => {
    const theirs = { Geology: { Lithology: 'Basalt porphyry', Geologist: 'A. Nguyen' }, Boxes: { StartBox: 1 } };
    expect(conflictingAttributes(theirs, base, { Geology: { Lithology: 'Andesite', Geologist: 'A. Nguyen' } })).toEqual(['Geology.Lithology']);
    // Our write already says what Imago says (a lost reply, sent again): nothing to choose.
    expect(conflictingAttributes(theirs, base, { Geology: { Lithology: 'Basalt porphyry' } })).toEqual([]);
    // Imago unchanged since the base: our edit simply goes.
    expect(conflictingAttributes(base, base, { Geology: { Lithology: 'Andesite' } })).toEqual([]);
    // An attribute the write does not name is written back as Imago holds it, so no conflict.
    expect(conflictingAttributes(theirs, base, { Boxes: { StartBox: 2 } })).toEqual([]);
    // Numbers as text or number, absent, null and "" are the same to a user.
    expect(sameAttributes({ Boxes: { StartBox: '1' }, Geology: { Comments: '' } }, { Boxes: { StartBox: 1.0 } })).toBe(true);
  });

  it('writes back every attribute Imago holds that was not touched, booleans as booleans, and clears only what Imago had', () => {
    const remote = { Geology: { Lithology: 'Basalt', Oriented: true, Hardness: 6 }, Other: { Note: 'kept' } };
    const outgoing = { Geology: { Lithology: 'Dolerite', Hardness: null, Comments: null } };
    expect(attributesToWrite(outgoing, remote)).toEqual([
      { name: 'Geology', attributes: { Lithology: 'Dolerite', Oriented: true, Hardness: null } },
      { name: 'Other', attributes: { Note: 'kept' } },
    ]);
    // Without Imago's copy, empty values are left out as before.
    expect(attributesToWrite(outgoing)).toEqual([{ name: 'Geology', attributes: { Lithology: 'Dolerite' } }]);
  });
});

describe('interval writes against Imago (emulator)', () => {
  const suite = useImagoSuite({ resetAfterEach: true });
  const target = (from: number, to: number): IntervalTarget => ({ workspaceName: LIVE_WORKSPACE, datasetName: 'Diamond Drilling', collectionName: 'FF-DD-0950', imageryTypeName: 'Core Trays', from, to });
  const imagery = (from: number) => {
    const world = suite.emulator.world;
    const collection = world.collections.find((c) => c.name === 'FF-DD-0950')!;
    return world.imageries.find((i) => i.collectionId === collection.id && i.startDepth === from)!;
  };
  const writes = () => suite.emulator.server.log.list().filter((e) => e.method === 'POST' && e.path === '/imagery');
  const executor = () => {
    const { client } = clientFor(suite.emulator);
    return { client, executor: new PhotoUploadExecutor({ client: () => client, store: async () => Promise.reject(new Error('no photos here')) }) };
  };

  it('refuses to overwrite an edit made in Imago since the base, writing nothing; with Imago’s copy as base it goes through and keeps the rest', async () => {
    const { client, executor: ours } = executor();
    const first = await ours.saveIntervalVersion(
      target(0, 1.5),
      { Geology: { Lithology: 'Basalt', Geologist: 'R. Okafor', Comments: null }, 'Core Tray Box Numbers': { StartBox: 1, EndBox: 2 } },
      { base: null },
    );
    expect(first.attributes).toEqual({ Geology: { Lithology: 'Basalt', Geologist: 'R. Okafor' }, 'Core Tray Box Numbers': { StartBox: 1, EndBox: 2 } });
    expect(first.updatedAt).toEqual(expect.any(String));

    // Someone edits the lithology in Imago meanwhile (another client, Imago's own API).
    await client.saveImagery([{ workspaceName: LIVE_WORKSPACE, datasetName: 'Diamond Drilling', collectionName: 'FF-DD-0950', imageryTypeName: 'Core Trays', startDepth: 0, endDepth: 1.5, attributeDefinitions: [{ name: 'Geology', attributes: { Lithology: 'Basalt porphyry' } }] }]);
    const before = writes().length;
    const mine = { Geology: { Lithology: 'Andesite', Geologist: 'R. Okafor', Comments: null }, 'Core Tray Box Numbers': { StartBox: 1, EndBox: 2 } };
    const refused = await ours.saveIntervalVersion(target(0, 1.5), mine, { base: { attributes: first.attributes, updatedAt: first.updatedAt } }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ kind: 'conflict', retryable: false, system: 'imago' });
    expect((refused as Error).message).toContain('Geology.Lithology');
    expect(writes()).toHaveLength(before);
    expect(imagery(0).attributes.Geology).toEqual({ Lithology: 'Basalt porphyry', Geologist: 'R. Okafor' });

    // The user keeps theirs: Imago's copy is now the base. The geologist is cleared too.
    const theirs = { Geology: { Lithology: 'Basalt porphyry', Geologist: 'R. Okafor' }, 'Core Tray Box Numbers': { StartBox: 1, EndBox: 2 } };
    const kept = await ours.saveIntervalVersion(target(0, 1.5), { ...mine, Geology: { Lithology: 'Andesite', Geologist: null, Comments: null } }, { base: { attributes: theirs } });
    expect(imagery(0).attributes).toEqual({ Geology: { Lithology: 'Andesite' }, 'Core Tray Box Numbers': { StartBox: 1, EndBox: 2 } });
    expect(kept.attributes).toEqual(imagery(0).attributes);
    const sent = writes().at(-1)!;
    expect(sent.status).toBe(200);
  });

  it('sends again what Imago already holds without a conflict (a lost reply), and a photo’s write with no attributes keeps Imago’s', async () => {
    const { executor: ours } = executor();
    const values = { Geology: { Lithology: 'Dolerite' } };
    await ours.saveIntervalVersion(target(2, 3), values, { base: null });
    // The reply was lost, so the base is still "never seen in Imago": the same values go again quietly.
    await expect(ours.saveIntervalVersion(target(2, 3), values, { base: null })).resolves.toMatchObject({ attributes: values });
    // An upload's interval write for an interval only Imago knew: no values of ours, nothing lost.
    const other = executor().executor;
    await expect(other.saveIntervalVersion(target(2, 3), {}, { base: null })).resolves.toMatchObject({ attributes: values });
    expect(imagery(2).attributes).toEqual(values);
  });

  it('without a base (rows from older versions, a first upload) reads Imago’s copy first and writes the change on top of it', async () => {
    const { executor: first } = executor();
    await first.saveIntervalVersion(target(4, 5), { Geology: { Lithology: 'Basalt', Comments: 'weathered' } });
    const { executor: legacy } = executor();
    await legacy.saveIntervalVersion(target(4, 5), { Geology: { Lithology: 'Dolerite' } });
    expect(imagery(4).attributes).toEqual({ Geology: { Lithology: 'Dolerite', Comments: 'weathered' } });
    // The write itself named the attribute this change does not touch: a server that replaces a
    // whole group on write (attributeGroupWrite: replace, below) keeps it too.
    expect(writes()).toHaveLength(2);
  });
});

describe('interval writes without a base, against an Imago that replaces whole attribute groups', () => {
  const suite = useImagoSuite({ emulator: { attributeGroupWrite: 'replace' } });
  it('keeps every attribute of the group the write does not name', async () => {
    const { client } = clientFor(suite.emulator);
    const executor = () => new PhotoUploadExecutor({ client: () => client, store: async () => Promise.reject(new Error('no photos here')) });
    const target: IntervalTarget = { workspaceName: LIVE_WORKSPACE, datasetName: 'Diamond Drilling', collectionName: 'FF-DD-0952', imageryTypeName: 'Core Trays', from: 6, to: 7 };
    await executor().saveIntervalVersion(target, { Geology: { Lithology: 'Basalt', Comments: 'weathered' } });
    await executor().saveIntervalVersion(target, { Geology: { Lithology: 'Dolerite' } });
    const collection = suite.emulator.world.collections.find((c) => c.name === 'FF-DD-0952')!;
    const stored = suite.emulator.world.imageries.find((i) => i.collectionId === collection.id && i.startDepth === 6)!;
    expect(stored.attributes).toEqual({ Geology: { Lithology: 'Dolerite', Comments: 'weathered' } });
  });
});

describe('saveInterval on the bridge (app services against the emulator)', () => {
  const suite = useImagoSuite({ resetAfterEach: false });
  const corelog = useServicesOnImago(suite);

  it('refuses values that break the definitions’ rules with the form’s words, and answers the interval as Imago holds it', async () => {
    const where = { workspaceName: LIVE_WORKSPACE, datasetName: 'Diamond Drilling', collectionName: 'FF-DD-0951', imageryTypeName: 'Core Trays', from: 0, to: 2 };
    const input = photoMethods.saveInterval.input.parse({ target: where, attributes: { Geotechnical: { 'RQD %': 120 } }, base: null });
    await expect(corelog.services.handlers.saveInterval(input)).rejects.toMatchObject({
      kind: 'validation',
      issues: [{ path: 'attributes.Geotechnical.RQD %', message: 'RQD % must be between 0 and 100.' }],
    });
    expect(suite.emulator.world.collections.some((c) => c.name === 'FF-DD-0951')).toBe(false);
    const saved = await corelog.services.handlers.saveInterval(photoMethods.saveInterval.input.parse({ target: where, attributes: { Geotechnical: { 'RQD %': 100 } }, base: null }));
    expect(saved).toMatchObject({ imageryId: expect.any(String), attributes: { Geotechnical: { 'RQD %': 100 } }, updatedAt: expect.any(String) });
    expect(photoMethods.saveInterval.output.safeParse(saved).success).toBe(true);
  });
});

describe('a server that sends attribute rules (emulator attributeRules: inline)', () => {
  const suite = useImagoSuite({ emulator: { attributeRules: 'inline' } });
  const corelog = useServicesOnImago(suite);

  it('carries the rules into the catalogue, and main refuses what breaks them before Imago would', async () => {
    const catalogue = await corelog.services.handlers.loadPhotoCatalogue(undefined);
    const coreTrays = catalogue.workspaces.find((w) => w.name === LIVE_WORKSPACE)!.datasets.find((d) => d.name === 'Diamond Drilling')!.imageryTypes.find((t) => t.name === 'Core Trays')!;
    const types = coreTrays.attributeDefinitions.flatMap((d) => d.attributeTypes);
    expect(types.find((t) => t.name === 'Lithology')).toMatchObject({ required: true, values: expect.arrayContaining(['Basalt', 'Gabbro']) });
    expect(types.find((t) => t.name === 'StartBox')).toMatchObject({ minimum: 1, maximum: null, required: null });
    expect(photoMethods.loadPhotoCatalogue.output.safeParse(catalogue).success).toBe(true);

    const where = { workspaceName: LIVE_WORKSPACE, datasetName: 'Diamond Drilling', collectionName: 'FF-DD-0952', imageryTypeName: 'Core Trays', from: 0, to: 2 };
    const writesBefore = suite.emulator.server.log.list().filter((e) => e.method === 'POST').length;
    await expect(corelog.services.handlers.saveInterval({ target: where, attributes: { 'Core Tray Box Numbers': { StartBox: 0 }, Geology: { Lithology: null } }, base: null })).rejects.toMatchObject({
      kind: 'validation',
      issues: [
        { path: 'attributes.Core Tray Box Numbers.StartBox', message: 'StartBox must be at least 1.' },
        { path: 'attributes.Geology.Lithology', message: 'Lithology is required.' },
      ],
    });
    expect(suite.emulator.server.log.list().filter((e) => e.method === 'POST').length).toBe(writesBefore);
    await expect(corelog.services.handlers.saveInterval({ target: where, attributes: { 'Core Tray Box Numbers': { StartBox: 1 }, Geology: { Lithology: 'Gabbro' } }, base: null })).resolves.toMatchObject({
      attributes: { 'Core Tray Box Numbers': { StartBox: 1 }, Geology: { Lithology: 'Gabbro' } },
    });
  });
});
