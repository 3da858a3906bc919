/**
 * Dates and times typed at a field. JavaScript's `Date.parse('2024-02-30')` answers 1 March
 * instead of refusing, so every date is checked against the calendar here before it is used:
 * a day that does not exist is refused with the reason, never rolled over.
 */
import { z } from 'zod';
import { defineField, quoted, type FieldReading, type FormField } from './form-field';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Why year-month-day is not a day of the calendar, or null. `text` is what the user wrote. */
function calendarProblem(label: string, text: string, year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12) return `${label}: ${text} is not a date (there is no month ${month}).`;
  const days = daysIn(year, month);
  if (day < 1 || day > days) return `${label}: ${text} is not a date (${MONTHS[month - 1]} ${year} has ${days} days).`;
  return null;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar day written `YYYY-MM-DD` (Imago's date attributes). */
export function dateField(label: string): FormField<string> {
  const check = (value: string): string | null => {
    const match = DAY.exec(value);
    if (!match) return `${label}: enter a date as YYYY-MM-DD.`;
    return calendarProblem(label, value, Number(match[1]), Number(match[2]), Number(match[3]));
  };
  return defineField<string>({ label, base: z.string(), check, fromText: (text) => ({ value: text }) });
}

/**
 * Date, optional time of day and optional zone at the start of a timestamp:
 * `2024-05-01`, `2024-05-01 12:00`, `2024-05-01T12:00:00.123+02:00`, `…Z`.
 */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

interface TimestampParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  zone: string | undefined;
}

/** The parts of a timestamp, or the message for one that is not a real date and time. */
function timestampParts(text: string, label: string): TimestampParts | { problem: string } | null {
  const match = TIMESTAMP.exec(text);
  if (!match) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', zone] = match;
  const parts = { year: Number(y), month: Number(mo), day: Number(d), hour: Number(h), minute: Number(mi), second: Number(s), zone };
  const day = calendarProblem(label, `${y}-${mo}-${d}`, parts.year, parts.month, parts.day);
  if (day) return { problem: day };
  if (parts.hour > 23 || parts.minute > 59 || parts.second > 59) return { problem: `${label}: ${h}:${mi}:${s} is not a time of day.` };
  return parts;
}

/**
 * A timestamp at the bridge (event times, `since` of the change feed): what `Date.parse` reads,
 * and, when it is written the ISO way, a day and time that exist. Other spellings a server may
 * use pass as before (the tolerant reader: Dougal's own times are written back as it sent them).
 */
export function timestampProblem(value: string, label = 'Time'): string | null {
  if (value.length > 40 || Number.isNaN(Date.parse(value))) return `${label}: ${quoted(value)} is not a timestamp.`;
  const parts = timestampParts(value.trim(), label);
  return parts && 'problem' in parts ? parts.problem : null;
}

export const timestampSchema = z.string().superRefine((value, ctx) => {
  const problem = timestampProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * An event time typed in a form, `YYYY-MM-DD HH:MM:SS` (seconds optional; `T` or a space; a `Z`
 * or offset when the user writes one), read in the zone the log is shown in → ISO time in UTC.
 */
export function readEventTime(text: string, zone: 'utc' | 'local', label = 'Time'): FieldReading<string> {
  const trimmed = text.trim();
  if (!trimmed) return { ok: true, value: null };
  const parts = timestampParts(trimmed, label);
  if (!parts) return { ok: false, problem: `${label}: write it as YYYY-MM-DD HH:MM:SS.` };
  if ('problem' in parts) return { ok: false, problem: parts.problem };
  const { year, month, day, hour, minute, second } = parts;
  let ms: number;
  if (parts.zone !== undefined) ms = Date.parse(trimmed.replace(' ', 'T').replace(/\s+(?=[zZ+-])/, ''));
  else if (zone === 'utc') ms = Date.UTC(year, month - 1, day, hour, minute, second);
  else ms = new Date(year, month - 1, day, hour, minute, second).getTime();
  if (Number.isNaN(ms)) return { ok: false, problem: `${label}: write it as YYYY-MM-DD HH:MM:SS.` };
  // Fractions of a second are kept when typed with a zone (Date.parse); otherwise whole seconds.
  return { ok: true, value: new Date(ms).toISOString() };
}
