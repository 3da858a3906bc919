/**
 * The hole report's pure rules (renderer/src/photos/hole-report/report-model.ts): the table's
 * columns (definitions first, then what the intervals carry besides), photos in depth order with
 * an uploaded photo printed once, values as printed, safe colours, and the offered file name.
 */
import { describe, expect, it } from 'vitest';
import type { CatalogueImageryType } from '../../../common/bridge/photo-contract';
import type { ImageryInterval, TrayPhoto } from '../../../renderer/src/photos/photos-db';
import { attributeText, colourSwatch, reportColumns, reportFileName, reportPhotos, reportTables } from '../../../renderer/src/photos/hole-report/report-model';

const coreTrays: CatalogueImageryType = {
  id: 'ct',
  name: 'Core Trays',
  geometryType: 'trace',
  imageTypes: [{ name: 'Wet' }, { name: 'Dry' }],
  attributeDefinitions: [
    { name: 'Geotechnical', attributeTypes: [{ name: 'RQD %', dataType: 'number' }] },
    { name: 'Geology', attributeTypes: [{ name: 'Lithology', dataType: 'string' }, { name: 'Lithology colour', dataType: 'colour' }] },
  ],
};

function interval(id: string, from: number, to: number, extra: Partial<ImageryInterval> = {}): ImageryInterval {
  return { id, holeId: 'h', imageryTypeName: 'Core Trays', from, to, attributes: {}, remoteId: `r-${id}`, remoteImages: [], updatedAt: '2026-01-01T00:00:00Z', ...extra };
}

function photo(id: string, intervalId: string, imageTypeName: string, extra: Partial<TrayPhoto> = {}): TrayPhoto {
  return {
    id,
    sha256: id.padEnd(64, '0'),
    originalName: `${id}.jpg`,
    mimeType: 'image/jpeg',
    width: 100,
    height: 50,
    bytes: 1,
    converted: null,
    thumbnail: new Blob(),
    source: 'picker',
    workspaceName: 'W',
    datasetName: 'D',
    binding: { hole: 'H', imageryTypeName: 'Core Trays', imageTypeName, from: 0, to: 1 },
    intervalId,
    state: 'queued',
    remoteImageId: null,
    lastError: null,
    createdAt: '2026-01-01T00:00:00Z',
    uploadedAt: null,
    ...extra,
  };
}

describe('hole report model', () => {
  it('lists the definitions’ attributes in order, then any the intervals carry that the definitions do not', () => {
    const intervals = [interval('a', 0, 1, { attributes: { Geology: { Lithology: 'Basalt', Weathering: 'fresh' }, Extra: { Note: 'x' } } })];
    expect(reportColumns(coreTrays, intervals).map((c) => `${c.definition}.${c.attribute}:${c.dataType}`)).toEqual([
      'Geotechnical.RQD %:number',
      'Geology.Lithology:string',
      'Geology.Lithology colour:colour',
      'Geology.Weathering:null',
      'Extra.Note:null',
    ]);
  });

  it('makes one table per imagery type with intervals, in the dataset’s order, rows down the hole', () => {
    const chips: CatalogueImageryType = { ...coreTrays, id: 'ch', name: 'Chips' };
    const tables = reportTables([coreTrays, chips], [interval('b', 5, 6), interval('c', 0, 5, { imageryTypeName: 'Chips' }), interval('a', 1, 2), interval('d', 9, 10, { imageryTypeName: 'Unknown' })]);
    expect(tables.map((t) => [t.imageryTypeName, t.intervals.map((i) => i.id)])).toEqual([
      ['Core Trays', ['a', 'b']],
      ['Chips', ['c']],
      ['Unknown', ['d']],
    ]);
  });

  it('orders photos down the hole then by image type, prints an uploaded one once, and leaves drafts out', () => {
    const deep = interval('deep', 10, 12, { remoteImages: [{ id: 'img-wet', imageTypeName: 'Wet', width: 10, height: 5 }] });
    const shallow = interval('shallow', 0, 2, { remoteImages: [{ id: 'img-dry', imageTypeName: 'Dry', width: 10, height: 5 }] });
    const local = [
      photo('uploaded', 'deep', 'Wet', { state: 'uploaded', remoteImageId: 'img-wet' }),
      photo('waiting', 'shallow', 'Wet'),
      photo('draft', 'shallow', 'Wet', { state: 'draft' }),
      photo('other-hole', 'elsewhere', 'Wet'),
    ];
    expect(reportPhotos([deep, shallow], local).map((p) => `${p.interval.id}:${p.imageTypeName}:${p.key}`)).toEqual(['shallow:Dry:imago:img-dry', 'shallow:Wet:local:waiting', 'deep:Wet:imago:img-wet']);
  });

  it('prints values as they are, booleans as yes/no, nothing for none; draws only plain hex colours', () => {
    const attributes = { G: { n: 82, b: true, f: false, z: null, s: 'Basalt' } };
    expect(['n', 'b', 'f', 'z', 's', 'missing'].map((attribute) => attributeText(attributes, { definition: 'G', attribute }))).toEqual(['82', 'yes', 'no', '', 'Basalt', '']);
    expect(colourSwatch('#4A5A3C')).toBe('#4A5A3C');
    expect(colourSwatch(' #abc ')).toBe('#abc');
    for (const unsafe of ['red', 'url(javascript:alert(1))', '#12345', 'expression(1)', '']) expect(colourSwatch(unsafe)).toBeNull();
  });

  it('offers a file name without characters a file system refuses', () => {
    const day = new Date(2026, 10, 26);
    expect(reportFileName({ name: 'FF-DD-0012' }, day)).toBe('FF-DD-0012 hole report 2026-11-26.pdf');
    expect(reportFileName({ name: 'A/B:C*?\u0007' }, day)).toBe('A-B-C-- hole report 2026-11-26.pdf');
    // A cut at 150 never halves an emoji (the save bridge refuses a lone surrogate), and a
    // right-to-left override cannot make the name end look like another extension.
    const long = reportFileName({ name: `${'x'.repeat(149)}🪨🪨` }, day);
    expect(long).toBe(`${'x'.repeat(149)}🪨 hole report 2026-11-26.pdf`);
    expect(long).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(reportFileName({ name: 'DH\u202Efdp.exe' }, day)).toBe('DH-fdp.exe hole report 2026-11-26.pdf');
    expect(reportFileName({ name: '..' }, day)).toBe('hole hole report 2026-11-26.pdf');
  });
});
