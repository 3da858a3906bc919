/**
 * Preplots, acquired sequences and the plan of one project, as Dougal reports them: the derived
 * (read-only) numbers are recomputed from the stored ones on every read, like the server's views.
 */
import { HttpError } from '../kit/http-kit';
import { readClientTime } from './value-styles';
import {
  distanceAndAzimuth,
  durationOf,
  findShot,
  lastShotPoint,
  lastShotTime,
  pointPosition,
  type JsonObject,
  type PlanEntry,
  type PreplotLine,
  type ProjectState,
  type SequenceRecord,
} from './model';

/** A plan number already taken: its status and body shape are switches (behaviour.ts). */
export class PlanConflict extends HttpError {}

/** How the plan refuses a taken number (behaviour `planConflictStatus`, `planNumbersTaken`). */
export interface PlanRules {
  conflictStatus: number;
  numbersTaken: 'plan' | 'plan-and-acquired';
}

export class Survey {
  constructor(private readonly project: ProjectState) {}

  line(number: number): PreplotLine {
    const line = this.project.lines.find((l) => l.line === number);
    if (!line) throw new HttpError(404, `preplot line ${number} does not exist`);
    return line;
  }

  sequence(number: number): SequenceRecord {
    const seq = this.project.sequences.find((s) => s.sequence === number);
    if (!seq) throw new HttpError(404, `sequence ${number} does not exist`);
    return seq;
  }

  lineView(l: PreplotLine) {
    const first = pointPosition(l, l.fsp);
    const last = pointPosition(l, l.lsp);
    return {
      line: l.line,
      fsp: l.fsp,
      lsp: l.lsp,
      num_points: l.lsp - l.fsp + 1,
      ...distanceAndAzimuth(first, last),
      remarks: l.remarks,
      meta: l.meta,
      ntba: l.ntba,
      geometry: { type: 'LineString', coordinates: [first, last] },
    };
  }

  linePoints(number: number) {
    const l = this.line(number);
    const points = [];
    for (let p = l.fsp; p <= l.lsp; p++) points.push({ line: l.line, point: p, ntba: l.ntba, geometry: { type: 'Point', coordinates: pointPosition(l, p) } });
    return points;
  }

  sequenceView(s: SequenceRecord, withFiles = false) {
    const line = this.line(s.line);
    const online = s.status === 'online';
    const lsp = lastShotPoint(s);
    const ts1 = lastShotTime(s);
    const fspFinal = s.hasFinal ? s.fsp + s.step * 2 : null;
    const lspFinal = s.hasFinal ? lsp - s.step * 2 : null;
    const ts0Final = fspFinal === null ? null : findShot(s, fspFinal)!.tstamp;
    const ts1Final = lspFinal === null ? null : findShot(s, lspFinal)!.tstamp;
    const segment = distanceAndAzimuth(pointPosition(line, fspFinal ?? s.fsp), pointPosition(line, lspFinal ?? lsp));
    const extra = Object.keys(s.extraShots).length;
    return {
      sequence: s.sequence,
      line: s.line,
      fsp: s.fsp,
      lsp: online ? null : lsp,
      fsp_final: fspFinal,
      lsp_final: lspFinal,
      ts0: s.ts0,
      ts1: online ? null : ts1,
      ts0_final: ts0Final,
      ts1_final: ts1Final,
      duration: durationOf(s.ts0, ts1),
      duration_final: durationOf(ts0Final, ts1Final),
      num_preplots: s.shots + extra,
      num_points: s.status === 'final' ? Math.abs((lspFinal ?? lsp) - (fspFinal ?? s.fsp)) + 1 : s.shots + extra,
      missing_shots: s.sequence % 5 === 0 ? 2 : 0,
      ...segment,
      remarks: s.remarks,
      remarks_final: s.remarks_final,
      meta: s.meta,
      meta_final: s.meta_final,
      status: s.status,
      ...(withFiles
        ? {
            files: {
              raw: [{ path: `/srv/dougal/eq24301/p111/raw/EQ24301-${s.line}-S${String(s.sequence).padStart(3, '0')}.p111`, hash: `raw-${s.sequence}` }],
              final: s.hasFinal ? [{ path: `/srv/dougal/eq24301/p111/final/EQ24301-${s.line}-S${String(s.sequence).padStart(3, '0')}.p111`, hash: `final-${s.sequence}` }] : [],
            },
          }
        : {}),
    };
  }

