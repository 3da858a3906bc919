/**
 * The dry run proves an Imago photo without a usable checksum is the same file by downloading it.
 * A copy that comes incomplete twice is taken as Imago holding it incomplete: not the same bytes
 * (the file is then uploaded), instead of the dry run failing on it at every try. A cut that does
 * not repeat is only a cut: the second download proves the photo. Real HTTP to a stand-in Imago.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELD_INCOMPLETE, ImagoHoldings } from '../../../electron/services/archive-import/plan/imago-holdings';
import { ImagoClient } from '../../../electron/services/imago/imago-client';
import { startOddImago, type OddImago } from '../imago/odd-imago-double';

let imago: OddImago;
let jpeg: Buffer;
const target = { workspaceName: 'W', datasetName: 'D', imageryTypeName: 'Chips' } as never;

beforeAll(async () => {
  const raw = Buffer.alloc(64 * 48 * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7919) % 251;
  jpeg = await sharp(raw, { raw: { width: 64, height: 48, channels: 3 } }).jpeg({ quality: 80 }).toBuffer();
  imago = await startOddImago();
});
afterAll(async () => imago.close());

function holdings(): ImagoHoldings {
  const client = new ImagoClient({ baseUrl: imago.url, timeoutMs: 3000, credentials: async () => ({ username: 'svc', password: 'pw' }) });
  return new ImagoHoldings({ imago: () => client, target });
}

const image = () => ({ id: 'i1', imageryId: 'b1', imageTypeName: 'Wet' }) as never;
const cut = () => jpeg.subarray(0, Math.floor(jpeg.length * 0.6));

describe("proving Imago's copy by downloading it", () => {
  it('incomplete twice: Imago holds it incomplete, which matches no file', async () => {
    let served = 0;
    imago.on('GET /image', ({ res }) => {
      served += 1;
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(cut().length) }).end(cut());
    });
    expect(await holdings().proveSha256('RC-1', image())).toBe(HELD_INCOMPLETE);
    expect(served).toBe(2);
  });

  it('cut once, whole the next time: the second download proves it', async () => {
    let served = 0;
    imago.on('GET /image', ({ res }) => {
      served += 1;
      const body = served === 1 ? cut() : jpeg;
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(body.length) }).end(body);
    });
    expect(await holdings().proveSha256('RC-1', image())).toBe(createHash('sha256').update(jpeg).digest('hex'));
    expect(served).toBe(2);
  });
});
