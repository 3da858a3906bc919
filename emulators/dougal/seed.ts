/**
 * Seed data for the Dougal emulator: a North Sea 3D survey part-way through acquisition. Fully
 * deterministic (seeded PRNG), so tests can rely on counts and a restart reproduces it exactly.
 */
import {
  findShot,
  lastShotPoint,
  lastShotTime,
  offsetPosition,
  type DougalState,
  type EventInstance,
  type LabelDefinition,
  type PlanEntry,
  type PreplotLine,
  type ProjectState,
  type SequenceRecord,
  type SequenceStatus,
} from './model';

export const SEED_PID = 'eq24301';

/** mulberry32: tiny, fast and good enough for plausible-looking data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const label = (name: string, colour: string, description: string, user: boolean, multiple: boolean): LabelDefinition => ({
  name,
  data: { view: { colour, description }, model: { user, multiple } },
});

export const SEED_LABELS: LabelDefinition[] = [
  label('Nav', '#90CAF9', 'Navigation events', true, true),
  label('Gun', '#EF9A9A', 'Source / gun events', true, true),
  label('Streamer', '#A5D6A7', 'Streamer and in-sea equipment', true, true),
  label('Weather', '#B0BEC5', 'Weather and sea state', true, true),
  label('Mammal', '#CE93D8', 'Marine mammal observations', true, true),
  label('Equipment', '#FFCC80', 'Vessel and instrument equipment', true, true),
  label('Prod', '#80CBC4', 'Production remarks', true, true),
  label('Comment', '#E0E0E0', 'General comments', true, true),
  label('SOL', '#66BB6A', 'Start of line', true, false),
  label('EOL', '#EF5350', 'End of line', true, false),
  label('FGSP', '#43A047', 'First good shotpoint', true, false),
  label('LGSP', '#E53935', 'Last good shotpoint', true, false),
  label('QC', '#FFD54F', 'Automatic QC result', false, true),
  label('Midnight', '#9FA8DA', 'Midnight shot', false, true),
];

const SURVEY_START = Date.parse('2024-06-03T05:15:00Z');
const LINE_COUNT = 40;
const FIRST_POINT = 1000;
const LAST_POINT = 1640;
const AZIMUTH = 12;
const BASE: [number, number] = [2.05, 58.55];

function seedLines(): PreplotLine[] {
  const lines: PreplotLine[] = [];
  for (let i = 0; i < LINE_COUNT; i++) {
    lines.push({
      line: 1001 + i * 4,
      fsp: FIRST_POINT,
      lsp: LAST_POINT,
      origin: offsetPosition(BASE, AZIMUTH + 90, i * 400),
      azimuth: AZIMUTH,
      remarks: i === 39 ? 'Outside client acreage, NTBA agreed 2024-05-28' : '',
      meta: {},
      ntba: i === 39,
    });
  }
  return lines;
}

const STATUS_BY_SEQUENCE = (n: number): SequenceStatus =>
  n <= 18 ? 'final' : n === 23 || n === 24 ? 'ntbp' : n === 28 ? 'online' : 'raw';

function seedSequences(lines: PreplotLine[], rand: () => number): SequenceRecord[] {
  const sequences: SequenceRecord[] = [];
  let t = SURVEY_START;
  for (let n = 1; n <= 28; n++) {
    const line = lines[(n * 7) % 39]!;
    const step: 1 | -1 = n % 2 ? 1 : -1;
    const reshoot = n === 12 || n === 21;
    const fullShots = LAST_POINT - FIRST_POINT + 1;
    const shots = reshoot ? 180 : n === 28 ? 320 : fullShots;
    const fsp = reshoot ? (step === 1 ? 1300 : 1479) : step === 1 ? FIRST_POINT : LAST_POINT;
    const intervalMs = 10_400 + Math.floor(rand() * 800);
    const status = STATUS_BY_SEQUENCE(n);
    sequences.push({
      sequence: n,
      line: line.line,
      fsp,
      step,
      shots,
      ts0: new Date(t).toISOString(),
      intervalMs,
      status,
      hasFinal: status === 'final' || n === 23,
      remarks: reshoot ? `Infill of sequence ${n - 3}` : '',
      remarks_final: '',
      meta: {},
      meta_final: {},
      extraShots: {},
    });
    t += shots * intervalMs + (80 + Math.floor(rand() * 60)) * 60_000;
    if (n === 10) t += 30 * 3_600_000; // weather standby
  }
  return sequences;
}

function seedPlan(lines: PreplotLine[], sequences: SequenceRecord[]): PlanEntry[] {
  const used = new Set(sequences.map((s) => s.line));
  const free = lines.filter((l) => !used.has(l.line) && !l.ntba).slice(0, 6);
  const online = sequences[sequences.length - 1]!;
  let t = Date.parse(lastShotTime(online)) + (LAST_POINT - lastShotPoint(online)) * online.intervalMs + 2 * 3_600_000;
  return free.map((line, i) => {
    const ts0 = new Date(t).toISOString();
    t += (LAST_POINT - FIRST_POINT) * 10_800;
    const ts1 = new Date(t).toISOString();
    t += 2 * 3_600_000;
    return { sequence: 29 + i, line: line.line, fsp: FIRST_POINT, lsp: LAST_POINT, ts0, ts1, name: `EQ24301-${line.line}`, remarks: '', meta: {} };
  });
}

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
const int = (rand: () => number, lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

/** Remark templates by label: what a navigator or observer actually writes in the line log. */
const REMARKS: Record<string, ((r: () => number, sp: number) => string)[]> = {
  Gun: [
    (r, sp) => `Gun ${int(r, 1, 36)} autofire at SP ${sp}`,
    (r) => `Gun ${int(r, 1, 36)} dropout, string ${int(r, 1, 3)}`,
    (r) => `Gun ${int(r, 1, 36)} timing error ${int(r, 2, 9) / 10} ms`,
    (r) => `Source pressure ${int(r, 1880, 2050)} psi`,
  ],
  Streamer: [
    (r) => `Streamer ${int(r, 1, 10)} feather ${int(r, 2, 15)}°`,
    (r) => `Streamer ${int(r, 1, 10)} bird ${int(r, 1, 24)} depth alarm`,
    (r) => {
      const c = int(r, 1, 600);
      return `Streamer ${int(r, 1, 10)} noisy channels ${c}-${c + 12}`;
    },
  ],
  Nav: [
    (r) => `RGPS outage ${int(r, 5, 90)} s on tailbuoy ${int(r, 1, 10)}`,
    (r) => `Heading change to ${int(r, 8, 16)}°`,
    () => 'DGPS correction lost, switched to backup',
    (r) => `Vessel speed ${int(r, 42, 49) / 10} kn`,
  ],
  Weather: [(r) => `Wind ${int(r, 8, 32)} kn from ${pick(r, ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'])}, swell ${int(r, 5, 35) / 10} m`],
  Mammal: [(r) => `Marine mammal sighted: ${pick(r, ['minke whale', 'harbour porpoise', 'white-beaked dolphin', 'grey seal'])}, ${int(r, 300, 1500)} m`],
  Equipment: [(r) => `Compressor ${int(r, 1, 4)} tripped, restarted`, () => 'Recording system reboot', (r) => `Chase vessel reports ${pick(r, ['fishing gear', 'debris', 'a buoy'])} ahead`],
  Prod: [() => 'Infill requested by client rep', () => 'Shot as planned', (r) => `Noise test ${int(r, 1, 3)} completed`],
  Comment: [() => 'Crew change briefing', () => 'Toolbox talk held on back deck', () => 'Client rep on bridge'],
};
const FREE_LABELS = Object.keys(REMARKS);

