/**
 * Per-connection settings, kept in the data folder (`connections.json`): the server address of each
 * system and the API settings a real server may need where the documents are silent (parameter
 * names, paths, upload encoding). The built-in addresses point at the local emulators
 * (`npm run emulators`), so a fresh install works without any account.
 *
 * API settings are stored as the differences from the clients' defaults only, so a default that
 * changes in a later version reaches everyone who never touched it. They are validated with zod
 * both when set from the Connections screen and when read from the file: unknown keys are refused,
 * and a file that does not fit leaves the defaults in use (with a notice, never a crash).
 */
import { basename } from 'node:path';
import { z } from 'zod';
import type { ApiSettingField, ApiSettings, ApiSettingValue } from '../../../common/bridge/connection-contract';
import { CorelogError, type SystemId } from '../../../common/errors';
import { announceSetAside, readJsonFileChecked, writeJsonFile } from '../desktop/json-file';
import { DEFAULT_DOUGAL_PATHS, DEFAULT_DOUGAL_QUERY_NAMES, type DougalPaths, type DougalQueryNames } from '../dougal/paths';
import { defaultImagoApiOptions, type ImagoApiOptions } from '../imago/api-options';

/** The Imago client options a user may set per connection (the rest stay internal). */
export const IMAGO_SETTING_KEYS = [
  'mimeTypeParam',
  'uploadEncoding',
  'uploadPartName',
  'uploadSendsImageryId',
  'imageryKey',
  'imageryNameParam',
  'matchParam',
  'toleranceParam',
  'tokenHeader',
] as const;
export type ImagoApiSettings = Partial<Pick<ImagoApiOptions, (typeof IMAGO_SETTING_KEYS)[number]>>;

export type DougalLookup = 'changes' | 'meta-filter';
export interface DougalApiSettings {
  paths?: Partial<DougalPaths>;
  query?: Partial<DougalQueryNames>;
  idempotency?: { lookup?: DougalLookup };
}

export interface ConnectionSettings {
  imago: { serverUrl: string; api: ImagoApiSettings; apiNotice?: string };
  dougal: { serverUrl: string; implicitLogin: boolean; api: DougalApiSettings; apiNotice?: string };
}

export const DEFAULT_SERVER_URLS: Record<SystemId, string> = {
  imago: 'http://127.0.0.1:4010/integrate/2',
  dougal: 'http://127.0.0.1:4020/api',
};

// ---- what can be set, with its label, help and rule --------------------------------------------

