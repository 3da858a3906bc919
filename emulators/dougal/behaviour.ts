/**
 * Every guess the emulator takes about Dougal (reference tags [I]) as a switch, so a test can
 * check the client copes with each plausible server. BEHAVIOUR.md lists them with their sources.
 */
import type { Role } from './model';

export interface DougalBehaviour {
  /** Lifetime of explicit and implicit tokens (Dougal: 15 minutes). */
  tokenLifetimeSeconds: number;
  /** Client IPs that are logged in implicitly (no token needed). */
  implicitLoginAddresses: string[];
  implicitRole: Role;
  /** When a response carries a fresh `Set-Cookie: JWT`. */
  jwtRefresh: 'when-half-expired' | 'always' | 'never';
  /** Extra chance (0..1) of a fresh token on any authenticated response, to shake out clients. */
  jwtRefreshRate: number;
  /**
   * 0: off. N: every Nth authenticated response carries a fresh token that *replaces* the
   * session's earlier tokens; they stop working `jwtReplacedGraceSeconds` later.
   */
  jwtRotateEvery: number;
  jwtReplacedGraceSeconds: number;
  cookiePath: '/api' | '/';
  /** Status for a failed login. */
  loginFailureStatus: number;
  /** Status when a guest writes. */
  forbiddenStatus: number;
  /**
   * PUT /event without every attribute: refuse, or fall back to defaults (labels [], remarks "",
   * and with `eventGeometry: 'stored'` geometry null and unknown stored attributes gone).
   */
  putMissingAttributes: 'reject' | 'defaults';
  putMissingStatus: 400 | 422;
  /** Status for PUT/DELETE of a readonly event. */
  readonlyStatus: number;
  /** POST /event reply: 201 + the event, 201 + only `{id}`, or 204 with no body (all with `Location`). */
  eventPostResponse: 'created-201' | 'created-201-id-only' | 'empty-204';
  /** Whether the event changes endpoint exists (`missing`: 404 on both of its paths). */
  changesEndpoint: 'available' | 'missing';
  /**
   * `computed`: an event's geometry is worked out from its shot on every read, other attributes
   * are dropped. `stored`: geometry is an attribute stored with each instance (given at creation
   * or taken from the shot then), and so is every attribute the emulator does not know.
   */
  eventGeometry: 'computed' | 'stored';
  /** Honour `meta.<key>=<value>` query filters on the event list (an emulator-only guess). */
  eventMetaFilter: boolean;
  /** info/{path} on missing data: 404 for a missing key and 200-empty for a missing sub-path, or one rule for both. */
  infoMissing: 'split' | '404' | '200-empty';
  /**
   * How optional attributes of entity replies read when empty: as stored (`mixed`), left out
   * when null (`omit`), or `null` whenever empty (`explicit-null`: "", [], {}, false → null).
   */
  nullStyle: 'mixed' | 'omit' | 'explicit-null';
  /** Shape of GET /label. */
  labelShape: 'array' | 'object';
  /** `sparse`: some labels come with `data` null or missing, others without colours or flags. */
  labelData: 'full' | 'sparse';
  /** Conflict status when a plan renumber or POST hits a taken number. */
  planConflictStatus: number;
  /** The body of that refusal: the usual JSON `{status, message}`, or plain text (reference §6: error bodies not recovered). */
  planConflictBody: 'json' | 'text';
  /** Which numbers a new or renumbered plan entry may not take: other plan entries only, or acquired sequences' too. */
  planNumbersTaken: 'plan' | 'plan-and-acquired';
  /** POST /plan reply: 201 + the entry, 201 with no body, or 204 (reference §2.10: "201 or 204"). */
  planPostResponse: 'created-201' | 'created-201-empty' | 'empty-204';
  /** PUT/PATCH/DELETE /plan/{n} reply: 204 (the guess), or 200 with the entry as it now is (none for DELETE). */
  planWriteResponse: 'no-content-204' | 'ok-200-entry';
  /** Whether PATCH /plan/{n} exists (`missing`: 404 "no route", as a server with only PUT/DELETE would answer). */
  planPatch: 'available' | 'missing';
  /** Event `id`/`uid`: JSON numbers, or strings (a `bigint` column as node-postgres sends it). */
  idStyle: 'number' | 'string';
  /**
   * Times (events, validity bounds, sequences, plan): ISO with `Z`, Postgres' text
   * (`2024-06-01 10:00:00+00`), ISO with a short offset (`…T10:00:00+00`), or no zone at all (a
   * `timestamp without time zone` column; the value is UTC).
   */
  timeStyle: 'iso-z' | 'postgres-text' | 'short-offset' | 'zoneless';
  /** Validity: the documented 4-item array, the same with `infinity` for an unbounded end, or tstzrange text `["…",)`. */
  validityStyle: 'array' | 'array-infinity' | 'range-string';
  /** Counts and `numeric` values (`num_points`, `length`, `azimuth`, project counts): numbers, or strings as node-postgres sends them. */
  numberStyle: 'number' | 'string';
  /** An event's labels: names, or objects naming them (`[{"name": "Nav"}]`, a JSON aggregate of a join). */
  eventLabelStyle: 'names' | 'objects';
  /** Event `uid`: on every reply, or only where the documents put it (EventUniqueEdit: changes, history). */
  eventUid: 'always' | 'history-only';
  /** Lists other than the event list page: bare, or wrapped as `{data|items|rows: [...], count}` or under their own name. */
  listWrapper: 'none' | 'data' | 'items' | 'rows' | 'named';
  /** Name of the projection query parameter on list endpoints. */
  projectionParam: string;
  /** Pagination parameter names on the event list. */
  offsetParam: string;
  limitParam: string;
  /** Signing key for JWTs: fixed so tokens survive an emulator restart with the same data dir. */
  jwtSecret: string;
}