const QC_TESTS = [
  { code: 'gun_depth', text: (r: () => number) => `Gun depth out of spec: string ${int(r, 1, 3)}, ${int(r, 56, 72) / 10} m` },
  { code: 'gun_timing', text: (r: () => number) => `Gun timing out of spec: gun ${int(r, 1, 36)}, ${int(r, 11, 25) / 10} ms` },
  { code: 'missing_shots', text: (r: () => number) => `${int(r, 1, 4)} missing shots` },
  { code: 'streamer_separation', text: (r: () => number) => `Streamer separation: streamers ${int(r, 1, 9)}-${int(r, 2, 10)} below 90 m` },
];

class EventFactory {
  constructor(private readonly state: DougalState) {}
  readonly events: EventInstance[] = [];

  add(fields: Omit<EventInstance, 'id' | 'uid' | 'validity'>, createdAt: string): EventInstance {
    const id = this.state.nextUid++;
    const event: EventInstance = { ...fields, id, uid: id, validity: ['[', createdAt, null, ')'] };
    this.events.push(event);
    return event;
  }

  /** An edit as Dougal stores it: the old instance closes, a new one opens. */
  edit(event: EventInstance, change: Partial<EventInstance>, at: string): EventInstance {
    event.validity = ['[', event.validity[1], at, ')'];
    const next: EventInstance = { ...event, ...change, uid: this.state.nextUid++, validity: ['[', at, null, ')'] };
    this.events.push(next);
    return next;
  }
}

