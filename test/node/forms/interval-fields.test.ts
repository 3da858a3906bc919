/**
 * The Photos screen's rules (renderer/src/photos/interval-rules.ts) read their fields with the
 * shared definitions and word depths in the dataset's units.
 */
import { describe, expect, it } from 'vitest';
import type { CatalogueImageryType, PhotoCatalogue } from '../../../common/bridge/photo-contract';
import { datasetLengthUnits, formatRange, intervalError, labelInUnits, parseAttributes } from '../../../renderer/src/photos/interval-rules';

const coreTrays: CatalogueImageryType = {
  id: 't',
  name: 'Core Trays',
  geometryType: 'trace',
  imageTypes: [{ name: 'Wet' }],
  attributeDefinitions: [
    { name: 'Core Tray Box Numbers', attributeTypes: [{ name: 'StartBox', dataType: 'number' }] },
    {
      name: 'Geology',
      attributeTypes: [
        { name: 'Logged', dataType: 'date' },
        { name: 'Lithology colour', dataType: 'colour' },
      ],
    },
  ],
};

describe('interval rules in the dataset’s units', () => {
  it('words ranges, overlaps and gaps in feet for a feet dataset, never in metres', () => {
    const others = [{ id: 'a', from: 0, to: 15 }];
    expect(formatRange({ from: 0, to: 15 }, 'feet')).toBe('0.00–15.00 ft');
    expect(intervalError({ from: 10, to: 20 }, others, 'feet')).toBe('Overlaps the interval 0.00–15.00 ft.');
    expect(intervalError({ from: 10, to: 20 }, others, 'metres')).toBe('Overlaps the interval 0.00–15.00 m.');
    expect(intervalError({ from: Number.NaN, to: 20 }, others, 'feet')).toBe('Enter From and To as depths in feet.');
    expect(intervalError({ from: -1, to: 20 }, [], 'feet')).toBe('From cannot be negative.');
    expect(intervalError({ from: 20, to: 20 }, [], 'feet')).toBe('From must be less than To.');
    expect(intervalError({ from: 15, to: 20 }, others, 'feet')).toBeNull();
  });

  it('shows outbox labels in the units of their dataset, old " m" labels included', () => {
    expect(labelInUnits('Upload FF-DD-0013 15.00–20.00 Dry (tray.jpg)', 'feet')).toBe('Upload FF-DD-0013 15.00–20.00 ft Dry (tray.jpg)');
    expect(labelInUnits('Upload FF-DD-0013 15.00–20.00 m Dry (tray.jpg)', 'feet')).toBe('Upload FF-DD-0013 15.00–20.00 ft Dry (tray.jpg)');
    expect(labelInUnits('Save FF-DD-0012 102.00–106.80 Core Trays', 'metres')).toBe('Save FF-DD-0012 102.00–106.80 m Core Trays');
    expect(labelInUnits('Save FF-DD-0012 102.00–106.80 m Core Trays', undefined)).toBe('Save FF-DD-0012 102.00–106.80 Core Trays');
    expect(labelInUnits('Create hole FF-DD-0200', 'feet')).toBe('Create hole FF-DD-0200');
  });

  it('finds a dataset’s units in the cached catalogue', () => {
    const catalogue: PhotoCatalogue = {
      fetchedAt: '2024-06-01T00:00:00Z',
      workspaces: [{ id: 'w', name: 'Archive', readonly: true, folder: null, datasets: [{ id: 'd', name: '1998 Historic Core', lengthUnits: 'feet', imageryTypes: [] }] }],
    };
    expect(datasetLengthUnits(catalogue, 'Archive', '1998 Historic Core')).toBe('feet');
    expect(datasetLengthUnits(catalogue, 'Archive', 'Other')).toBeUndefined();
    expect(datasetLengthUnits(undefined, 'Archive', '1998 Historic Core')).toBeUndefined();
  });

  it('refuses 5,5 as a number, 2024-02-30 as a date and a bad colour at the attribute, keeping what is right', () => {
    const { values, issues } = parseAttributes(coreTrays, { 'Core Tray Box Numbers': { StartBox: '5,5' }, Geology: { Logged: '2024-02-30', 'Lithology colour': '#4a5a3c' } });
    expect(issues).toEqual({
      'Core Tray Box Numbers.StartBox': 'StartBox: use a point for decimals (5.5, not 5,5).',
      'Geology.Logged': 'Logged: 2024-02-30 is not a date (February 2024 has 29 days).',
    });
    expect(values.Geology).toEqual({ 'Lithology colour': '#4A5A3C' });
    const good = parseAttributes(coreTrays, { 'Core Tray Box Numbers': { StartBox: '12' }, Geology: { Logged: '2024-02-29', 'Lithology colour': '' } });
    expect(good).toEqual({ values: { 'Core Tray Box Numbers': { StartBox: 12 }, Geology: { Logged: '2024-02-29', 'Lithology colour': null } }, issues: {} });
  });
});
