/**
 * The interval form's pure rules (renderer/src/photos/interval-rules.ts): pick lists and
 * type-ahead, carried-forward attributes, values kept as Imago sent them when a field is not
 * changed, and the per-attribute rules said at the field.
 */
import { describe, expect, it } from 'vitest';
import type { CatalogueImageryType } from '../../../common/bridge/photo-contract';
import { carriedText, isNewPickValue, parseAttributes, pickListValues, typeAhead } from '../../../renderer/src/photos/interval-rules';

const coreTrays: CatalogueImageryType = {
  id: 't',
  name: 'Core Trays',
  geometryType: 'trace',
  imageTypes: [{ name: 'Wet' }],
  attributeDefinitions: [
    { name: 'Geotechnical', attributeTypes: [{ name: 'RQD %', dataType: 'number' }] },
    { name: 'Geology', attributeTypes: [{ name: 'Lithology', dataType: 'string', required: true }, { name: 'Oriented', dataType: 'string' }] },
  ],
};

describe('interval form rules', () => {
  it('offers the definition’s values first, then those used (most used first), each once, and completes by prefix', () => {
    const list = pickListValues(['Gabbro', 'basalt '], ['Dolerite', 'Basalt', 'Dolerite', ' dolerite', 12, null, 'Quartz vein', '']);
    expect(list).toEqual(['Gabbro', 'basalt', 'Dolerite', 'Quartz vein']);
    expect(typeAhead('do', list)).toBe('Dolerite');
    expect(typeAhead('Dolerite', list)).toBeNull(); // nothing left to complete
    expect(typeAhead('  ', list)).toBeNull();
    expect(typeAhead('x', list)).toBeNull();
    expect(isNewPickValue('DOLERITE', list)).toBe(false);
    expect(isNewPickValue('Andesite', list)).toBe(true);
    expect(isNewPickValue('  ', list)).toBe(false);
  });

  it('starts a new interval with the carried attributes of the one above, the rest empty', () => {
    const previous = { attributes: { Geology: { Lithology: 'Basalt', Geologist: 'R. Okafor', Logged: '2026-11-20' }, Boxes: { StartBox: 3 } } };
    expect(carriedText(['Geology.Geologist', 'Geology.Logged', 'Boxes.StartBox', 'Geology.Missing'], previous)).toEqual({
      Geology: { Geologist: 'R. Okafor', Logged: '2026-11-20' },
      Boxes: { StartBox: '3' },
    });
    expect(carriedText(['Geology.Geologist'], undefined)).toEqual({});
  });

  it('keeps a value as Imago sent it when its field was not changed, and says each rule at its field', () => {
    const kept = { Geology: { Lithology: 'Basalt', Oriented: true }, Geotechnical: { 'RQD %': 85 } };
    const same = parseAttributes(coreTrays, { Geology: { Lithology: 'Basalt', Oriented: 'true' }, Geotechnical: { 'RQD %': '85' } }, kept);
    expect(same).toEqual({ values: kept, issues: {} });
    const broken = parseAttributes(coreTrays, { Geology: { Lithology: '' }, Geotechnical: { 'RQD %': '101' } }, kept);
    expect(broken.issues).toEqual({ 'Geology.Lithology': 'Lithology is required.', 'Geotechnical.RQD %': 'RQD % must be between 0 and 100.' });
  });
});
