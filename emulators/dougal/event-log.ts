/**
 * Dougal's versioned event log (reference §2.11, §4.3–4.5): nothing is ever removed, every edit
 * closes one instance and opens another, and lists show only instances whose validity is open.
 */
import { HttpError } from '../kit/http-kit';
import type { DougalBehaviour } from './behaviour';
import { readClientTime } from './value-styles';
import { findShot, isOpen, pointPosition, type EventInstance, type GeoPoint, type JsonObject, type ProjectState } from './model';

/** An event as the list endpoints show it: an instance without its validity, plus derived and stored attributes. */
export type EventView = Omit<EventInstance, 'validity' | 'attributes'> & {
  geometry: unknown;
  /** Guessed name of the "edited" flag (reference §3: name not recovered). */
  has_edits: boolean;
  [attribute: string]: unknown;
};

export interface EventFilter {
  sequences?: number[];
  date0?: string;
  date1?: string;
  meta?: { path: string[]; value: string }[];
}

type EventFields = Pick<EventInstance, 'tstamp' | 'sequence' | 'point' | 'remarks' | 'labels' | 'meta'>;
const PUT_ATTRIBUTES = ['tstamp', 'sequence', 'point', 'remarks', 'labels', 'meta'] as const;
/** Set by the server only: never taken from a request body (EventAbstract marks them readOnly). */
const SERVER_OWNED = new Set(['id', 'uid', 'validity', 'readonly', 'has_edits']);
const KNOWN = new Set<string>(PUT_ATTRIBUTES);
/** Seeded events (stored mode) whose id is a multiple of this carry an attribute Corelog does not know. */
const UNKNOWN_ATTRIBUTE_EVERY = 7;
export const SEEDED_UNKNOWN_ATTRIBUTE = { source: 'nav-logger' } as const;

export class EventLog {
  constructor(
    private readonly project: ProjectState,
    private readonly behaviour: () => DougalBehaviour,
    private readonly allocateUid: () => number,
  ) {}

  private instancesById(): Map<number, EventInstance[]> {
    const byId = new Map<number, EventInstance[]>();
    for (const e of this.project.events) {
      const list = byId.get(e.id);
      if (list) list.push(e);
      else byId.set(e.id, [e]);
    }
    return byId;
  }

  private currentOf(id: number): EventInstance | undefined {
    return this.project.events.find((e) => e.id === id && isOpen(e));
  }

  /** The current version of one event as `GET /event/{id}` shows it, or undefined when deleted or unknown. */
  current(id: number): EventView | undefined {
    const instance = this.currentOf(id);
    return instance && this.view(instance);
  }

  /**
   * A just-created event as the POST answers it. Its id is a fresh uid, so it has exactly one
   * version: counting its versions by scanning the log (as `view` does for any event) made every
   * POST cost time in proportion to the log, which a server with an index on the id does not.
   */
  createdView(e: EventInstance): EventView {
    return this.view(e, new Map([[e.id, 1]]));
  }

  private get storesAttributes(): boolean {
    return this.behaviour().eventGeometry === 'stored';
  }

  view(e: EventInstance, editCounts?: Map<number, number>): EventView {
    const count = editCounts?.get(e.id) ?? this.project.events.filter((x) => x.id === e.id).length;
    const stored = this.storesAttributes ? e.attributes : undefined;
    return {
      ...stored,
      id: e.id,
      uid: e.uid,
      tstamp: e.tstamp,
      sequence: e.sequence,
      point: e.point,
      remarks: e.remarks,
      labels: [...e.labels],
      meta: e.meta,
      geometry: stored && Object.hasOwn(stored, 'geometry') ? stored.geometry : this.geometryOf(e),
      readonly: e.readonly,
      has_edits: count > 1,
    };
  }

  private geometryOf(e: EventInstance): GeoPoint | null {
    if (e.sequence === null || e.point === null) return null;
    const seq = this.project.sequences.find((s) => s.sequence === e.sequence);
    const line = seq && this.project.lines.find((l) => l.line === seq.line);
    if (!seq || !line || !findShot(seq, e.point)) return null;
    return { type: 'Point', coordinates: pointPosition(line, e.point) };
  }

  /** Current events in time order (undated ones last), filtered as the event list endpoint does. */
  list(filter: EventFilter): EventView[] {
    const counts = new Map<number, number>();
    for (const e of this.project.events) counts.set(e.id, (counts.get(e.id) ?? 0) + 1);
    const day = (iso: string) => iso.slice(0, 10);
    const from = filter.date0 ? day(filter.date0) : null;
    const to = filter.date1 ? day(filter.date1) : from;
    return this.project.events
      .filter((e) => {
        if (!isOpen(e)) return false;
        if (filter.sequences && (e.sequence === null || !filter.sequences.includes(e.sequence))) return false;
        if (from && (!e.tstamp || day(e.tstamp) < from || day(e.tstamp) > to!)) return false;
        for (const m of filter.meta ?? []) {
          const value = m.path.reduce<unknown>((obj, key) => (obj && typeof obj === 'object' ? (obj as JsonObject)[key] : undefined), e.meta);
          if (value === undefined || String(value) !== m.value) return false;
        }
        return true;
      })
      .sort(byTimeThenId)
      .map((e) => this.view(e, counts));
  }

