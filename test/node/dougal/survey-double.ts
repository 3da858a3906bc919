/**
 * A small Dougal double for the survey endpoints, written from the reference (dougal-api.md §2.3,
 * §2.8–2.10, §3) rather than from our emulator: a real HTTP server whose replies can take the
 * shapes a real Dougal (Express + node-postgres + PostGIS) plausibly sends — EWKB geometry text,
 * Postgres flags, unnamed projects, a QC tree keyed by test name, writes answered 204 that keep
 * nothing — so the survey handlers can be driven against each.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

export interface SurveyDoubleOptions {
  /** How geometries are sent: GeoJSON, or PostGIS's EWKB hex text (a query without ST_AsGeoJSON). */
  geometry?: 'geojson' | 'ewkb';
  /** A line's NTBA flag as JSON, as Postgres text (`t`/`f`), or as a count of NTBA points. */
  lineNtba?: 'boolean' | 'text' | 'count';
  /** The project's name: as given, null, or left out. */
  projectName?: 'given' | 'null' | 'missing';
  /** The summary route: the summary, the summary without pid/name, wrapped in `{data}`, or 404. */
  summary?: 'plain' | 'anonymous' | 'wrapped' | 'missing';
  qc?: 'tests' | 'keyed' | 'wrapped';
  /** Writes answered as done (204) but not kept (an older server ignoring a field, a proxy answering for it). */
  keepsWrites?: boolean;
  /** PATCH on the plan ignores `sequence` (no renumbering), though it keeps the rest. */
  patchRenumbers?: boolean;
  /** PATCH on the plan exists; without it, 405. */
  planPatch?: boolean;
  /** An empty plan or sequence list answered `204 No Content` instead of `[]`. */
  emptyListsAs204?: boolean;
  /** Start with an empty plan. */
  emptyPlan?: boolean;
  /** Someone removes the entry a PATCH is aimed at just before it arrives (once): the PATCH meets 404. */
  removedBeforePatch?: boolean;
  /** The sequence list leaves `remarks` out (a projection), though PATCH keeps them. */
  sequenceListWithoutRemarks?: boolean;
  /** POST on the plan numbers the entry itself (the next free number), drops `meta`, and answers 201 with the entry. */
  postNumbersItself?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

export interface SurveyDouble {
  baseUrl: string;
  plan: Record<string, unknown>[];
  sequences: Record<string, unknown>[];
  requests: RecordedRequest[];
  writes(): RecordedRequest[];
}