  shots(number: number) {
    const s = this.sequence(number);
    const line = this.line(s.line);
    const points = Array.from({ length: s.shots }, (_, i) => s.fsp + s.step * i).concat(Object.keys(s.extraShots).map(Number));
    return points.map((point) => ({
      sequence: s.sequence,
      line: s.line,
      point,
      objref: 1 + (point % 3),
      tstamp: findShot(s, point)!.tstamp,
      hash: `raw-${s.sequence}`,
      geometry: { type: 'Point', coordinates: pointPosition(line, point) },
      meta: {},
    }));
  }

  /** PATCH sequence: only what is sent changes; `*_final` only when a final P1 exists (§2.9). */
  patchSequence(number: number, body: unknown): void {
    const s = this.sequence(number);
    const b = requireObject(body);
    const text = (key: string) => optionalType(b, key, 'string') as string | undefined;
    const obj = (key: string) => optionalType(b, key, 'object') as JsonObject | undefined;
    const remarks = text('remarks');
    const remarksFinal = text('remarks_final');
    const meta = obj('meta');
    const metaFinal = obj('meta_final');
    if (remarks !== undefined) s.remarks = remarks;
    if (meta !== undefined) s.meta = meta;
    if (s.hasFinal) {
      if (remarksFinal !== undefined) s.remarks_final = remarksFinal;
      if (metaFinal !== undefined) s.meta_final = metaFinal;
    }
  }

  patchLine(number: number, body: unknown): void {
    const l = this.line(number);
    const b = requireObject(body);
    const remarks = optionalType(b, 'remarks', 'string') as string | undefined;
    const meta = optionalType(b, 'meta', 'object') as JsonObject | undefined;
    const ntba = optionalType(b, 'ntba', 'boolean') as boolean | undefined;
    if (remarks !== undefined) l.remarks = remarks;
    if (meta !== undefined) l.meta = meta;
    if (ntba !== undefined) l.ntba = ntba;
  }

  /** Records a new shot (the admin stand-in for a P1 import); creates an online sequence if needed. */
  addShot(sequence: number, point: number, tstamp: string, lineNumber?: number): SequenceRecord {
    let s = this.project.sequences.find((x) => x.sequence === sequence);
    if (!s) {
      const line = this.line(lineNumber ?? this.project.lines[0]!.line);
      s = { sequence, line: line.line, fsp: point, step: 1, shots: 1, ts0: tstamp, intervalMs: 10_800, status: 'online', hasFinal: false, remarks: '', remarks_final: '', meta: {}, meta_final: {}, extraShots: {} };
      this.project.sequences.push(s);
      this.project.sequences.sort((a, b) => a.sequence - b.sequence);
    } else if (!findShot(s, point)) {
      s.extraShots[String(point)] = tstamp;
    }
    return s;
  }

  planView(p: PlanEntry) {
    const line = this.line(p.line);
    const first = pointPosition(line, p.fsp);
    const last = pointPosition(line, p.lsp);
    return {
      ...p,
      duration: durationOf(p.ts0, p.ts1),
      num_points: Math.abs(p.lsp - p.fsp) + 1,
      ...distanceAndAzimuth(first, last),
      class: 'V',
      geometry: { type: 'LineString', coordinates: [first, last] },
    };
  }

  planEntry(number: number): PlanEntry {
    const entry = this.project.plan.find((p) => p.sequence === number);
    if (!entry) throw new HttpError(404, `sequence ${number} is not in the plan`);
    return entry;
  }