interface SettingSpec {
  key: string;
  label: string;
  help: string;
  kind: ApiSettingField['kind'];
  choices?: string[];
  defaultValue: ApiSettingValue;
  schema: z.ZodType<ApiSettingValue>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const nameSchema = z.string().trim().regex(NAME, 'a parameter name: letters, digits, _ . - (starting with a letter or _), at most 64');

/** A path below the API base: placeholders from `allowed`, and those in `required` kept (a write must still name its item). */
function pathSchema(allowed: ReadonlySet<string>, required: ReadonlySet<string>): z.ZodType<string> {
  return z
    .string()
    .trim()
    .max(200)
    .regex(/^\/[A-Za-z0-9_\-./~%{}:@]*$/, 'a path below the API address, starting with /, without spaces, ? or #')
    .refine((path) => !path.split('/').some((segment) => segment === '..' || segment === '.'), 'a path may not contain . or .. segments')
    .superRefine((path, context) => {
      const used = new Set([...path.matchAll(/\{(\w*)\}/g)].map((match) => match[1]!));
      const unknown = [...used].filter((name) => !allowed.has(name));
      if (unknown.length > 0) context.addIssue({ code: 'custom', message: `unknown placeholder ${unknown.map((n) => `{${n}}`).join(', ')}; this path can use ${[...allowed].map((n) => `{${n}}`).join(', ') || 'none'}` });
      const missing = [...required].filter((name) => !used.has(name));
      if (missing.length > 0) context.addIssue({ code: 'custom', message: `the path must keep ${missing.map((n) => `{${n}}`).join(', ')}` });
      if (/[{}]/.test(path.replace(/\{\w+\}/g, ''))) context.addIssue({ code: 'custom', message: 'a { or } that is not part of a {placeholder}' });
    });
}

const placeholders = (template: string) => new Set([...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!));

function imagoSpecs(): SettingSpec[] {
  const d = defaultImagoApiOptions();
  return [
    {
      key: 'mimeTypeParam',
      label: 'Mime type parameter',
      help: 'Query parameter that carries the photo’s mime type on upload. The documents list the value but not its name: mimeType follows their spelling, older clients sent mimetype. Empty: not sent.',
      kind: 'optional-name',
      defaultValue: d.mimeTypeParam,
      schema: nameSchema.nullable(),
    },
    {
      key: 'uploadEncoding',
      label: 'Upload encoding',
      help: 'multipart/form-data (every public client and sample) or the raw photo bytes.',
      kind: 'choice',
      choices: ['multipart', 'raw'],
      defaultValue: d.uploadEncoding,
      schema: z.enum(['multipart', 'raw'], { error: 'multipart or raw' }),
    },
    { key: 'uploadPartName', label: 'Upload part name', help: 'Name of the multipart part holding the photo (file; an older sample used filedata).', kind: 'name', defaultValue: d.uploadPartName, schema: nameSchema },
    {
      key: 'uploadSendsImageryId',
      label: 'Uploads send the interval id',
      help: 'Also send imageryId with uploads. It is documented for downloads only; uploads pick the interval by its depths or name.',
      kind: 'flag',
      defaultValue: d.uploadSendsImageryId,
      schema: z.boolean(),
    },
    { key: 'imageryKey', label: 'Imagery list key', help: 'Key of the interval list in keyed POST /imagery bodies (the old API used imageries). Replies are read in any wrapper.', kind: 'name', defaultValue: d.imageryKey, schema: nameSchema },
    { key: 'imageryNameParam', label: 'Interval name parameter', help: 'Query parameter naming an interval on /image (page text: name; an earlier reading: imageryName).', kind: 'name', defaultValue: d.imageryNameParam, schema: nameSchema },
    { key: 'matchParam', label: 'Match mode parameter', help: 'Query parameter for equals / startswith / includes… (the old API: match; perhaps matchType).', kind: 'name', defaultValue: d.matchParam, schema: nameSchema },
    { key: 'toleranceParam', label: 'Depth tolerance parameter', help: 'Query parameter for the depth tolerance (the old API: tol; perhaps tolerance).', kind: 'name', defaultValue: d.toleranceParam, schema: nameSchema },
    {
      key: 'tokenHeader',
      label: 'Token header',
      help: 'How the session token is sent: Authorization: Bearer (documented) or the old imago-api-token header.',
      kind: 'choice',
      choices: ['bearer', 'imago-api-token'],
      defaultValue: d.tokenHeader,
      schema: z.enum(['bearer', 'imago-api-token'], { error: 'bearer or imago-api-token' }),
    },
  ];
}

const DOUGAL_PATH_LABELS: Record<string, string> = {
  login: 'Sign-in path',
  logout: 'Sign-out path',
  probe: 'Reachability probe path',
  projects: 'Project list path',
  projectSummary: 'Project summary path',
  labels: 'Label list path',
  lines: 'Preplot lines path',
  sequences: 'Sequence list path',
  sequence: 'One sequence path',
  plan: 'Plan path',
  planItem: 'One planned sequence path',
  events: 'Event list path',
  event: 'One event path',
  eventChanges: 'Event changes path',
  eventHistory: 'Event history path',
  qcResults: 'QC results path',
  qcAccept: 'Accept QC results path',
  qcUnaccept: 'Un-accept QC results path',
};

const DOUGAL_QUERY_LABELS: Record<string, { label: string; help: string }> = {
  offset: { label: 'Paging offset parameter', help: 'Query parameter for the first event of a page (not documented).' },
  limit: { label: 'Paging size parameter', help: 'Query parameter for the page size of the event list (not documented).' },
  unique: { label: '"Newest version only" parameter', help: 'Flag on the changes endpoint that keeps only the newest version of each event (documented as unique).' },
  metaFilterPrefix: { label: 'Meta filter prefix', help: 'Prefix of an event-list filter on a meta attribute, used by the "meta-filter" look-up (a guess).' },
};

function dougalSpecs(): SettingSpec[] {
  const specs: SettingSpec[] = [];
  for (const [key, template] of Object.entries(DEFAULT_DOUGAL_PATHS) as [string, string][]) {
    const allowed = placeholders(template);
    const required = new Set(allowed);
    if (key === 'eventChanges') {
      // Without {since} the client sends ?since=… instead (reference: path or query, unknown).
      allowed.add('since');
      required.delete('since');
    }
    specs.push({
      key: `paths.${key}`,
      label: DOUGAL_PATH_LABELS[key] ?? `${key} path`,
      help:
        key === 'eventChanges'
          ? 'With {since} in the path the time goes there; without it Corelog sends ?since=… . If the server has no changes endpoint at all, Corelog falls back to the event list by itself.'
          : allowed.size > 0
            ? `Must keep ${[...allowed].map((n) => `{${n}}`).join(', ')}.`
            : '',
      kind: 'path',
      defaultValue: template,
      schema: pathSchema(allowed, required),
    });
  }
  for (const [key, name] of Object.entries(DEFAULT_DOUGAL_QUERY_NAMES) as [string, string][]) {
    const text = DOUGAL_QUERY_LABELS[key] ?? { label: `${key} parameter`, help: '' };
    const schema = key === 'metaFilterPrefix' ? z.string().trim().regex(/^[A-Za-z_][A-Za-z0-9_.[\]-]{0,40}$/, 'letters, digits and _ . - [ ], starting with a letter or _') : nameSchema;
    specs.push({ key: `query.${key}`, label: text.label, help: text.help, kind: 'name', defaultValue: name, schema });
  }
  specs.push({
    key: 'idempotency.lookup',
    label: 'Duplicate check look-up',
    help: 'How Corelog finds an event it may already have logged before sending it again: the changes endpoint (documented), or a meta filter on the event list (a guess).',
    kind: 'choice',
    choices: ['changes', 'meta-filter'],
    defaultValue: 'changes',
    schema: z.enum(['changes', 'meta-filter'], { error: 'changes or meta-filter' }),
  });
  return specs;
}

const specsOf = (system: SystemId): SettingSpec[] => (system === 'imago' ? imagoSpecs() : dougalSpecs());

// ---- flat (screen) ⇄ stored (client options) ---------------------------------------------------

/** The stored settings as flat `key → value` pairs (`paths.eventChanges`, `mimeTypeParam`…). */
export function flattenApiSettings(api: unknown): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  if (!api || typeof api !== 'object' || Array.isArray(api)) return flat;
  for (const [key, value] of Object.entries(api)) {
    if (['paths', 'query', 'idempotency'].includes(key) && value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [inner, innerValue] of Object.entries(value)) flat[`${key}.${inner}`] = innerValue;
    } else {
      flat[key] = value;
    }
  }
  return flat;
}

