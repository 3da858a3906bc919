/**
 * Imago's search semantics: name match modes, depth matching with a tolerance, "within N days"
 * filters and offset/limit paging. Shared by every list endpoint so they cannot drift apart.
 */
import { HttpError, QueryParams } from '../kit/http-kit';

export type MatchMode = 'equals' | 'startswith' | 'endswith' | 'includes' | 'like';
const MATCH_MODES: readonly MatchMode[] = ['equals', 'startswith', 'endswith', 'includes', 'like'];

/**
 * Query names are case-insensitive by default; with the option off only the exact documented
 * camelCase spelling counts. An alias that only differs in case from another name asked for
 * (the [OLD] all-lowercase `updatedsince` beside `updatedSince`) is not taken either; real
 * aliases such as `tol`/`tolerance` still are.
 */
export class ExactQueryParams extends QueryParams {
  override get(...names: string[]): string | undefined {
    for (const name of names) {
      if (names.some((other) => other !== name && other.toLowerCase() === name.toLowerCase() && name === name.toLowerCase())) continue;
      const value = this.raw.get(name);
      if (value !== null) return value;
    }
    return undefined;
  }
}

export function queryParams(raw: URLSearchParams, caseInsensitive: boolean): QueryParams {
  return caseInsensitive ? new QueryParams(raw) : new ExactQueryParams(raw);
}

/** The match mode from `match` ([OLD] name) or `matchType`; anything else is a 422. */
export function matchMode(query: QueryParams): MatchMode {
  const value = query.get('match', 'matchType')?.toLowerCase();
  if (value === undefined || value === '') return 'equals';
  if (!(MATCH_MODES as readonly string[]).includes(value)) {
    throw new HttpError(422, `match must be one of ${MATCH_MODES.join(', ')}`);
  }
  return value as MatchMode;
}

/** Case-sensitive, as the [OLD] deep-link text says names are. */
export function nameMatches(name: string | null, pattern: string | undefined, mode: MatchMode): boolean {
  if (pattern === undefined) return true;
  if (name === null) return false;
  switch (mode) {
    case 'equals':
      return name === pattern;
    case 'startswith':
      return name.startsWith(pattern);
    case 'endswith':
      return name.endsWith(pattern);
    case 'includes':
      return name.includes(pattern);
    case 'like': {
      const regex = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`, 's');
      return regex.test(name);
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Depth matching for imagery intervals: `equals` compares each given depth within `tol`;
 * `includes` keeps intervals that contain every given depth.
 */
export function depthMatches(
  interval: { startDepth: number | null; endDepth: number | null },
  wanted: { startDepth?: number; endDepth?: number },
  mode: MatchMode,
  tol: number,
): boolean {
  if (wanted.startDepth === undefined && wanted.endDepth === undefined) return true;
  if (interval.startDepth === null || interval.endDepth === null) return false;
  const { startDepth: from, endDepth: to } = interval;
  if (mode === 'includes') {
    return [wanted.startDepth, wanted.endDepth].every((d) => d === undefined || (d >= from - tol && d <= to + tol));
  }
  const near = (a: number, b: number | undefined) => b === undefined || Math.abs(a - b) <= tol + 1e-9;
  return near(from, wanted.startDepth) && near(to, wanted.endDepth);
}

/** Tolerance from `tol` ([OLD]) or `tolerance`; default 0. */
export function tolerance(query: QueryParams): number {
  const tol = query.number('tol', 'tolerance') ?? 0;
  if (tol < 0) throw new HttpError(422, 'tol must not be negative');
  return tol;
}

/** "Updated / uploaded within N days", relative to the emulator clock. */
export function withinDays(iso: string, days: number | undefined, now: number): boolean {
  if (days === undefined) return true;
  return Date.parse(iso) >= now - days * 86_400_000;
}

export interface Page {
  offset: number;
  limit: number;
}

/** offset/limit with a default, clamped to `cap` when the endpoint has one. */
export function page(query: QueryParams, defaultLimit: number, cap: number | null): Page {
  const offset = query.number('offset') ?? 0;
  let limit = query.number('limit') ?? defaultLimit;
  if (offset < 0 || limit < 0 || !Number.isInteger(offset) || !Number.isInteger(limit)) {
    throw new HttpError(422, 'offset and limit must be non-negative integers');
  }
  if (cap !== null && limit > cap) limit = cap;
  return { offset, limit };
}

export function slice<T>(items: T[], p: Page): T[] {
  return items.slice(p.offset, p.offset + p.limit);
}