  /** Throws the configured conflict when `sequence` is taken by another entry (or an acquired sequence). */
  private checkNumberFree(sequence: number, rules: PlanRules): void {
    if (this.project.plan.some((p) => p.sequence === sequence)) throw new PlanConflict(rules.conflictStatus, `sequence ${sequence} is already in the plan`);
    if (rules.numbersTaken === 'plan-and-acquired' && this.project.sequences.some((s) => s.sequence === sequence)) {
      throw new PlanConflict(rules.conflictStatus, `sequence ${sequence} has already been acquired`);
    }
  }

  addPlan(body: unknown, rules: PlanRules): PlanEntry {
    const b = requireObject(body);
    const line = requiredInt(b, 'line');
    this.line(line);
    const taken = new Set([...this.project.plan.map((p) => p.sequence), ...this.project.sequences.map((s) => s.sequence)]);
    const sequence = (optionalType(b, 'sequence', 'number') as number | undefined) ?? Math.max(0, ...taken) + 1;
    if (!Number.isInteger(sequence) || sequence < 1) throw new HttpError(400, 'sequence must be a positive integer');
    this.checkNumberFree(sequence, rules);
    const entry: PlanEntry = { sequence, line, fsp: 0, lsp: 0, ts0: '', ts1: '', name: '', remarks: '', meta: {} };
    this.writePlanFields(entry, b, true);
    this.project.plan.push(entry);
    this.sortPlan();
    return entry;
  }

  /** PUT: replaces everything but `line`, which cannot change (silently ignored). */
  replacePlan(number: number, body: unknown): PlanEntry {
    const entry = this.planEntry(number);
    const b = requireObject(body);
    const replacement: PlanEntry = { ...entry, name: '', remarks: '', meta: {} };
    this.writePlanFields(replacement, b, true);
    return Object.assign(entry, replacement, { sequence: entry.sequence, line: entry.line });
  }

  /** PATCH: given fields only; `sequence` in the body renumbers. */
  patchPlan(number: number, body: unknown, rules: PlanRules): PlanEntry {
    const entry = this.planEntry(number);
    const b = requireObject(body);
    const renumber = optionalType(b, 'sequence', 'number') as number | undefined;
    if (renumber !== undefined && renumber !== number) this.checkNumberFree(renumber, rules);
    const updated = { ...entry };
    this.writePlanFields(updated, b, false);
    if (renumber !== undefined) {
      if (!Number.isInteger(renumber) || renumber < 1) throw new HttpError(400, 'sequence must be a positive integer');
      updated.sequence = renumber;
    }
    Object.assign(entry, updated);
    this.sortPlan();
    return entry;
  }

  deletePlan(number: number): void {
    this.planEntry(number);
    this.project.plan = this.project.plan.filter((p) => p.sequence !== number);
  }

  private writePlanFields(entry: PlanEntry, b: Record<string, unknown>, full: boolean): void {
    for (const key of ['fsp', 'lsp'] as const) {
      const v = full ? requiredInt(b, key) : (optionalType(b, key, 'number') as number | undefined);
      if (v !== undefined) entry[key] = v;
    }
    for (const key of ['ts0', 'ts1'] as const) {
      const v = full ? requiredTime(b, key) : (optionalType(b, key, 'string') as string | undefined);
      if (v !== undefined) {
        const time = readClientTime(v);
        if (time === null) throw new HttpError(400, `${key} must be an ISO-8601 timestamp`);
        entry[key] = time;
      }
    }
    // A null for an optional attribute is its empty value: a server that sends nulls takes them back.
    for (const key of ['name', 'remarks'] as const) {
      const v = b[key] === null ? '' : (optionalType(b, key, 'string') as string | undefined);
      if (v !== undefined) entry[key] = v;
    }
    const meta = b.meta === null ? {} : (optionalType(b, 'meta', 'object') as JsonObject | undefined);
    if (meta !== undefined) entry.meta = meta;
    const line = this.line(entry.line);
    for (const p of [entry.fsp, entry.lsp]) {
      if (p < line.fsp || p > line.lsp) throw new HttpError(400, `point ${p} is not on line ${line.line} (${line.fsp}-${line.lsp})`);
    }
  }

