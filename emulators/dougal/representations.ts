/**
 * The other shapes Dougal serves besides plain JSON: CSV (reference §4.12), projections (§4.13)
 * and the API root's OpenAPI document by `Accept` (§4.14).
 */
import type { EmulatorRequest, EmulatorResponse } from '../kit/http-kit';

/** CSV column names the spec's example uses for event attributes. */
const CSV_ALIASES: Record<string, string> = { timestamp: 'tstamp', text: 'remarks' };
export const DEFAULT_EVENT_CSV_FIELDS = ['id', 'timestamp', 'sequence', 'point', 'text', 'labels'];

export function wantsCsv(req: EmulatorRequest): boolean {
  return /\btext\/csv\b/i.test(req.headers.accept ?? '');
}

export function toCsv(rows: Record<string, unknown>[], req: EmulatorRequest, defaultFields: string[]): EmulatorResponse {
  const delimiter = req.query.get('delimiter') || ',';
  const fields = (req.query.get('fields') || defaultFields.join(',')).split(',').map((f) => f.trim()).filter(Boolean);
  const headerParam = req.query.get('header');
  const header = headerParam === undefined || headerParam === 'true' || headerParam === '1';
  const cell = (value: unknown): string => {
    const text = value === null || value === undefined ? '' : Array.isArray(value) ? value.join(';') : typeof value === 'object' ? JSON.stringify(value) : String(value);
    return text.includes(delimiter) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = rows.map((row) => fields.map((f) => cell(row[CSV_ALIASES[f] ?? f])).join(delimiter));
  if (header) lines.unshift(fields.map(cell).join(delimiter));
  return { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8' }, body: lines.join('\r\n') + '\r\n' };
}

/** Keeps only the named attributes; names split on space, comma, colon or semicolon and are cut at the first dot. */
export function project<T extends object>(rows: T[], spec: string | undefined): Partial<T>[] | T[] {
  if (!spec) return rows;
  const keep = new Set(spec.split(/[\s,:;]+/).filter(Boolean).map((name) => name.split('.')[0]!));
  return rows.map((row) => Object.fromEntries(Object.entries(row).filter(([key]) => keep.has(key))) as Partial<T>);
}

const OPENAPI = {
  openapi: '3.0.0',
  info: { title: 'Dougal API (emulator)', version: '0.4.0', description: 'Offline emulator of the Dougal seismic production API, for Corelog tests.' },
  servers: [{ url: '/api' }],
  components: {
    securitySchemes: {
      BearerAuthGuest: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      CookieAuthGuest: { type: 'apiKey', in: 'cookie', name: 'JWT' },
      BearerAuthUser: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      CookieAuthUser: { type: 'apiKey', in: 'cookie', name: 'JWT' },
    },
  },
  paths: Object.fromEntries(
    ['/login', '/logout', '/project', '/project/{project}/summary', '/project/{project}/event', '/project/{project}/event/{id}', '/project/{project}/plan', '/project/{project}/qc/results'].map((p) => [
      p,
      { description: `see emulators/dougal/BEHAVIOUR.md` },
    ]),
  ),
};

export function rootDocument(req: EmulatorRequest): EmulatorResponse {
  const accept = req.headers.accept ?? '';
  if (/text\/html/i.test(accept)) {
    return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: `<!doctype html><title>${OPENAPI.info.title}</title><pre>${toYaml(OPENAPI)}</pre>` };
  }
  if (/application\/json/i.test(accept)) return { status: 200, json: OPENAPI };
  return { status: 200, headers: { 'content-type': 'application/yaml; charset=utf-8' }, body: toYaml(OPENAPI) };
}

/** Enough YAML for a plain JSON tree (strings are JSON-quoted, which YAML accepts). */
function toYaml(value: unknown, indent = ''): string {
  if (Array.isArray(value)) return value.map((v) => `${indent}-${typeof v === 'object' && v ? '\n' + toYaml(v, indent + '  ') : ' ' + JSON.stringify(v)}`).join('\n');
  if (value && typeof value === 'object') {
    return Object.entries(value)
      .map(([k, v]) => `${indent}${JSON.stringify(k)}:${typeof v === 'object' && v ? '\n' + toYaml(v, indent + '  ') : ' ' + JSON.stringify(v)}`)
      .join('\n');
  }
  return indent + JSON.stringify(value);
}