function nest(system: 'dougal', flat: Record<string, ApiSettingValue>): DougalApiSettings;
function nest(system: 'imago', flat: Record<string, ApiSettingValue>): ImagoApiSettings;
function nest(system: SystemId, flat: Record<string, ApiSettingValue>): ImagoApiSettings | DougalApiSettings;
function nest(system: SystemId, flat: Record<string, ApiSettingValue>): ImagoApiSettings | DougalApiSettings {
  if (system === 'imago') return { ...flat } as ImagoApiSettings;
  const nested: Record<string, Record<string, ApiSettingValue>> = {};
  for (const [key, value] of Object.entries(flat)) {
    const [group, name] = key.split('.', 2) as [string, string];
    (nested[group] ??= {})[name] = value;
  }
  return nested as DougalApiSettings;
}

/**
 * Checks flat values against what this system's settings allow (unknown keys refused) and keeps
 * only those that differ from the default. Throws a `validation` error naming each problem.
 */
export function parseApiSettings<S extends SystemId>(system: S, values: Record<string, unknown>): ConnectionSettings[S]['api'] {
  const specs = specsOf(system);
  const schema = z.object(Object.fromEntries(specs.map((spec) => [spec.key, spec.schema.optional()]))).strict();
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    const order = specs.map((spec) => spec.key);
    const issues = parsed.error.issues
      .flatMap((issue) => {
        if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: key, message: `"${key.slice(0, 80)}" is not a setting of this connection` }));
        const key = String(issue.path[0] ?? '(settings)');
        return [{ path: key, message: `${specs.find((spec) => spec.key === key)?.label ?? key}: ${issue.message}` }];
      })
      .sort((a, b) => (order.indexOf(a.path) + 1 || order.length + 1) - (order.indexOf(b.path) + 1 || order.length + 1));
    throw new CorelogError('validation', `These API settings cannot be used: ${issues.map((i) => i.message).join('; ')}.`, { issues, retryable: false });
  }
  const differing: Record<string, ApiSettingValue> = {};
  for (const spec of specs) {
    const value = (parsed.data as Record<string, ApiSettingValue | undefined>)[spec.key];
    if (value !== undefined && value !== spec.defaultValue) differing[spec.key] = value;
  }
  return nest(system, differing) as ConnectionSettings[S]['api'];
}