const later = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

function seedEvents(state: DougalState, sequences: SequenceRecord[], rand: () => number): EventInstance[] {
  const factory = new EventFactory(state);
  const at = (seq: SequenceRecord, point: number) => findShot(seq, point)!.tstamp;
  const base = (seq: SequenceRecord, point: number, remarks: string, labels: string[], readonly = false) => ({
    tstamp: at(seq, point),
    sequence: seq.sequence,
    point,
    remarks,
    labels,
    meta: {},
    readonly,
  });
  for (const seq of sequences) {
    const lsp = lastShotPoint(seq);
    const sol = factory.add(base(seq, seq.fsp, `Start of line ${seq.line}, sequence ${seq.sequence}`, ['SOL']), later(at(seq, seq.fsp), 60_000));
    void sol;
    const fgsp = seq.fsp + seq.step * int(rand, 0, 3);
    factory.add(base(seq, fgsp, `FGSP ${fgsp}`, ['FGSP']), later(at(seq, fgsp), 120_000));
    if (seq.status !== 'online') {
      const lgsp = lsp - seq.step * int(rand, 0, 3);
      factory.add(base(seq, lgsp, `LGSP ${lgsp}`, ['LGSP']), later(at(seq, lgsp), 90_000));
      factory.add(base(seq, lsp, `End of line ${seq.line}, sequence ${seq.sequence}`, ['EOL']), later(at(seq, lsp), 60_000));
    }
    // Midnight shots: system events, readonly.
    const t0 = Date.parse(seq.ts0);
    const t1 = Date.parse(lastShotTime(seq));
    for (let midnight = Math.ceil(t0 / 86_400_000) * 86_400_000; midnight <= t1; midnight += 86_400_000) {
      const point = seq.fsp + seq.step * Math.ceil((midnight - t0) / seq.intervalMs);
      factory.add(base(seq, point, `Midnight shot SP ${point}`, ['Midnight'], true), later(at(seq, point), 300_000));
    }
    for (let q = int(rand, 0, 4); q > 0; q--) {
      const test = pick(rand, QC_TESTS);
      const point = seq.fsp + seq.step * int(rand, 0, seq.shots - 1);
      const event = factory.add(base(seq, point, test.text(rand), ['QC'], true), later(seq.ts0, seq.shots * seq.intervalMs + 3_600_000));
      event.meta = { qc: { test: test.code } };
      if (rand() < 0.3) state.projects[0]?.qcAccepted.push(event.id);
    }
    const count = seq.status === 'online' ? 30 : 58 + int(rand, 0, 14);
    for (let i = 0; i < count; i++) {
      const point = seq.fsp + seq.step * int(rand, 0, seq.shots - 1);
      const name = pick(rand, FREE_LABELS);
      const remarks = pick(rand, REMARKS[name]!)(rand, point);
      const labels = rand() < 0.1 ? [name, pick(rand, FREE_LABELS)].filter((v, k, a) => a.indexOf(v) === k) : [name];
      let event = factory.add(base(seq, point, remarks, labels), later(at(seq, point), int(rand, 20, 900) * 1000));
      const roll = rand();
      if (roll < 0.035) {
        event = factory.edit(event, { remarks: `${event.remarks} (confirmed by observer)` }, later(event.validity[1]!, 3_600_000));
        if (roll < 0.012) factory.edit(event, { labels: [...event.labels, 'Prod'] }, later(event.validity[1]!, 7_200_000));
      } else if (roll < 0.042) {
        event.validity = ['[', event.validity[1], later(event.validity[1]!, 1_800_000), ')'];
      }
    }
    if (seq.status === 'online') {
      // Logged ahead of the shots: Dougal fills their tstamp once the shot exists.
      for (const ahead of [20, 60, 140]) {
        const point = lsp + seq.step * ahead;
        factory.add({ tstamp: null, sequence: seq.sequence, point, remarks: `Planned gun test at SP ${point}`, labels: ['Gun'], meta: {}, readonly: false }, later(seq.ts0, 600_000));
      }
    }
  }
  // Between lines: events with a time but no sequence (and a weather log through the standby).
  for (let i = 1; i < sequences.length; i++) {
    const prev = sequences[i - 1]!;
    const end = Date.parse(lastShotTime(prev));
    const gapEvents = Math.min(12, Math.floor((Date.parse(sequences[i]!.ts0) - end) / (20 * 60_000)) - 1);
    for (let k = 0; k < gapEvents; k++) {
      const standby = gapEvents > 6;
      const tstamp = new Date(end + (k + 1) * (standby ? 150 : 20) * 60_000).toISOString();
      const name = standby ? 'Weather' : pick(rand, ['Weather', 'Equipment', 'Comment', 'Nav']);
      factory.add({ tstamp, sequence: null, point: null, remarks: k === 0 ? (standby ? 'Weather standby, streamers deployed' : `Line change to line ${sequences[i]!.line}`) : pick(rand, REMARKS[name]!)(rand, 0), labels: [name], meta: {}, readonly: false }, later(tstamp, 60_000));
    }
  }
  return factory.events;
}