export const defaultBehaviour = (): DougalBehaviour => ({
  tokenLifetimeSeconds: 900,
  implicitLoginAddresses: [],
  implicitRole: 'user',
  jwtRefresh: 'when-half-expired',
  jwtRefreshRate: 0,
  jwtRotateEvery: 0,
  jwtReplacedGraceSeconds: 2,
  cookiePath: '/api',
  loginFailureStatus: 401,
  forbiddenStatus: 403,
  putMissingAttributes: 'reject',
  putMissingStatus: 400,
  readonlyStatus: 403,
  eventPostResponse: 'created-201',
  changesEndpoint: 'available',
  eventGeometry: 'computed',
  eventMetaFilter: true,
  infoMissing: 'split',
  nullStyle: 'mixed',
  labelShape: 'array',
  labelData: 'full',
  planConflictStatus: 409,
  planConflictBody: 'json',
  planNumbersTaken: 'plan',
  planPostResponse: 'created-201',
  planWriteResponse: 'no-content-204',
  planPatch: 'available',
  idStyle: 'number',
  timeStyle: 'iso-z',
  validityStyle: 'array',
  numberStyle: 'number',
  eventLabelStyle: 'names',
  eventUid: 'always',
  listWrapper: 'none',
  projectionParam: 'project',
  offsetParam: 'offset',
  limitParam: 'limit',
  jwtSecret: 'dougal-emulator-not-a-secret',
});

/**
 * The least forgiving reading of every point where the documents are silent, at once: what the
 * dialect matrix and the strict browser test run against (BEHAVIOUR.md says why each is plausible).
 */
export const LEAST_FORGIVING_DOUGAL: Readonly<Partial<DougalBehaviour>> = {
  eventPostResponse: 'empty-204',
  putMissingAttributes: 'reject',
  putMissingStatus: 422,
  changesEndpoint: 'missing',
  jwtRotateEvery: 2,
  jwtReplacedGraceSeconds: 1,
  eventGeometry: 'stored',
  labelData: 'sparse',
  nullStyle: 'explicit-null',
  planPostResponse: 'empty-204',
  planConflictBody: 'text',
  planNumbersTaken: 'plan-and-acquired',
  planPatch: 'missing',
};

const ENUMS: Partial<Record<keyof DougalBehaviour, readonly unknown[]>> = {
  implicitRole: ['guest', 'user', 'master'],
  jwtRefresh: ['when-half-expired', 'always', 'never'],
  cookiePath: ['/api', '/'],
  putMissingAttributes: ['reject', 'defaults'],
  putMissingStatus: [400, 422],
  eventPostResponse: ['created-201', 'created-201-id-only', 'empty-204'],
  changesEndpoint: ['available', 'missing'],
  eventGeometry: ['computed', 'stored'],
  labelData: ['full', 'sparse'],
  nullStyle: ['mixed', 'omit', 'explicit-null'],
  infoMissing: ['split', '404', '200-empty'],
  labelShape: ['array', 'object'],
  planConflictBody: ['json', 'text'],
  planNumbersTaken: ['plan', 'plan-and-acquired'],
  planPostResponse: ['created-201', 'created-201-empty', 'empty-204'],
  planWriteResponse: ['no-content-204', 'ok-200-entry'],
  planPatch: ['available', 'missing'],
  idStyle: ['number', 'string'],
  timeStyle: ['iso-z', 'postgres-text', 'short-offset', 'zoneless'],
  validityStyle: ['array', 'array-infinity', 'range-string'],
  numberStyle: ['number', 'string'],
  eventLabelStyle: ['names', 'objects'],
  eventUid: ['always', 'history-only'],
  listWrapper: ['none', 'data', 'items', 'rows', 'named'],
};

/** Applies a partial update (admin PATCH or constructor options), refusing unknown keys and bad values. */
export function applyBehaviourUpdate(current: DougalBehaviour, update: Record<string, unknown>): DougalBehaviour {
  const next: DougalBehaviour = { ...current };
  const defaults = defaultBehaviour();
  for (const [key, value] of Object.entries(update)) {
    if (!(key in defaults)) throw new RangeError(`unknown Dougal option "${key}"`);
    const name = key as keyof DougalBehaviour;
    const allowed = ENUMS[name];
    if (allowed && !allowed.includes(value)) throw new RangeError(`${key} must be one of ${allowed.join(', ')}`);
    const expected = typeof defaults[name];
    if (Array.isArray(defaults[name])) {
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new RangeError(`${key} must be a list of strings`);
    } else if (typeof value !== expected) {
      throw new RangeError(`${key} must be a ${expected}`);
    }
    if (name === 'jwtRefreshRate' && ((value as number) < 0 || (value as number) > 1)) throw new RangeError('jwtRefreshRate must be between 0 and 1');
    if (name === 'tokenLifetimeSeconds' && !((value as number) > 0)) throw new RangeError('tokenLifetimeSeconds must be positive');
    if (name === 'jwtRotateEvery' && !(Number.isInteger(value) && (value as number) >= 0)) throw new RangeError('jwtRotateEvery must be a whole number, 0 for off');
    if (name === 'jwtReplacedGraceSeconds' && !((value as number) >= 0)) throw new RangeError('jwtReplacedGraceSeconds must be 0 or more');
    (next as unknown as Record<string, unknown>)[name] = value;
  }
  return next;
}