/** The settings as the Connections screen shows them: every field with its value and default. */
export function describeApiSettings(system: SystemId, api: ImagoApiSettings | DougalApiSettings, notice: string | null = null): ApiSettings {
  const flat = flattenApiSettings(api);
  const fields = specsOf(system).map(({ schema: _schema, ...spec }) => ({
    ...spec,
    value: (Object.hasOwn(flat, spec.key) ? flat[spec.key] : spec.defaultValue) as ApiSettingValue,
  }));
  return { system, fields, notice };
}

/** The label of a flat setting key, for proposals ("Set 'Event changes path' to …"). */
export function apiSettingLabel(system: SystemId, key: string): string {
  return specsOf(system).find((spec) => spec.key === key)?.label ?? key;
}

// ---- the file ----------------------------------------------------------------------------------

/** Environment overrides, so `npm run demo` and tests can point a fresh data folder anywhere. */
function defaults(env: NodeJS.ProcessEnv): ConnectionSettings {
  return {
    imago: { serverUrl: env.CORELOG_IMAGO_URL || DEFAULT_SERVER_URLS.imago, api: {} },
    dougal: { serverUrl: env.CORELOG_DOUGAL_URL || DEFAULT_SERVER_URLS.dougal, implicitLogin: false, api: {} },
  };
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

const SYSTEM_NAMES: Record<SystemId, string> = { imago: 'Imago', dougal: 'Dougal' };

/** A saved server address Corelog can use (http or https, as the Connections screen accepts), without trailing slashes; null otherwise. */
function usableServerUrl(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 2000) return null;
  const trimmed = value.trim().replace(/\/+$/, '');
  try {
    const parsed = new URL(trimmed);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? trimmed : null;
  } catch {
    return null;
  }
}

/** A short, safe rendering of a value found in the file, for a notice. */
const shown = (value: unknown) => (JSON.stringify(value) ?? String(value)).slice(0, 80);

export class ConnectionSettingsStore {
  private settings: ConnectionSettings;
  /**
   * What in the file could not be used, in plain words (each is also told to the log). A file
   * that holds no settings at all is set aside by json-file.ts; a field that is not valid is left
   * out on its own, so the fields beside it still apply.
   */
  readonly problems: string[] = [];

