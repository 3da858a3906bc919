/** Event times to the second: UTC by default (logs are compared across the crew), local on request. */
export type TimeZoneChoice = 'utc' | 'local';

export function formatEventTime(iso: string, zone: TimeZoneChoice): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  if (zone === 'utc') return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** Reads a time typed in the edit form ("2024-05-01 12:00:00", with or without Z) in the chosen zone. */
export function parseEventTime(text: string, zone: TimeZoneChoice): string | null {
  const trimmed = text.trim().replace(' ', 'T');
  if (!trimmed) return null;
  const withZone = zone === 'utc' && !/[zZ]|[+-]\d\d:?\d\d$/.test(trimmed) ? `${trimmed}Z` : trimmed;
  const ms = Date.parse(withZone);
  if (Number.isNaN(ms)) throw new Error(`“${text}” is not a time; write it as YYYY-MM-DD HH:MM:SS.`);
  return new Date(ms).toISOString();
}