const running: Server[] = [];
afterEach(async () => {
  while (running.length) {
    const server = running.pop()!;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

const COMPUTED = ['num_points', 'length', 'azimuth', 'class', 'geometry', 'duration'];

export async function startSurveyDouble(options: SurveyDoubleOptions = {}): Promise<SurveyDouble> {
  const o = { geometry: 'geojson', lineNtba: 'boolean', projectName: 'given', summary: 'plain', qc: 'tests', keepsWrites: true, patchRenumbers: true, planPatch: true, emptyListsAs204: false, emptyPlan: false, postNumbersItself: false, sequenceListWithoutRemarks: false, removedBeforePatch: false, ...options };
  const lineGeometry = () => (o.geometry === 'ewkb' ? '0102000020E610000002000000000000000000004000000000000' : { type: 'LineString', coordinates: [[2, 60], [2.1, 60.1]] });
  const plan: Record<string, unknown>[] = [
    { sequence: 30, line: 1010, fsp: 1000, lsp: 1400, ts0: '2024-06-10 00:00:00+00', ts1: '2024-06-10 01:00:00+00', name: 'L1010', remarks: '', meta: { vendor: { x: 1 } }, priority: 2 },
    { sequence: 31, line: 1020, fsp: 1000, lsp: 1400, ts0: '2024-06-10 02:00:00+00', ts1: '2024-06-10 03:00:00+00', name: 'L1020', remarks: '', meta: {}, priority: 5 },
  ];
  if (o.emptyPlan) plan.length = 0;
  const sequences: Record<string, unknown>[] = [
    { sequence: 3, line: 1001, fsp: 1000, lsp: 1400, fsp_final: 1000, lsp_final: 1400, ts0: '2024-06-01 10:00:00+00', ts1: '2024-06-01 11:00:00+00', remarks: '', remarks_final: '', status: 'final' },
  ];
  const requests: RecordedRequest[] = [];
  const planned = (e: Record<string, unknown>) => ({ ...e, num_points: String(Math.abs(Number(e.lsp) - Number(e.fsp)) + 1), length: '5000.5', azimuth: 12.5, class: 'V', duration: { hours: 1 }, geometry: lineGeometry() });
  const summary = () => {
    const s: Record<string, unknown> = { pid: 'p1', name: 'North Sea 3D', lines: 412, total: '381204', virgin: 120554, prime: 250010, other: 10640, ntba: 1200, remaining: 119354, seq_raw: 188, seq_final: 170, shooting_rate: '5.4' };
    s.fsp = { sequence: 1, line: 1001, point: 1000, tstamp: '2024-06-01 10:00:00+00', geometry: o.geometry === 'ewkb' ? '0101000020E6100000' : { type: 'Point', coordinates: [2, 60] } };
    if (o.projectName === 'null') s.name = null;
    if (o.projectName === 'missing') delete s.name;
    return s;
  };

  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://double').pathname.replace(/^\/api/, '');
      const body: unknown = text ? JSON.parse(text) : undefined;
      const payload = (body ?? {}) as Record<string, unknown>;
      requests.push({ method: req.method ?? 'GET', path, body });
      // Implicit (network) login: every reply carries a fresh token.
      const reply = (status: number, value?: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', 'set-cookie': 'JWT=double-token; Path=/; HttpOnly' });
        res.end(status === 204 || value === undefined ? undefined : JSON.stringify(value));
      };
      const refuse = (status: number, message: string) => reply(status, { status, message });
      let m: RegExpMatchArray | null;
      if (path === '/login') return reply(204);
      if (path === '/project') return reply(200, [summary()]);
      if (path === '/project/p1/summary') {
        if (o.summary === 'missing') return refuse(404, 'Not found');
        const s = summary();
        if (o.summary === 'anonymous') {
          delete s.pid;
          delete s.name;
        }
        return reply(200, o.summary === 'wrapped' ? { data: s } : s);
      }
      if (path === '/project/p1/line') {
        const ntba = o.lineNtba === 'text' ? 'f' : o.lineNtba === 'count' ? '12' : false;
        return reply(200, [{ line: 1010, fsp: 1000, lsp: 1400, remarks: null, ntba, num_points: '401', length: '5000.5', geometry: lineGeometry() }]);
      }
      if (path === '/project/p1/sequence') return reply(200, o.sequenceListWithoutRemarks ? sequences.map(({ remarks: _r, ...rest }) => rest) : sequences);
      if ((m = path.match(/^\/project\/p1\/sequence\/(\d+)$/)) && req.method === 'PATCH') {
        const s = sequences.find((x) => x.sequence === Number(m![1]));
        if (!s) return refuse(404, 'no such sequence');
        if (o.keepsWrites) for (const key of ['remarks', 'remarks_final']) if (payload[key] !== undefined) s[key] = payload[key];
        return reply(204);
      }
      if (path === '/project/p1/qc/results') {
        const results = [
          { event_id: 11, sequence: 3, point: 1010, remarks: 'Gun 3 misfire' },
          { event_id: '12', sequence: 3, point: 1020, remarks: 'Depth 9.2 m' },
        ];
        if (o.qc === 'keyed') return reply(200, { 'Gun timing': [results[0]], Depth: { results: [results[1]] } });
        if (o.qc === 'wrapped') return reply(200, { data: [{ name: 'Gun timing', results }] });
        return reply(200, { tests: [{ name: 'Gun timing', results }] });
      }
      if (path === '/project/p1/plan') {
        if (req.method === 'GET') return plan.length === 0 && o.emptyListsAs204 ? reply(204) : reply(200, plan.map(planned));
        if (!o.postNumbersItself && plan.some((e) => e.sequence === payload.sequence)) return refuse(409, `sequence ${String(payload.sequence)} is already in the plan`);
        const entry = Object.fromEntries(Object.entries(payload).filter(([key]) => !COMPUTED.includes(key)));
        if (o.postNumbersItself) {
          entry.sequence = Math.max(0, ...plan.map((e) => Number(e.sequence))) + 1;
          delete entry.meta;
        }
        if (o.keepsWrites) plan.push(entry);
        return o.postNumbersItself ? reply(201, planned(entry)) : reply(204);
      }
      if ((m = path.match(/^\/project\/p1\/plan\/(\d+)$/))) {
        const n = Number(m[1]);
        if (req.method === 'PATCH' && o.removedBeforePatch) {
          o.removedBeforePatch = false;
          plan.splice(plan.findIndex((e) => e.sequence === n), 1);
        }
        const index = plan.findIndex((e) => e.sequence === n);
        if (index < 0) return refuse(404, `planned sequence ${n} is not in the plan`);
        const entry = plan[index]!;
        if (req.method === 'DELETE') {
          if (o.keepsWrites) plan.splice(index, 1);
          return reply(204);
        }
        if (req.method === 'PATCH') {
          if (!o.planPatch) return refuse(405, 'Method not allowed');
          const to = payload.sequence;
          if (to !== undefined && to !== n && plan.some((e) => e.sequence === to)) return refuse(409, `sequence ${String(to)} is taken`);
          const { line: _line, sequence: _sequence, ...rest } = payload;
          if (o.keepsWrites) Object.assign(entry, rest, o.patchRenumbers && to !== undefined ? { sequence: to } : {});
          return reply(204);
        }
        if (req.method === 'PUT') {
          // PUT replaces: what the body leaves out is gone (the line stays, reference §2.10).
          const kept = Object.fromEntries(Object.entries(payload).filter(([key]) => !COMPUTED.includes(key) && key !== 'line' && key !== 'sequence'));
          if (o.keepsWrites) plan[index] = { sequence: n, line: entry.line, ...kept };
          return reply(204);
        }
      }
      refuse(404, `no route ${path}`);
    });
  });
  running.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`,
    plan,
    sequences,
    requests,
    writes: () => requests.filter((r) => r.method !== 'GET' && r.path !== '/login'),
  };
}
