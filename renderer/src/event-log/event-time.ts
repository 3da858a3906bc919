/**
 * Event times to the second, in the zone chosen in Settings (UTC by default: logs are compared
 * across the crew). The column header says which zone, so the cells carry no suffix in local time.
 */
import { readEventTime } from '../../../common/forms/date-fields';
import { currentTimeZone, localDate, pad, utcOffset, type TimeZoneChoice } from '../app/time-format';

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

// ---- time at entry --------------------------------------------------------------------------

/**
 * A time typed in the entry line, resolved against `now`. `iso` is null for "now" (taken when
 * the event is logged, not when it was typed). `check` is set when the time is in the future or
 * more than a day back: the entry line asks once before logging it.
 */
export type EntryTime = { ok: true; iso: string | null; check: string | null } | { ok: false; problem: string };

const DAY_MS = 86_400_000;
/** Clocks on a vessel differ by a few seconds: a minute ahead is still "now", not the future. */
const FUTURE_SLACK_MS = 60_000;
/** A clock time at most this far ahead means the coming one (a slip of the finger, asked about), not yesterday's. */
const CLOCK_AHEAD_MS = 2 * 3_600_000;
const CLOCK = /^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(?:z|utc)?$/i;
const RELATIVE = /^([+-])\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?$/i;
const ENTRY_TIME_HELP = 'Write the time as now, 12:34, 12:34:56 (UTC), -2m, -90s, -1h or 2024-05-01 12:34:56.';

/**
 * Reads the entry line's time box. Clock times (`12:34`, `12:34:56`) are UTC, like the log, and
 * mean the last time the clock showed them (yesterday's 23:58 just after midnight), or the coming
 * one when it is less than two hours ahead (asked about, as every time in the future is);
 * `-2m`, `-90s`, `-1h`, `-1h30m` count back from now (`+` forward); a full date and time is read
 * as UTC unless it carries its own zone.
 */
export function readEntryTime(text: string, now: Date = new Date()): EntryTime {
  const trimmed = text.trim();
  if (trimmed === '' || /^now$/i.test(trimmed)) return { ok: true, iso: null, check: null };
  const nowMs = now.getTime();
  let ms: number | null = null;
  const clock = CLOCK.exec(trimmed);
  const relative = clock ? null : RELATIVE.exec(trimmed);
  if (clock) {
    const [hour, minute, second] = [Number(clock[1]), Number(clock[2]), Number(clock[3] ?? 0)];
    if (hour > 23 || minute > 59 || second > 59) return { ok: false, problem: `Time: ${trimmed} is not a time of day. ${ENTRY_TIME_HELP}` };
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hour, minute, second);
    // The last time the clock showed it (events are noticed late), unless it comes within
    // CLOCK_AHEAD_MS: then it is that coming time, and asked about as one in the future.
    const coming = [today - DAY_MS, today, today + DAY_MS].find((t) => t > nowMs)!;
    ms = coming - nowMs <= CLOCK_AHEAD_MS ? coming : coming - DAY_MS;
  } else if (relative && (relative[2] ?? relative[3] ?? relative[4]) !== undefined) {
    const span = (Number(relative[2] ?? 0) * 3600 + Number(relative[3] ?? 0) * 60 + Number(relative[4] ?? 0)) * 1000;
    ms = relative[1] === '-' ? nowMs - span : nowMs + span;
  } else if (/^\d{4}-/.test(trimmed)) {
    const reading = readEventTime(trimmed, 'utc', 'Time');
    if (!reading.ok) return { ok: false, problem: reading.problem };
    ms = Date.parse(reading.value!);
  }
  if (ms === null || Number.isNaN(ms)) return { ok: false, problem: `Time: “${trimmed}” is not a time I can read. ${ENTRY_TIME_HELP}` };
  const iso = new Date(Math.floor(ms / 1000) * 1000).toISOString();
  const ahead = ms - nowMs;
  let check: string | null = null;
  if (ahead > FUTURE_SLACK_MS) check = `${formatEventTime(iso, 'utc')} is ${formatSpan(ahead)} in the future.`;
  else if (-ahead > DAY_MS) check = `${formatEventTime(iso, 'utc')} is ${formatSpan(-ahead)} ago.`;
  return { ok: true, iso, check };
}

/** "3 min", "2 h 5 min", "4 days": how far a time is from now, for the confirmation. */
export function formatSpan(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.floor(ms / 1000)} s`;
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
  return `${Math.floor(hours / 24)} days`;
}

/**
 * What the entry line shows for a time: UTC always ("2024-05-01 12:34:56Z"), and the local time
 * beside it ("14:34:56 UTC+2") when the local-time display is on.
 */
export function entryTimeLabel(iso: string, zone: TimeZoneChoice): { utc: string; local: string | null } {
  const date = new Date(iso);
  return {
    utc: formatEventTime(iso, 'utc'),
    local: zone === 'local' ? `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${utcOffset(date)}${localDate(date) === date.toISOString().slice(0, 10) ? '' : ` (${localDate(date)})`}` : null,
  };
}
