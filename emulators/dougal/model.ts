/**
 * The Dougal emulator's stored state and the survey geometry derived from it. Shots and preplot
 * points are computed from a few numbers per line/sequence instead of being stored one by one,
 * which keeps seeding and the state file small.
 */

export type Role = 'guest' | 'user' | 'master';

export interface GeoPoint {
  type: 'Point';
  coordinates: [number, number];
}

export type JsonObject = Record<string, unknown>;

/** One instance (version) of an event; `validity` follows PostgreSQL tstzrange conventions. */
export interface EventInstance {
  id: number;
  uid: number;
  tstamp: string | null;
  sequence: number | null;
  point: number | null;
  remarks: string;
  labels: string[];
  meta: JsonObject;
  readonly: boolean;
  validity: ['[' | '(', string | null, string | null, ']' | ')'];
  /**
   * With `eventGeometry: 'stored'`: `geometry` and every attribute the emulator does not know,
   * stored as the client sent them (absent in `computed` mode and in older state files).
   */
  attributes?: JsonObject;
}

export interface PreplotLine {
  line: number;
  fsp: number;
  lsp: number;
  /** WGS84 position of `fsp`. */
  origin: [number, number];
  azimuth: number;
  remarks: string;
  meta: JsonObject;
  ntba: boolean;
}

export type SequenceStatus = 'online' | 'raw' | 'final' | 'ntbp';

export interface SequenceRecord {
  sequence: number;
  line: number;
  fsp: number;
  /** +1 when shooting up the line, -1 when shooting down. */
  step: 1 | -1;
  /** Regular shots fsp, fsp+step, … (shots-1 steps). */
  shots: number;
  ts0: string;
  intervalMs: number;
  status: SequenceStatus;
  /** Whether a final (processed) P1 exists: gates the `*_final` fields. */
  hasFinal: boolean;
  remarks: string;
  remarks_final: string;
  meta: JsonObject;
  meta_final: JsonObject;
  /** Shots added later (admin endpoint), keyed by point number. */
  extraShots: Record<string, string>;
}

export interface PlanEntry {
  sequence: number;
  line: number;
  fsp: number;
  lsp: number;
  ts0: string;
  ts1: string;
  name: string;
  remarks: string;
  meta: JsonObject;
}

export interface LabelDefinition {
  name: string;
  data: { view: { colour: string; description: string }; model: { user: boolean; multiple: boolean } };
}

export interface QueueItem {
  item_id: number;
  queue_id: number;
  status: 'queued' | 'cancelled' | 'failed' | 'sent';
  payload: { project: string; sequence: number };
  results: JsonObject | null;
  created_on: string;
  updated_on: string;
  not_before: string;
  parent_id: number | null;
}

export interface ProjectState {
  pid: string;
  name: string;
  schema: string;
  groups: string[];
  lines: PreplotLine[];
  sequences: SequenceRecord[];
  plan: PlanEntry[];
  labels: LabelDefinition[];
  events: EventInstance[];
  configuration: JsonObject;
  info: JsonObject;
  /** Event ids of accepted QC results. */
  qcAccepted: number[];
  archived: boolean;
}

export interface DougalState {
  version: 1;
  /** One counter for ids and uids, so a new instance never collides with another event's id. */
  nextUid: number;
  nextQueueItem: number;
  projects: ProjectState[];
  queue: QueueItem[];
}

export const POINT_SPACING_M = 25;
const EARTH_M_PER_DEG = 111_320;

/** Moves `metres` from `origin` along `azimuth` (flat-earth approximation, fine over a survey). */
export function offsetPosition(origin: [number, number], azimuthDeg: number, metres: number): [number, number] {
  const az = (azimuthDeg * Math.PI) / 180;
  const lat = origin[1] + (metres * Math.cos(az)) / EARTH_M_PER_DEG;
  const lon = origin[0] + (metres * Math.sin(az)) / (EARTH_M_PER_DEG * Math.cos((origin[1] * Math.PI) / 180));
  return [round6(lon), round6(lat)];
}

export function pointPosition(line: PreplotLine, point: number): [number, number] {
  return offsetPosition(line.origin, line.azimuth, (point - line.fsp) * POINT_SPACING_M);
}

/** Great-circle-free distance and bearing between two nearby positions. */
export function distanceAndAzimuth(a: [number, number], b: [number, number]): { length: number; azimuth: number } {
  const dy = (b[1] - a[1]) * EARTH_M_PER_DEG;
  const dx = (b[0] - a[0]) * EARTH_M_PER_DEG * Math.cos((a[1] * Math.PI) / 180);
  const azimuth = ((Math.atan2(dx, dy) * 180) / Math.PI + 360) % 360;
  return { length: Math.round(Math.hypot(dx, dy) * 10) / 10, azimuth: Math.round(azimuth * 100) / 100 };
}

/** node-postgres serialises `interval` as an object of its non-zero parts. */
export function durationOf(fromIso: string | null, toIso: string | null): Record<string, number> | null {
  if (!fromIso || !toIso) return null;
  let ms = Math.max(0, Date.parse(toIso) - Date.parse(fromIso));
  const parts: Record<string, number> = {};
  for (const [name, size] of [
    ['days', 86_400_000],
    ['hours', 3_600_000],
    ['minutes', 60_000],
    ['seconds', 1000],
    ['milliseconds', 1],
  ] as const) {
    const n = Math.floor(ms / size);
    ms -= n * size;
    if (n) parts[name] = n;
  }
  return parts;
}

function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

/** Where and when a shot happened, or null when the sequence has no such shot (yet). */
export function findShot(seq: SequenceRecord, point: number): { tstamp: string } | null {
  const offset = (point - seq.fsp) * seq.step;
  if (offset >= 0 && offset < seq.shots) return { tstamp: new Date(Date.parse(seq.ts0) + offset * seq.intervalMs).toISOString() };
  const extra = seq.extraShots[String(point)];
  return extra ? { tstamp: extra } : null;
}

export function lastShotPoint(seq: SequenceRecord): number {
  return seq.fsp + seq.step * (seq.shots - 1);
}

export function lastShotTime(seq: SequenceRecord): string {
  return new Date(Date.parse(seq.ts0) + (seq.shots - 1) * seq.intervalMs).toISOString();
}

export const isOpen = (e: EventInstance): boolean => e.validity[2] === null;