  create(body: unknown, now: string): EventInstance {
    const fields = this.parseFields(body, 'defaults', []);
    const uid = this.allocateUid();
    const event: EventInstance = { ...fields, id: uid, uid, readonly: false, validity: ['[', now, null, ')'] };
    this.fillFromShot(event);
    // A server that stores geometry fills it in at creation when the client sends none.
    if (this.storesAttributes) event.attributes = { geometry: this.geometryOf(event), ...this.extrasOf(body as Record<string, unknown>) };
    this.project.events.push(event);
    this.applySingleLabels(event, now);
    return event;
  }

  /** PUT: a full replacement; also the way to undelete (PUT of an earlier instance's content). */
  update(id: number, body: unknown, now: string): EventInstance {
    const instances = this.project.events.filter((e) => e.id === id);
    if (instances.length === 0) throw new HttpError(404, `event ${id} does not exist`);
    const current = instances.find(isOpen);
    if (instances.some((e) => e.readonly)) throw new HttpError(this.behaviour().readonlyStatus, `event ${id} is read-only`);
    // Undelete: the attributes a full PUT must carry are those of the newest (deleted) instance.
    const previous = current ?? instances.reduce((a, b) => (b.uid > a.uid ? b : a));
    const storedKeys = this.storesAttributes ? Object.keys(previous.attributes ?? { geometry: null }) : [];
    const fields = this.parseFields(body, this.behaviour().putMissingAttributes, storedKeys);
    if (current) current.validity = ['[', current.validity[1], now, ')'];
    const next: EventInstance = { ...fields, id, uid: this.allocateUid(), readonly: false, validity: ['[', now, null, ')'] };
    // Whatever the PUT leaves out is reset: geometry to null, unknown attributes gone.
    if (this.storesAttributes) next.attributes = { geometry: null, ...this.extrasOf(body as Record<string, unknown>) };
    this.fillFromShot(next);
    this.project.events.push(next);
    this.applySingleLabels(next, now);
    return next;
  }

  remove(id: number, now: string): void {
    const current = this.currentOf(id);
    if (!current) throw new HttpError(404, `event ${id} does not exist or is already deleted`);
    if (current.readonly) throw new HttpError(this.behaviour().readonlyStatus, `event ${id} is read-only`);
    current.validity = ['[', current.validity[1], now, ')'];
  }

  history(id: number): (EventView & { validity: EventInstance['validity'] })[] {
    const instances = this.project.events.filter((e) => e.id === id).sort((a, b) => a.uid - b.uid);
    if (instances.length === 0) throw new HttpError(404, `event ${id} does not exist`);
    return instances.map((e) => ({ ...this.view(e), validity: e.validity }));
  }

  /** Instances opened or closed at or after `since`; with `unique` only the newest per id. */
  changes(since: string, unique: boolean): (EventView & { validity: EventInstance['validity'] })[] {
    const sinceMs = Date.parse(since);
    if (Number.isNaN(sinceMs)) throw new HttpError(400, `"${since}" is not a timestamp`);
    const changedAt = (e: EventInstance) => {
      const end = e.validity[2] ? Date.parse(e.validity[2]) : -Infinity;
      return end >= sinceMs ? end : Date.parse(e.validity[1] ?? '1970-01-01T00:00:00Z');
    };
    let touched = this.project.events.filter((e) => changedAt(e) >= sinceMs);
    if (unique) {
      const newest = new Map<number, EventInstance>();
      for (const e of touched) if ((newest.get(e.id)?.uid ?? -1) < e.uid) newest.set(e.id, e);
      touched = [...newest.values()];
    }
    const counts = new Map<number, number>();
    for (const e of this.project.events) counts.set(e.id, (counts.get(e.id) ?? 0) + 1);
    return touched.sort((a, b) => changedAt(a) - changedAt(b) || a.uid - b.uid).map((e) => ({ ...this.view(e, counts), validity: e.validity }));
  }

  /** A shot arrived: events logged against it get their time (a server-side fill, not an edit). */
  fillPendingFor(sequence: number): number {
    let filled = 0;
    for (const e of this.project.events) {
      if (e.sequence === sequence && e.tstamp === null && isOpen(e) && this.fillFromShot(e)) {
        if (e.attributes && e.attributes.geometry === null) e.attributes.geometry = this.geometryOf(e);
        filled++;
      }
    }
    return filled;
  }

