/** Times are shown in UTC by default (crews span time zones; logs are compared in UTC). */
export function formatDateTime(iso: string, zone: 'utc' | 'local' = 'utc'): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  if (zone === 'local') return date.toLocaleString();
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
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
