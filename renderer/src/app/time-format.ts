/**
 * Times as the app shows them: in UTC or local time, one app setting (Settings → Time) for every
 * screen. UTC is the default (crews span time zones; logs are compared in UTC). Local times carry
 * their offset ("UTC+2"), so a time read off the screen is never ambiguous on a vessel that
 * crosses zones.
 */
import { appSettings } from '../settings/settings-snapshot';

export type TimeZoneChoice = 'utc' | 'local';

/** The zone chosen in Settings. */
export function currentTimeZone(): TimeZoneChoice {
  return appSettings().timeZone;
}

/** "2024-05-01 12:02 UTC", or "2024-05-01 14:02 UTC+2" in local time. */
export function formatDateTime(iso: string, zone: TimeZoneChoice = currentTimeZone()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  if (zone === 'utc') return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `${localDate(date)} ${pad(date.getHours())}:${pad(date.getMinutes())} ${utcOffset(date)}`;
}

/** "UTC+2", "UTC−3:30", "UTC+0" for a local time at `date`. */
export function utcOffset(date: Date): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes < 0 ? '−' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${Math.floor(abs / 60)}${abs % 60 ? `:${pad(abs % 60)}` : ''}`;
}

/** YYYY-MM-DD of `date` in local time. */
export function localDate(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export function formatRelative(iso: string, now = Date.now()): string {
  const diff = new Date(iso).getTime() - now;
  const abs = Math.abs(diff);
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  for (const [size, name] of units) {
    if (abs >= size) {
      const n = Math.round(abs / size);
      const text = `${n} ${name}${n === 1 ? '' : 's'}`;
      return diff >= 0 ? `in ${text}` : `${text} ago`;
    }
  }
  return diff >= 0 ? 'in under a minute' : 'just now';
}