const CONFIGURATION = {
  name: 'North Sea 3D 2024',
  epsg: 23031,
  binning: { I_width: 6.25, J_width: 12.5, theta: AZIMUTH, origin: { easting: 451200, northing: 6489400, I: 1, J: 1 } },
  preplots: { lines: LINE_COUNT, point_interval: 25, line_interval: 400 },
  source: { arrays: 3, guns_per_array: 12, volume_cuin: 4130 },
  streamers: { count: 10, length_m: 6000, separation_m: 100 },
  imports: { paths: ['/srv/dougal/eq24301/p111', '/srv/dougal/eq24301/p190'] },
  qc: { gun_depth_tolerance_m: 0.5, gun_timing_tolerance_ms: 1.0 },
  archived: null,
};

export function seedState(): DougalState {
  const rand = prng(24301);
  const state: DougalState = { version: 1, nextUid: 1, nextQueueItem: 1, projects: [], queue: [] };
  const lines = seedLines();
  const sequences = seedSequences(lines, rand);
  const project: ProjectState = {
    pid: SEED_PID,
    name: 'North Sea 3D 2024',
    schema: 'survey_24301',
    groups: ['north-sea-2024'],
    lines,
    sequences,
    plan: seedPlan(lines, sequences),
    labels: structuredClone(SEED_LABELS),
    events: [],
    configuration: structuredClone(CONFIGURATION),
    info: { qc: { last_run: '2024-06-12T03:10:00Z', tests: QC_TESTS.map((t) => t.code) }, contacts: { client_rep: 'A. Nordmann', party_chief: 'R. MacLeod' } },
    qcAccepted: [],
    archived: false,
  };
  state.projects.push(project);
  project.events = seedEvents(state, sequences, rand);
  const created = (n: number) => new Date(SURVEY_START + n * 86_400_000).toISOString();
  const item = (status: 'queued' | 'failed' | 'sent', sequence: number, day: number, parent: number | null) => ({
    item_id: state.nextQueueItem++,
    queue_id: 1,
    status,
    payload: { project: SEED_PID, sequence },
    results:
      status === 'sent'
        ? { digest: { sha256: { hex: 'a3f1c2'.padEnd(64, '0') } }, response: { status: 'ok' } }
        : status === 'failed'
          ? { response: { error: { message: 'request to https://asaqc.example/vt/v1/api/upload-file-encoded failed, reason: socket hang up' } } }
          : null,
    created_on: created(day),
    updated_on: created(day),
    not_before: '1970-01-01T00:00:00.000Z',
    parent_id: parent,
  });
  state.queue.push(item('sent', 17, 6, null), item('failed', 18, 7, null));
  state.queue.push(item('queued', 18, 7.1, 2), item('queued', 19, 8, null));
  return state;
}