  constructor(
    private readonly filePath: string,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    const base = defaults(env);
    const { value, problem } = readJsonFileChecked(filePath, { accept: isPlainObject });
    if (problem) this.problems.push(problem); // told to the log by json-file.ts already
    const saved = isPlainObject(value) ? value : {};
    const fieldProblems: string[] = [];
    const entry = (system: SystemId): Record<string, unknown> => {
      const found = saved[system];
      if (found === undefined || isPlainObject(found)) return found ?? {};
      fieldProblems.push(`the saved ${SYSTEM_NAMES[system]} connection (${shown(found)}) is not a connection's settings; its defaults are in use`);
      return {};
    };
    const serverUrl = (system: SystemId, stored: Record<string, unknown>): string => {
      if (stored.serverUrl === undefined) return base[system].serverUrl;
      const url = usableServerUrl(stored.serverUrl);
      if (url !== null) return url;
      fieldProblems.push(`the saved ${SYSTEM_NAMES[system]} server address (${shown(stored.serverUrl)}) is not an http:// or https:// address; ${base[system].serverUrl} is used until an address is saved`);
      return base[system].serverUrl;
    };
    const imago = entry('imago');
    const dougal = entry('dougal');
    const imagoUrl = serverUrl('imago', imago);
    const dougalUrl = serverUrl('dougal', dougal);
    let implicitLogin = false;
    if (typeof dougal.implicitLogin === 'boolean') implicitLogin = dougal.implicitLogin;
    else if (dougal.implicitLogin !== undefined) fieldProblems.push(`the saved Dougal sign-in mode (${shown(dougal.implicitLogin)}) is not true or false; the usual sign-in is used`);
    this.settings = {
      imago: { serverUrl: imagoUrl, ...readApi('imago', imago.api, filePath) },
      dougal: { serverUrl: dougalUrl, implicitLogin, ...readApi('dougal', dougal.api, filePath) },
    };
    for (const fieldProblem of fieldProblems) {
      const notice = `${basename(filePath)}: ${fieldProblem}`;
      this.problems.push(notice);
      announceSetAside(notice);
    }
  }

  get current(): ConnectionSettings {
    return structuredClone(this.settings);
  }

  /** Applies a change and writes the file; written first, so a save that fails (a full disk) changes nothing here either. */
  update(change: (settings: ConnectionSettings) => void): ConnectionSettings {
    const next = structuredClone(this.settings);
    change(next);
    // The notice about unreadable saved settings is for this run's screen, not for the file.
    writeJsonFile(this.filePath, next, { replacer: (key, value) => (key === 'apiNotice' ? undefined : value) });
    this.settings = next;
    return this.current;
  }

  /** Replaces a system's API settings (already checked by `parseApiSettings`). */
  setApi<S extends SystemId>(system: S, api: ConnectionSettings[S]['api']): void {
    this.update((settings) => {
      const entry = settings[system] as { api: ConnectionSettings[S]['api']; apiNotice?: string };
      entry.api = api;
      delete entry.apiNotice;
    });
  }
}

/** A system's saved API settings, checked; a file that does not fit leaves the defaults in use, with a notice. */
function readApi<S extends SystemId>(system: S, stored: unknown, filePath: string): { api: ConnectionSettings[S]['api']; apiNotice?: string } {
  if (stored === undefined) return { api: {} };
  try {
    if (!stored || typeof stored !== 'object' || Array.isArray(stored)) throw new CorelogError('validation', 'they are not an object');
    return { api: parseApiSettings(system, flattenApiSettings(stored)) };
  } catch (error) {
    // Hand-edited, or written by a newer version: run on the defaults and say so on the screen.
    const reasons = error instanceof CorelogError && error.issues ? error.issues.map((issue) => issue.message).join('; ') : (error as Error).message;
    return { api: {}, apiNotice: `The API settings saved in ${filePath} could not be used (${reasons}). The defaults are in use until settings are saved here.` };
  }
}
