/** The archive manifest: CSV reading (quotes, BOM, CRLF, chunk edges) and what each line means. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorelogError } from '../../../common/errors';
import { MAX_CELLS, readCsvRecords } from '../../../electron/services/archive-import/plan/csv-records';
import { readManifest, type AttributeTypes } from '../../../electron/services/archive-import/plan/manifest';
import { makeTempDir } from '../images/photo-fixtures';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('corelog-manifest-'));
});
afterAll(() => cleanup());

let n = 0;
async function file(text: string | Buffer): Promise<string> {
  const path = join(dir, `m${n++}.csv`);
  await writeFile(path, text);
  return path;
}

async function records(text: string | Buffer) {
  const out = [];
  for await (const r of readCsvRecords(await file(text))) out.push(r);
  return out;
}

const TYPES = ['Wet', 'Dry'];
const ATTRIBUTES: AttributeTypes = new Map([
  ['Geology', new Map([['Lithology', 'string'], ['Comments', 'note']])],
  ['Core Tray Box Numbers', new Map([['StartBox', 'number']])],
]);

describe('CSV records', () => {
  it('reads BOM, CRLF, quoted commas, doubled quotes and line breaks, with the line each record starts on', async () => {
    const got = await records('\uFEFFa,b,c\r\n1,"x, y","say ""hi"""\r\n2,"two\r\nlines",z\r\n\r\n3,,\r\n');
    expect(got).toEqual([
      { line: 1, cells: ['a', 'b', 'c'], unclosedQuote: false },
      { line: 2, cells: ['1', 'x, y', 'say "hi"'], unclosedQuote: false },
      { line: 3, cells: ['2', 'two\nlines', 'z'], unclosedQuote: false },
      { line: 6, cells: ['3', '', ''], unclosedQuote: false },
    ]);
  });

  it('takes LF and CR line ends, a last line without an end, and ; as separator when the header uses it', async () => {
    expect((await records('a;b\n1;2,5\r3;4')).map((r) => r.cells)).toEqual([
      ['a', 'b'],
      ['1', '2,5'],
      ['3', '4'],
    ]);
  });

  it('says when a quote is never closed', async () => {
    const got = await records('a,b\n1,"open\n2,3\n');
    expect(got.at(-1)).toEqual({ line: 2, cells: ['1', 'open\n2,3\n'], unclosedQuote: true });
  });

  it('reads a doubled quote and a CRLF that straddle the 64 KB read chunks', async () => {
    // Record 2's cell is padded so its doubled quote sits on bytes 65,535–65,536, and record 3's CRLF on the next edge.
    const header = 'file,note\r\n';
    const lead = `${header}x,"`;
    const pad = 'p'.repeat(65_535 - lead.length);
    const second = `${lead}${pad}""q"\r\n`;
    const pad2 = 'r'.repeat(2 * 65_536 - 1 - second.length - 2);
    const text = `${second}y,${pad2}\r\nz,end\r\n`;
    expect(text.indexOf('""')).toBe(65_535);
    expect(text.indexOf('\r\nz')).toBe(2 * 65_536 - 1);
    const got = await records(text);
    expect(got.map((r) => [r.line, r.cells[0], r.cells[1]!.slice(-3)])).toEqual([
      [1, 'file', 'ote'],
      [2, 'x', 'p"q'],
      [3, 'y', 'rrr'],
      [4, 'z', 'end'],
    ]);
  });
});

describe('readManifest', () => {
  const folder = '/archive';
  const read = async (text: string) => readManifest(await file(text), folder, TYPES, ATTRIBUTES);

  it('reads each line for its file: depths, Imago spelling of the image type, typed attributes', async () => {
    const m = await read('File,Hole,From,To,Image Type,Geology/Lithology,Core Tray Box Numbers/StartBox\n' + 'a\\b.jpg,H1,0,4.5,wet,Basalt,3\n' + './c/d.jpg,H1,4.5,"9,0",DRY,,\n');
    expect(m.orphans).toEqual([]);
    expect(Object.fromEntries(m.entries)).toEqual({
      'a/b.jpg': { ok: true, reading: { line: 2, hole: 'H1', from: 0, to: 4.5, imageType: 'Wet', attributes: { Geology: { Lithology: 'Basalt' }, 'Core Tray Box Numbers': { StartBox: 3 } } } },
      'c/d.jpg': { ok: true, reading: { line: 3, hole: 'H1', from: 4.5, to: 9, imageType: 'Dry', attributes: null } },
    });
  });

  it('makes a path given in full relative to the archive folder', async () => {
    const m = await read('file,hole,from,to,imageType\n/archive/x/y.jpg,H,0,1,Wet\n');
    expect([...m.entries.keys()]).toEqual(['x/y.jpg']);
  });

  it('marks each unusable line with its number and reason, and keeps going', async () => {
    const m = await read(
      [
        'file,hole,from,to,imageType,Core Tray Box Numbers/StartBox',
        'a.jpg,H,abc,5,Wet,', // 2
        'b.jpg,H', // 3
        'c.jpg,H,5,1,Wet,', // 4
        'd.jpg,H,0,1,UV,', // 5
        'e.jpg,H,0,1,Wet,many', // 6
        ',H,0,1,Wet,', // 7
        'f.jpg,,0,1,Wet,', // 8
        'g.jpg,H,0,1,Wet,1,extra', // 9
        'h.jpg,H\u0007,0,1,Wet,', // 10
        'a.jpg,H,0,1,Wet,', // 11: a second line for a.jpg
      ].join('\n'),
    );
    const reason = (f: string) => {
      const e = m.entries.get(f)!;
      return e.ok ? null : e.reason;
    };
    expect(reason('a.jpg')).toBe('Manifest lines 2 and 11 both name this file; keep one.');
    expect(reason('b.jpg')).toMatch(/^Manifest line 3: 2 cells, but file, hole, from, to and imageType are all needed\.$/);
    expect(reason('c.jpg')).toBe('Manifest line 4: From (5) is not less than To (1).');
    expect(reason('d.jpg')).toContain('Manifest line 5: "UV" is not an image type');
    expect(reason('e.jpg')).toBe('Manifest line 6: Core Tray Box Numbers/StartBox "many" is not a number.');
    expect(reason('f.jpg')).toBe('Manifest line 8: the hole name is empty.');
    expect(reason('g.jpg')).toBe('Manifest line 9: more cells (7) than the header names (6).');
    expect(reason('h.jpg')).toMatch(/^Manifest line 10: The hole name .*U\+0007/);
    expect(m.orphans).toEqual([{ line: 7, reason: 'Manifest line 7 names no file.' }]);
  });

  it('refuses a header without the required columns, or with attribute columns the imagery type does not have', async () => {
    await expect(read('path,hole,from,to\nx.jpg,H,0,1\n')).rejects.toThrow(/Missing: file, imagetype/);
    await expect(read('file,hole,from,to,imageType,Geology/Colour,RQD\n')).rejects.toMatchObject({ kind: 'validation', message: expect.stringContaining('Geology/Colour, RQD') });
    await expect(read('')).rejects.toThrow(/empty/);
    await expect(readManifest(join(dir, 'missing.csv'), folder, TYPES, ATTRIBUTES)).rejects.toBeInstanceOf(CorelogError);
  });

  it('says in words why a manifest path cannot be read: not there, or a folder', async () => {
    await expect(readManifest(join(dir, 'missing.csv'), folder, TYPES, ATTRIBUTES)).rejects.toThrow(`The manifest cannot be read (${join(dir, 'missing.csv')} does not exist).`);
    await expect(readManifest(dir, folder, TYPES, ATTRIBUTES)).rejects.toThrow(`The manifest cannot be read (${dir} is a folder, not a CSV file).`);
  });

  it('keeps a damaged line of endless separators to a bounded record, and says what is wrong with it', async () => {
    const endless = ','.repeat(3_000_000);
    const got = await records(`file,hole,from,to,imageType\nx.jpg,H,0,1,Wet${endless}\ny.jpg,H,1,2,Wet\n`);
    expect(got[1]).toMatchObject({ line: 2, tooManyCells: true });
    expect(got[1]!.cells).toHaveLength(MAX_CELLS);
    expect(got[2]).toEqual({ line: 3, cells: ['y.jpg', 'H', '1', '2', 'Wet'], unclosedQuote: false });
    const m = await read(`file,hole,from,to,imageType\nx.jpg,H,0,1,Wet${endless}\ny.jpg,H,1,2,Wet\n`);
    expect(m.entries.get('x.jpg')).toEqual({ ok: false, line: 2, reason: `Manifest line 2: more than ${MAX_CELLS} cells (the header names 5).` });
    expect(m.entries.get('y.jpg')).toMatchObject({ ok: true });
    await expect(read(`file,hole,from,to,imageType${endless}\n`)).rejects.toThrow(/more than 1000 columns/);
  });
});
