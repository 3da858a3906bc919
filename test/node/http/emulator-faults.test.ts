/**
 * The emulators' hostile fault modes (`failureKinds`: html-200, redirect, trickle, huge,
 * truncated-json, wrong-shape), switched at run time through `PATCH /__admin/faults`, as the soak
 * and browser suites use them. Each is checked through the real client: what it injects, how the
 * client names it, whether the request was handled, and that the next request goes through.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { admin as dougalAdmin, clientFor as dougalClient, failureOf, PID, startDougal } from '../dougal/harness';
import { admin as imagoAdmin, clientFor as imagoClient, useImagoSuite } from '../imago/imago-fixture';

const suite = useImagoSuite({ resetAfterEach: true });
const limits = { deadlineMs: 1_000 };

describe('hostile fault modes of the emulator kit', () => {
  it('refuses unknown kinds and out-of-range settings', async () => {
    const dougal = await startDougal();
    await expect(dougalAdmin(dougal, 'PATCH', '/faults', { failureKinds: ['html-200', 'teapot'] })).rejects.toThrow(/400/);
    await expect(dougalAdmin(dougal, 'PATCH', '/faults', { trickleIntervalMs: 0 })).rejects.toThrow(/400/);
    await expect(dougalAdmin(dougal, 'PATCH', '/faults', { hugeBytes: 2 * 1024 ** 3 })).rejects.toThrow(/400/);
    const faults = (await (await dougalAdmin(dougal, 'PATCH', '/faults', { failureKinds: ['trickle', 'huge'], trickleIntervalMs: 50, hugeBytes: 1024 })).json()) as Record<string, unknown>;
    expect(faults).toMatchObject({ failureKinds: ['trickle', 'huge'], trickleIntervalMs: 50, hugeBytes: 1024 });
  });

  it('Dougal: a portal page, a redirect, a trickle and a huge body are answered instead of the server; the next request works', async () => {
    const dougal = await startDougal();
    const outcomes: { reachable: boolean }[] = [];
    const client = dougalClient(dougal, { timeoutMs: 5_000, limits, onOutcome: (o) => outcomes.push(o) });
    await client.listLabels(PID);
    await dougalAdmin(dougal, 'PATCH', '/faults', { trickleIntervalMs: 200, hugeBytes: 20 * 1024 * 1024 });
    const expected = {
      'html-200': { kind: 'malformed-response', message: 'Dougal answered with a web page instead of data — a captive portal or proxy may be in the way (HTTP 200).', reachable: false },
      redirect: { kind: 'malformed-response', message: 'Dougal did not answer: the request was redirected to another address (portal.invalid) — a captive portal or proxy may be in the way (HTTP 302).', reachable: false },
      trickle: { kind: 'timeout', message: "Dougal's reply was still not complete after 1 s; the link is too slow or something on the way is holding it.", reachable: false },
      huge: { kind: 'malformed-response', message: 'Dougal sent a reply larger than 8 MB, far more than Corelog asked for; it stopped reading it (HTTP 200).', reachable: true },
    } as const;
    for (const [kind, { reachable, ...error }] of Object.entries(expected)) {
      await dougalAdmin(dougal, 'PATCH', '/faults', { failNext: 1, failureKinds: [kind] });
      expect(await failureOf(client.listLines(PID))).toMatchObject({ ...error, retryable: true });
      expect(outcomes.at(-1)?.reachable).toBe(reachable);
      expect(dougal.server.log.list().at(-1)).toMatchObject({ fault: `injected ${kind}` });
      expect(await client.listLines(PID)).not.toHaveLength(0);
    }
  });

  it('Dougal: a truncated or wrongly shaped reply comes after the request was handled (like a lost reply)', async () => {
    const dougal = await startDougal();
    const client = dougalClient(dougal, { timeoutMs: 5_000, limits });
    for (const kind of ['truncated-json', 'wrong-shape'] as const) {
      await dougalAdmin(dougal, 'PATCH', '/faults', { failNext: 1, failureKinds: [kind], failurePathIncludes: '/line' });
      const error = await failureOf(client.listLines(PID));
      expect(error).toMatchObject({ kind: 'malformed-response', retryable: true });
      expect(error.message).toMatch(kind === 'truncated-json' ? /^Dougal's reply was cut off before the end \(\d+ (bytes|KB) arrived, HTTP 200\)/ : /^Dougal's reply to "list preplot lines" was not what Corelog expects/);
      expect(dougal.server.log.list().at(-1)).toMatchObject({ method: 'GET', status: 200, fault: `injected ${kind}` });

      // A write whose reply is spoiled was still done, once: the client either finds it or retries later.
      await dougalAdmin(dougal, 'PATCH', '/faults', { failNext: 1, failureKinds: [kind], failurePathIncludes: '/event' });
      const remarks = `Written despite ${kind}`;
      const outcome = await client.createEvent(PID, { tstamp: '2024-06-07T01:02:03Z', remarks }).catch((e: unknown) => e as { retryable: boolean });
      if (outcome && 'retryable' in outcome) expect(outcome.retryable).toBe(true);
      expect(dougal.server.log.list().find((e) => e.fault === `injected ${kind}` && e.method === 'POST')).toMatchObject({ status: 201 });
      expect((await client.listEvents(PID)).filter((e) => e.remarks === remarks)).toHaveLength(1);
    }
  });

  it('Imago: a portal page and a redirect stop a photo upload before Imago sees it; the next upload works', async () => {
    const { client, outcomes } = imagoClient(suite.emulator, { limits });
    const photo = join(suite.temp, 'fault-tray.jpg');
    writeFileSync(photo, await sharp({ create: { width: 64, height: 32, channels: 3, background: '#705a40' } }).jpeg().toBuffer());
    const target = { workspaceName: 'Firefly Resource Development', datasetName: 'Diamond Drilling', collectionName: 'FF-DD-0012', imageryTypeName: 'Core Trays', imageTypeName: 'Wet', startDepth: 102, endDepth: 106.8 };
    await client.context();
    for (const kind of ['html-200', 'redirect'] as const) {
      await imagoAdmin(suite.emulator, 'PATCH', '/faults', { failNext: 1, failureKinds: [kind], failurePathIncludes: '/image' });
      const error = await failureOf(client.uploadImage(target, photo));
      expect(error).toMatchObject({ kind: 'malformed-response', retryable: true });
      expect(error.message).toMatch(kind === 'html-200' ? /^Imago answered with a web page instead of data/ : /^Imago did not answer: the request was redirected/);
      expect(outcomes.at(-1)).toMatchObject({ reachable: false });
      expect(suite.emulator.server.log.list().at(-1)).toMatchObject({ method: 'POST', fault: `injected ${kind}` });
    }
    await expect(client.uploadImage(target, photo)).resolves.toMatchObject({ imageId: expect.any(String) });
    expect(outcomes.at(-1)).toEqual({ reachable: true });
  });
});
