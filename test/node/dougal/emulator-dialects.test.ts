/**
 * The Dougal emulator's dialect switches, over raw HTTP: each plausible server behaviour where
 * the documents are silent, as a real server of that kind would answer (no client in between).
 */
import { describe, expect, it } from 'vitest';
import { admin, bearer, PID, rawLogin, startDougal } from './harness';

type Json = Record<string, unknown>;

async function session(options: Parameters<typeof startDougal>[0] = {}) {
  const dougal = await startDougal(options);
  const token = await rawLogin(dougal);
  const url = (path: string) => `${dougal.server.baseUrl}/project/${PID}${path}`;
  const call = (method: string, path: string, body?: unknown, withToken = token) =>
    fetch(url(path), { method, headers: bearer(withToken), ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { dougal, token, call };
}

const tokenOf = (response: Response) => {
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('JWT='));
  return cookie ? cookie.slice(4, cookie.indexOf(';')) : null;
};

describe('Dougal emulator dialects', () => {
  it('answers POST /event with the event, with only its id, or with 204 — always with a Location', async () => {
    const { dougal, call } = await session();
    const post = () => call('POST', '/event', { tstamp: '2024-06-07T01:00:00Z', remarks: 'reply style' });
    const full = await post();
    expect(full.status).toBe(201);
    const event = (await full.json()) as Json;
    expect(event).toMatchObject({ uid: event.id, remarks: 'reply style', labels: [] });
    expect(full.headers.get('location')).toBe(`/api/project/${PID}/event/${String(event.id)}`);

    await admin(dougal, 'PATCH', '/dougal/options', { eventPostResponse: 'created-201-id-only' });
    const idOnly = await post();
    const body = (await idOnly.json()) as Json;
    expect([idOnly.status, Object.keys(body)]).toEqual([201, ['id']]);
    expect(idOnly.headers.get('location')).toMatch(new RegExp(`/event/${String(body.id)}$`));

    await admin(dougal, 'PATCH', '/dougal/options', { eventPostResponse: 'empty-204' });
    const empty = await post();
    expect([empty.status, await empty.text()]).toEqual([204, '']);
    expect(empty.headers.get('location')).toMatch(/\/event\/\d+$/);
    expect(dougal.project().events.filter((e) => e.remarks === 'reply style')).toHaveLength(3);
  });

  it('can lack the changes endpoint: 404 on both of its paths, everything else unchanged', async () => {
    const { call } = await session({ changesEndpoint: 'missing' });
    expect((await call('GET', '/event/changes/2024-06-01T00:00:00Z?unique=true')).status).toBe(404);
    expect((await call('GET', '/event/changes?since=2024-06-01T00:00:00Z')).status).toBe(404);
    expect((await call('GET', '/event?sequence=3')).status).toBe(200);
  });

  it('stores geometry and unknown attributes with each instance; a PUT that leaves one out is refused or resets it', async () => {
    const { dougal, call } = await session({ eventGeometry: 'stored' });
    const seeded = (await (await call('GET', '/event?sequence=5')).json()) as Json[];
    const withSource = seeded.find((e) => e.source === 'nav-logger' && !e.readonly)!;
    expect(withSource).toBeDefined();
    expect(withSource.geometry).toMatchObject({ type: 'Point', coordinates: [expect.any(Number), expect.any(Number)] });

    const created = (await (await call('POST', '/event', { sequence: 5, point: 1100, remarks: 'from another logger', geometry: { type: 'Point', coordinates: [2.5, 58.9] }, source: 'bridge-ais', id: 1, has_edits: true })).json()) as Json;
    expect(created).toMatchObject({ geometry: { type: 'Point', coordinates: [2.5, 58.9] }, source: 'bridge-ais', has_edits: false });
    expect(created.id).not.toBe(1); // the server owns ids

    const { id: _id, uid: _uid, readonly: _ro, has_edits: _he, ...attributes } = withSource;
    const missing = await call('PUT', `/event/${String(withSource.id)}`, { ...attributes, geometry: undefined, source: undefined, remarks: 'dropped two' });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as Json).message).toBe('all attributes must be sent; missing: geometry, source');

    expect((await call('PUT', `/event/${String(withSource.id)}`, { ...attributes, remarks: 'kept all' })).status).toBe(204);
    const kept = (await (await call('GET', `/event/${String(withSource.id)}`)).json()) as Json;
    expect(kept).toMatchObject({ remarks: 'kept all', geometry: withSource.geometry, source: 'nav-logger' });

    await admin(dougal, 'PATCH', '/dougal/options', { putMissingAttributes: 'defaults' });
    expect((await call('PUT', `/event/${String(withSource.id)}`, { tstamp: withSource.tstamp, remarks: 'careless client' })).status).toBe(204);
    const reset = (await (await call('GET', `/event/${String(withSource.id)}`)).json()) as Json;
    expect(reset).toMatchObject({ remarks: 'careless client', geometry: null, labels: [], meta: {} });
    expect(reset).not.toHaveProperty('source');
  });

  it('switches to stored attributes at run time, giving seeded events their geometry', async () => {
    const { dougal, call } = await session();
    const before = (await (await call('GET', '/event?sequence=6&limit=20')).json()) as Json[];
    expect(before.some((e) => 'source' in e)).toBe(false);
    await admin(dougal, 'PATCH', '/dougal/options', { eventGeometry: 'stored' });
    const after = (await (await call('GET', '/event?sequence=6&limit=20')).json()) as Json[];
    expect(after.map((e) => e.geometry)).toEqual(before.map((e) => e.geometry));
    expect(dougal.project().events.every((e) => e.attributes && 'geometry' in e.attributes)).toBe(true);
    expect(dougal.project().events.some((e) => e.attributes?.source === 'nav-logger')).toBe(true);
  });

  it('rotates the JWT every Nth response; a replaced token works for the grace period, then gets 401', async () => {
    const { dougal, token, call } = await session({ jwtRotateEvery: 2, jwtReplacedGraceSeconds: 1 });
    const first = await call('GET', '/label');
    expect(tokenOf(first)).toBeNull();
    const second = await call('GET', '/label');
    const successor = tokenOf(second)!;
    expect(successor).toBeTruthy();
    // Still inside the grace period: the old token works (and counts as one more response).
    expect((await call('GET', '/label')).status).toBe(200);
    await admin(dougal, 'POST', '/clock', { advanceMs: 1_500 });
    const late = await call('GET', '/label');
    expect(late.status).toBe(401);
    expect(((await late.json()) as Json).message).toBe('token replaced by a newer one');
    expect((await call('GET', '/label', undefined, successor)).status).toBe(200);

    const issued = dougal.issuedTokens();
    expect(issued.map((t) => t.reason)).toEqual(['login', 'rotate', 'rotate']);
    expect(issued[1]!.replaces).toEqual([issued[0]!.jti]);
    const sightings = dougal.tokenSightings();
    expect(sightings.map((s) => s.outcome)).toEqual(['valid', 'valid', 'valid', 'replaced', 'valid']);
    expect(sightings[2]!.replacedMsAgo).toBeGreaterThanOrEqual(0);
    expect(sightings[2]!.jti).toBe(issued[0]!.jti);
    void token;
  });

  it('serves sparse labels: data null or missing, no colours, missing flags — names always there', async () => {
    const { dougal, call } = await session({ labelData: 'sparse' });
    const labels = (await (await call('GET', '/label')).json()) as Json[];
    expect(labels).toHaveLength(14);
    expect(labels[0]).toEqual({ name: 'Nav', data: null });
    expect(labels[1]).toEqual({ name: 'Gun' });
    expect(labels[2]).toEqual({ name: 'Streamer', data: { view: { description: 'Streamer and in-sea equipment' } } });
    expect(labels[3]).toEqual({ name: 'Weather', data: { view: { colour: null }, model: { multiple: true } } });
    await admin(dougal, 'PATCH', '/dougal/options', { labelShape: 'object' });
    const keyed = (await (await call('GET', '/label')).json()) as Json;
    expect([keyed.Nav, keyed.Gun]).toEqual([null, null]);
  });

  it('sends empty optional attributes as null, or leaves null ones out', async () => {
    const { dougal, call } = await session({ nullStyle: 'explicit-null' });
    const [event] = (await (await call('GET', '/event?sequence=7&limit=1')).json()) as Json[];
    expect(event).toMatchObject({ meta: null, readonly: null, has_edits: null });
    expect(typeof event!.id).toBe('number');
    await admin(dougal, 'PATCH', '/dougal/options', { nullStyle: 'omit' });
    const undated = ((await (await call('GET', '/event?sequence=28')).json()) as Json[]).find((e) => !('tstamp' in e));
    expect(undated).toBeDefined(); // the events waiting for their shot: tstamp null → left out
    expect(Object.values(undated!)).not.toContain(null);
    const summaries = (await (await call('GET', '/sequence')).json()) as Json[];
    expect(summaries.every((s) => Object.values(s).every((v) => v !== null))).toBe(true);
  });

  it('refuses unknown values of the new switches', async () => {
    const dougal = await startDougal();
    for (const body of [{ eventPostResponse: '202' }, { changesEndpoint: 'gone' }, { eventGeometry: 'wkt' }, { labelData: 'none' }, { nullStyle: 'all' }, { jwtRotateEvery: 1.5 }, { jwtReplacedGraceSeconds: -1 }]) {
      expect((await fetch(`${dougal.server.origin}/__admin/dougal/options`, { method: 'PATCH', body: JSON.stringify(body) })).status, JSON.stringify(body)).toBe(400);
    }
  });
});