  /**
   * Switching to stored attributes: every instance that has none gets the geometry of its shot,
   * and some seeded events an attribute Corelog does not know, the way another logger on the
   * vessel would leave them. Idempotent.
   */
  storeAttributes(): void {
    for (const e of this.project.events) {
      if (e.attributes) continue;
      e.attributes = { geometry: this.geometryOf(e), ...(e.id % UNKNOWN_ATTRIBUTE_EVERY === 0 ? SEEDED_UNKNOWN_ATTRIBUTE : {}) };
    }
  }

  setQcAccepted(ids: unknown, accepted: boolean): void {
    if (!Array.isArray(ids) || !ids.every((id) => Number.isInteger(id))) throw new HttpError(400, 'body must be an array of event ids');
    const set = new Set(this.project.qcAccepted);
    for (const id of ids as number[]) {
      if (accepted) set.add(id);
      else set.delete(id);
    }
    this.project.qcAccepted = [...set].sort((a, b) => a - b);
  }

  private fillFromShot(e: EventInstance): boolean {
    if (e.tstamp !== null || e.sequence === null || e.point === null) return false;
    const seq = this.project.sequences.find((s) => s.sequence === e.sequence);
    const shot = seq && findShot(seq, e.point);
    if (!shot) return false;
    e.tstamp = shot.tstamp;
    return true;
  }

  /** `multiple: false` labels live on one event per sequence; older holders lose them by a new instance. */
  private applySingleLabels(event: EventInstance, now: string): void {
    if (event.sequence === null) return;
    const single = event.labels.filter((name) => this.project.labels.find((l) => l.name === name)?.data.model.multiple === false);
    if (single.length === 0) return;
    const holders = this.project.events.filter(
      (e) => isOpen(e) && e.id !== event.id && e.sequence === event.sequence && e.labels.some((name) => single.includes(name)),
    );
    for (const other of holders) {
      other.validity = ['[', other.validity[1], now, ')'];
      this.project.events.push({
        ...other,
        labels: other.labels.filter((name) => !single.includes(name)),
        uid: this.allocateUid(),
        validity: ['[', now, null, ')'],
      });
    }
  }

  /** Attributes of a request body the emulator does not model itself (stored mode keeps them). */
  private extrasOf(body: Record<string, unknown>): JsonObject {
    return Object.fromEntries(Object.entries(body).filter(([key]) => !KNOWN.has(key) && !SERVER_OWNED.has(key)));
  }

  private parseFields(body: unknown, missing: 'reject' | 'defaults', alsoRequired: string[]): EventFields {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'event body must be a JSON object');
    const b = body as Record<string, unknown>;
    if (missing === 'reject') {
      const absent = [...PUT_ATTRIBUTES, ...alsoRequired].filter((key) => !(key in b));
      if (absent.length) {
        throw new HttpError(this.behaviour().putMissingStatus, `all attributes must be sent; missing: ${absent.join(', ')}`);
      }
    }
    const problems: string[] = [];
    const optionalInt = (key: string): number | null => {
      const v = b[key];
      if (v === undefined || v === null) return null;
      if (typeof v === 'number' && Number.isInteger(v)) return v;
      problems.push(`${key} must be an integer or null`);
      return null;
    };
    let tstamp: string | null = null;
    if (b.tstamp !== undefined && b.tstamp !== null) {
      const time = typeof b.tstamp === 'string' ? readClientTime(b.tstamp) : null;
      if (time === null) problems.push('tstamp must be an ISO-8601 timestamp');
      else tstamp = time;
    }
    const sequence = optionalInt('sequence');
    const point = optionalInt('point');
    if (b.remarks !== undefined && typeof b.remarks !== 'string') problems.push('remarks must be a string');
    if (b.labels !== undefined && (!Array.isArray(b.labels) || !b.labels.every((l) => typeof l === 'string'))) problems.push('labels must be a list of label names');
    if (b.meta !== undefined && b.meta !== null && (typeof b.meta !== 'object' || Array.isArray(b.meta))) problems.push('meta must be an object');
    if (tstamp === null && (sequence === null || point === null)) problems.push('an event needs tstamp, or sequence and point');
    if (this.storesAttributes && b.geometry !== undefined && b.geometry !== null && (typeof b.geometry !== 'object' || Array.isArray(b.geometry))) {
      problems.push('geometry must be a GeoJSON object or null');
    }
    if (problems.length) throw new HttpError(400, problems.join('; '));
    return {
      tstamp,
      sequence,
      point,
      remarks: (b.remarks as string | undefined) ?? '',
      labels: [...new Set((b.labels as string[] | undefined) ?? [])],
      meta: (b.meta as JsonObject | null | undefined) ?? {},
    };
  }
}

function byTimeThenId(a: EventInstance, b: EventInstance): number {
  if (a.tstamp !== b.tstamp) {
    if (a.tstamp === null) return 1;
    if (b.tstamp === null) return -1;
    return a.tstamp < b.tstamp ? -1 : 1;
  }
  return a.id - b.id;
}
