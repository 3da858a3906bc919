/**
 * A sign-in answered with another 2xx than the documented 200: 201 "session created" with a
 * session in the body is a sign-in; a 2xx without a token is a reply Corelog cannot use, said so,
 * not "Imago refused to sign in". A stand-in Imago over real HTTP.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ImagoClient } from '../../../electron/services/imago/imago-client';
import { sendJson, startOddImago, type OddImago } from './odd-imago-double';

let imago: OddImago | null = null;
afterEach(async () => {
  await imago?.close();
  imago = null;
});

const client = (url: string) => new ImagoClient({ baseUrl: url, timeoutMs: 3000, credentials: async () => ({ username: 'svc', password: 'pw' }) });

describe('Imago sign-in with another 2xx', () => {
  it('takes a session created with 201 and reads with its token', async () => {
    imago = await startOddImago();
    const odd = imago;
    odd.on('POST /session', ({ res }) => {
      const token = `created-${odd.signIns++}`;
      odd.tokens.add(token);
      sendJson(res, 201, { uid: 'u-201', apiToken: token });
    });
    const c = client(odd.url);
    await expect(c.signIn('svc', 'pw')).resolves.toMatchObject({ uid: 'u-201' });
    await expect(c.listCollections({ datasetId: 'd' })).resolves.toMatchObject({ collections: [] });
    expect(odd.signIns).toBe(1);
  });

  it('a 204 without a session is an unusable reply in plain words, not a refusal of the login', async () => {
    imago = await startOddImago();
    imago.on('POST /session', ({ res }) => void res.writeHead(204).end());
    const error = await client(imago.url).signIn('svc', 'pw').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'malformed-response' });
    expect((error as Error).message).not.toMatch(/refused/);
  });
});