  private sortPlan(): void {
    this.project.plan.sort((a, b) => a.sequence - b.sequence);
  }

  summary() {
    const coverage = new Map<number, Uint16Array>();
    for (const l of this.project.lines) coverage.set(l.line, new Uint16Array(l.lsp - l.fsp + 1));
    for (const s of this.project.sequences) {
      const line = this.line(s.line);
      const counts = coverage.get(s.line)!;
      for (let i = 0; i < s.shots; i++) {
        const p = s.fsp + s.step * i;
        if (p >= line.fsp && p <= line.lsp) counts[p - line.fsp]! += 1;
      }
    }
    let total = 0;
    let virgin = 0;
    let prime = 0;
    let other = 0;
    let ntba = 0;
    for (const l of this.project.lines) {
      for (const c of coverage.get(l.line)!) {
        total++;
        if (c === 0) virgin++;
        else if (c === 1) prime++;
        else other++;
        if (l.ntba && c === 0) ntba++;
      }
    }
    const finals = this.project.sequences.filter((s) => s.hasFinal).map((s) => this.sequenceView(s));
    const prodMs = finals.reduce((sum, s) => sum + (Date.parse(s.ts1_final!) - Date.parse(s.ts0_final!)), 0);
    const first = this.project.sequences[0];
    const lastFinal = this.project.sequences.filter((s) => s.hasFinal).at(-1);
    const shotView = (s: SequenceRecord | undefined, point: number | undefined) => {
      if (!s || point === undefined) return null;
      return { sequence: s.sequence, line: s.line, point, tstamp: findShot(s, point)!.tstamp, geometry: { type: 'Point', coordinates: pointPosition(this.line(s.line), point) } };
    };
    const intervals = this.project.sequences.map((s) => s.intervalMs / 1000);
    return {
      pid: this.project.pid,
      name: this.project.name,
      schema: this.project.schema,
      lines: this.project.lines.length,
      total,
      virgin,
      prime,
      other,
      ntba,
      remaining: virgin - ntba,
      fsp: shotView(first, first?.fsp),
      lsp: shotView(lastFinal, lastFinal && lastShotPoint(lastFinal) - lastFinal.step * 2),
      seq_raw: this.project.sequences.length,
      seq_final: finals.length,
      prod_duration: durationOf(new Date(0).toISOString(), new Date(prodMs).toISOString()),
      prod_distance: Math.round(finals.reduce((sum, s) => sum + s.length, 0) * 10) / 10,
      shooting_rate: Math.round((intervals.reduce((a, b) => a + b, 0) / Math.max(1, intervals.length)) * 100) / 100,
    };
  }
}

export function requireObject(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'body must be a JSON object');
  return body as Record<string, unknown>;
}

function optionalType(b: Record<string, unknown>, key: string, type: 'string' | 'number' | 'boolean' | 'object'): unknown {
  const v = b[key];
  if (v === undefined) return undefined;
  const ok = type === 'object' ? v !== null && typeof v === 'object' && !Array.isArray(v) : typeof v === type;
  if (!ok) throw new HttpError(400, `${key} must be ${type === 'object' ? 'an object' : `a ${type}`}`);
  return v;
}

function requiredInt(b: Record<string, unknown>, key: string): number {
  const v = b[key];
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new HttpError(400, `${key} is required and must be an integer`);
  return v;
}

function requiredTime(b: Record<string, unknown>, key: string): string {
  const v = b[key];
  if (typeof v !== 'string') throw new HttpError(400, `${key} is required (ISO-8601 timestamp)`);
  return v;
}
