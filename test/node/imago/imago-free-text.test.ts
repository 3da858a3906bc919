/**
 * The free-text rule on what goes to Imago: hole names and attribute text are refused at the
 * field (interval-rules, used by the forms) with the same words the bridge uses when main checks
 * the input again, so a NUL or a control character is never queued and never sent.
 */
import { describe, expect, it } from 'vitest';
import { photoMethods, type CatalogueImageryType } from '../../../common/bridge/photo-contract';
import { holeNameProblem, parseAttributes } from '../../../renderer/src/photos/interval-rules';

const coreTrays: CatalogueImageryType = {
  id: 't',
  name: 'Core Trays',
  geometryType: 'trace',
  imageTypes: [{ name: 'Wet' }],
  attributeDefinitions: [
    { name: 'Geology', attributeTypes: [{ name: 'Lithology', dataType: 'string' }, { name: 'Comments', dataType: 'note' }] },
    { name: 'Core Tray Box Numbers', attributeTypes: [{ name: 'StartBox', dataType: 'number' }] },
  ],
};
const hole = { workspaceName: 'Firefly Resource Development', datasetName: 'Diamond Drilling' };
const messages = (result: { success: boolean; error?: { issues: { message: string }[] } }) => result.error?.issues.map((i) => i.message) ?? [];

describe('free text sent to Imago', () => {
  it('refuses control characters in a hole name at the field and at the bridge, with the same words', () => {
    expect(holeNameProblem('FF-DD-0200')).toBeNull();
    const atField = holeNameProblem('FF-DD\u0000-0200');
    expect(atField).toBe('The hole name contains a NUL character at position 6, which the server cannot store. Remove it (pasting again cleans it).');
    expect(messages(photoMethods.createHole.input.safeParse({ ...hole, collectionName: 'FF-DD\u0000-0200' }))).toEqual([atField]);
    expect(holeNameProblem('FF-DD-0200\n')).toBeNull(); // trailing whitespace is trimmed, not sent
    expect(holeNameProblem('FF\tDD')).toMatch(/a line break or tab at position 3/);
    expect(holeNameProblem('FF/DD')).toBe('A hole name cannot contain / or \\.');
    expect(holeNameProblem('x'.repeat(101))).toMatch(/101 characters long; at most 100/);
    const target = { ...hole, collectionName: 'FF-DD-0200', imageryTypeName: 'Core Trays', from: 1, to: 2 };
    expect(photoMethods.saveInterval.input.safeParse({ target, attributes: {} }).success).toBe(true);
    expect(messages(photoMethods.saveInterval.input.safeParse({ target: { ...target, collectionName: 'FF\u001b[0m' }, attributes: {} }))).toEqual([
      expect.stringMatching(/^The hole name contains a control character \(U\+001B\) at position 3/),
    ]);
  });

  it('finds a hole Imago already has by its name exactly as given, however Imago allowed it to be named', () => {
    // 400 characters, a tab and a trailing space: a hole named elsewhere must still open, and trimming would name another hole.
    const named = `${'R'.repeat(396)}\tC1 `;
    const read = photoMethods.listHoleIntervals.input.safeParse({ ...hole, collectionName: named });
    expect(read.success && read.data.collectionName).toBe(named);
    expect(photoMethods.fetchImagoImage.input.safeParse({ ...hole, collectionName: named, imageryTypeName: 'Core Trays ', imageTypeName: 'Wet', imageryId: 'i', imageId: 'm', width: 64 }).success).toBe(true);
    // Still bounded, and never half a character (it cannot go in a URL); writes keep the strict rule.
    expect(messages(photoMethods.listHoleIntervals.input.safeParse({ ...hole, collectionName: 'FF\ud800' }))).toEqual([expect.stringMatching(/broken character/)]);
    expect(photoMethods.listHoleIntervals.input.safeParse({ ...hole, collectionName: 'x'.repeat(4_097) }).success).toBe(false);
    expect(photoMethods.listHoleIntervals.input.safeParse({ ...hole, collectionName: '' }).success).toBe(false);
    expect(photoMethods.createHole.input.safeParse({ ...hole, collectionName: named }).success).toBe(false);
  });

  it('keeps notes multi-line (CR LF sent as LF), holds single-line attributes to one line, and refuses NUL in either', () => {
    const parsed = parseAttributes(coreTrays, { Geology: { Lithology: 'Basalt', Comments: 'Foliated\r\nquartz veins' } });
    expect(parsed.issues).toEqual({});
    expect(parsed.values.Geology).toEqual({ Lithology: 'Basalt', Comments: 'Foliated\nquartz veins' });

    const bad = parseAttributes(coreTrays, { Geology: { Lithology: 'Bas\talt', Comments: 'bell \u0007 here' } });
    expect(bad.issues).toEqual({
      'Geology.Lithology': 'Lithology contains a line break or tab at position 4, which the server cannot store. Remove it (pasting again cleans it).',
      'Geology.Comments': 'Comments contains a control character (U+0007) at position 6, which the server cannot store. Remove it (pasting again cleans it).',
    });
    expect(parseAttributes(coreTrays, { Geology: { Lithology: 'x'.repeat(256) } }).issues['Geology.Lithology']).toMatch(/256 characters long; at most 255/);

    // The bridge refuses the same text if a renderer bug let it through, and normalises line ends.
    const target = { ...hole, collectionName: 'FF-DD-0200', imageryTypeName: 'Core Trays', from: 1, to: 2 };
    const sent = photoMethods.saveInterval.input.safeParse({ target, attributes: { Geology: { Comments: 'a\r\nb' } } });
    expect(sent.success && sent.data.attributes.Geology).toEqual({ Comments: 'a\nb' });
    expect(messages(photoMethods.saveInterval.input.safeParse({ target, attributes: { Geology: { Comments: 'a\u0000b' } } }))).toEqual([
      'An attribute value contains a NUL character at position 2, which the server cannot store. Remove it (pasting again cleans it).',
    ]);
  });

  it('carries values the form has no field for, so an edit never drops what Imago holds', () => {
    const kept = { Geology: { Lithology: 'Basalt', Hardness: 'Mohs 6' }, 'Structure Log': { Dip: 45 } };
    const { values, issues } = parseAttributes(coreTrays, { Geology: { Lithology: 'Dolerite' }, 'Core Tray Box Numbers': { StartBox: '7' } }, kept);
    expect(issues).toEqual({});
    expect(values).toEqual({
      'Structure Log': { Dip: 45 },
      Geology: { Hardness: 'Mohs 6', Lithology: 'Dolerite', Comments: null },
      'Core Tray Box Numbers': { StartBox: 7 },
    });
  });
});
