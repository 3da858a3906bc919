/**
 * The entry line's Time box (renderer/src/event-log/event-time.ts readEntryTime): what each way of
 * writing a time means, which times are asked about before logging, and what is refused.
 */
import { describe, expect, it } from 'vitest';
import { entryTimeLabel, formatSpan, readEntryTime } from '../../../renderer/src/event-log/event-time';

const NOW = new Date('2026-11-26T19:40:30.250Z');
const read = (text: string, now = NOW) => readEntryTime(text, now);
const iso = (text: string, now = NOW) => {
  const reading = read(text, now);
  if (!reading.ok) throw new Error(reading.problem);
  return reading.iso;
};

describe('time at entry', () => {
  it('"now" (or nothing) is taken when the event is logged, and asks nothing', () => {
    for (const text of ['', '  ', 'now', 'NOW']) expect(read(text)).toEqual({ ok: true, iso: null, check: null });
  });

  it('counts back from now: -2m, -90s, -1h, -1h30m, "- 2 min"', () => {
    expect(iso('-2m')).toBe('2026-11-26T19:38:30.000Z');
    expect(iso('-90s')).toBe('2026-11-26T19:39:00.000Z');
    expect(iso('-1h')).toBe('2026-11-26T18:40:30.000Z');
    expect(iso('-1h30m')).toBe('2026-11-26T18:10:30.000Z');
    expect(iso('- 2 min')).toBe('2026-11-26T19:38:30.000Z');
    expect(read('-2m')).toMatchObject({ check: null });
  });

  it('a clock time is UTC, seconds optional: the last time the clock showed it, or the coming one within two hours', () => {
    expect(iso('12:34')).toBe('2026-11-26T12:34:00.000Z');
    expect(iso('12:34:56')).toBe('2026-11-26T12:34:56.000Z');
    expect(iso('7:05')).toBe('2026-11-26T07:05:00.000Z');
    expect(iso('19:40Z')).toBe('2026-11-26T19:40:00.000Z');
    // Just after midnight, 23:58 is the night that just ended, not the coming one.
    const justAfterMidnight = new Date('2026-11-27T00:05:00Z');
    expect(iso('23:58', justAfterMidnight)).toBe('2026-11-26T23:58:00.000Z');
    // Just before midnight, 00:02 is in four minutes (and asked about), not yesterday morning.
    const justBefore = new Date('2026-11-26T23:58:00Z');
    expect(read('00:02', justBefore)).toMatchObject({ ok: true, iso: '2026-11-27T00:02:00.000Z' });
    expect((read('00:02', justBefore) as { check: string }).check).toContain('in the future');
    // More than two hours ahead, it is yesterday's (shown with its date before logging).
    expect(iso('22:00')).toBe('2026-11-25T22:00:00.000Z');
    expect(read('21:30')).toMatchObject({ ok: true, iso: '2026-11-26T21:30:00.000Z' });
  });

  it('a full date and time is UTC unless it carries its own zone', () => {
    expect(iso('2026-11-25 08:00')).toBe('2026-11-25T08:00:00.000Z');
    expect(iso('2026-11-25T08:00:15')).toBe('2026-11-25T08:00:15.000Z');
    expect(iso('2026-11-25 10:00:00+02:00')).toBe('2026-11-25T08:00:00.000Z');
  });

  it('asks once for a time in the future or more than a day back; a minute ahead is still now', () => {
    expect(read('19:41')).toMatchObject({ ok: true, check: null });
    const ahead = read('20:10');
    expect(ahead.ok && ahead.check).toBe('2026-11-26 20:10:00Z is 29 min in the future.');
    const lastWeek = read('2026-11-19 19:00');
    expect(lastWeek.ok && lastWeek.check).toBe('2026-11-19 19:00:00Z is 7 days ago.');
    expect(read('+5m')).toMatchObject({ ok: true, iso: '2026-11-26T19:45:30.000Z' });
    expect((read('+5m') as { check: string }).check).toContain('in the future');
    // 23 hours back is the day being logged: no question.
    expect(read('-23h')).toMatchObject({ ok: true, check: null });
    expect((read('-25h') as { check: string }).check).toBe('2026-11-25 18:40:30Z is 25 h ago.');
  });

  it('refuses what it cannot read, with the ways to write it', () => {
    for (const text of ['25:00', '12:60', '12:34:61', 'yesterday', '-', '-2x', '12.34', '2026-02-30 10:00']) {
      const reading = read(text);
      expect(reading.ok, text).toBe(false);
      if (!reading.ok) expect(reading.problem, text).toMatch(/^Time: /);
    }
    const bad = read('half past');
    expect(!bad.ok && bad.problem).toContain('now, 12:34, 12:34:56 (UTC), -2m');
    const notADay = read('2026-02-30 10:00');
    expect(!notADay.ok && notADay.problem).toContain('February 2026 has 28 days');
  });

  it('shows UTC always, and local time beside it only when the local display is on', () => {
    expect(entryTimeLabel('2026-11-26T12:34:56.000Z', 'utc')).toEqual({ utc: '2026-11-26 12:34:56Z', local: null });
    const both = entryTimeLabel('2026-11-26T12:34:56.000Z', 'local');
    expect(both.utc).toBe('2026-11-26 12:34:56Z');
    const local = new Date('2026-11-26T12:34:56.000Z');
    expect(both.local).toContain(`${String(local.getHours()).padStart(2, '0')}:${String(local.getMinutes()).padStart(2, '0')}:56 UTC`);
  });

  it('says spans in words a watch-keeper reads at a glance', () => {
    expect(formatSpan(30_000)).toBe('30 s');
    expect(formatSpan(3 * 60_000)).toBe('3 min');
    expect(formatSpan(125 * 60_000)).toBe('2 h 5 min');
    expect(formatSpan(5 * 86_400_000)).toBe('5 days');
  });
});
