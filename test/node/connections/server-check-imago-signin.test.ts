/**
 * The server check's sign-in step against sign-in replies our emulator does not send: it must say
 * what Corelog's client will do with them (both read the reply with the same code), not guess.
 * A stand-in Imago over real HTTP; the check run directly.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerCheckReport } from '../../../common/bridge/connection-contract';
import { runImagoServerCheck } from '../../../electron/services/connections/server-check/imago-server-check';
import { sendJson, startOddImago, type OddImago } from '../imago/odd-imago-double';

let imago: OddImago | null = null;
afterEach(async () => {
  await imago?.close();
  imago = null;
});

const step = (report: ServerCheckReport, id: string) => report.steps.find((s) => s.id === id)!;
const check = (url: string) => runImagoServerCheck({ serverUrl: url, api: {}, login: { username: 'svc', password: 'pw' }, requestTimeoutMs: 3000 });

describe('Imago server check: sign-in replies', () => {
  it('a session created with 201, wrapped, stating 30 min: the token is used and the lifetime said as the client counts it', async () => {
    imago = await startOddImago();
    const odd = imago;
    odd.on('POST /session', ({ res }) => {
      const token = `tok-${odd.signIns++}`;
      odd.tokens.add(token);
      sendJson(res, 201, { data: { accessToken: token, expires_in: 1800 } });
    });
    const report = await check(odd.url);
    expect(step(report, 'sign-in')).toMatchObject({ state: 'noted', summary: expect.stringContaining('Corelog’s client reads it') });
    expect(step(report, 'session').state).toBe('passed');
    // Corelog's own client signs in the same way (the stand-in has no /context: that part fails on its own).
    const client = step(report, 'client').details.join('\n');
    expect(client).not.toMatch(/refused to sign in/);
    expect(client).toContain('Worked around: sign in: the session came wrapped in another object');
    expect(report.detected.map((d) => d.text).join('\n')).toContain('states the token’s lifetime (30 min); Corelog counts that (30 min) from sign-in');
  });

  it('a reply with no token anywhere fails the step in plain words, and the later steps say why they were not tried', async () => {
    imago = await startOddImago();
    imago.on('POST /session', ({ res }) => sendJson(res, 200, { uid: 'u-1', session: { id: 'x' } }));
    const report = await check(imago.url);
    expect(step(report, 'sign-in')).toMatchObject({ state: 'failed', summary: expect.stringContaining('Corelog’s client finds no token in the reply') });
    expect(step(report, 'context')).toMatchObject({ state: 'skipped', summary: expect.stringContaining('signed-in session') });
  });
});
