/**
 * Event times to the second, in the zone chosen in Settings (UTC by default: logs are compared
 * across the crew). The column header says which zone, so the cells carry no suffix in local time.
 */
import { currentTimeZone, localDate, pad, type TimeZoneChoice } from '../app/time-format';

export type { TimeZoneChoice };

export function formatEventTime(iso: string, zone: TimeZoneChoice = currentTimeZone()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  if (zone === 'utc') return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
  return `${localDate(date)} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** Reads a time typed in the edit form ("2024-05-01 12:00:00", with or without Z) in the chosen zone. */
export function parseEventTime(text: string, zone: TimeZoneChoice = currentTimeZone()): string | null {
  const trimmed = text.trim().replace(' ', 'T');
  if (!trimmed) return null;
  const withZone = zone === 'utc' && !/[zZ]|[+-]\d\d:?\d\d$/.test(trimmed) ? `${trimmed}Z` : trimmed;
  const ms = Date.parse(withZone);
  if (Number.isNaN(ms)) throw new Error(`“${text}” is not a time; write it as YYYY-MM-DD HH:MM:SS.`);
  return new Date(ms).toISOString();
}
