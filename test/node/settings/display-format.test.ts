/**
 * Times and depths as every screen shows them: one setting for UTC or local time (the default
 * of each formatter follows it), one for depth precision, units from the dataset.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_APP_SETTINGS } from '../../../common/bridge/settings-contract';
import { formatDateTime, utcOffset } from '../../../renderer/src/app/time-format';
import { formatEventTime, parseEventTime } from '../../../renderer/src/event-log/event-time';
import { formatDepth, formatDepthRange } from '../../../renderer/src/settings/depth-format';
import { formatBytes } from '../../../renderer/src/settings/format-bytes';
import { adoptAppSettings, appSettings } from '../../../renderer/src/settings/settings-snapshot';

const zoneBefore = process.env.TZ;
beforeAll(() => {
  // India: +5:30 all year, so local and UTC differ by a fixed, non-whole-hour offset.
  process.env.TZ = 'Asia/Kolkata';
});
afterAll(() => {
  if (zoneBefore === undefined) delete process.env.TZ;
  else process.env.TZ = zoneBefore;
});
afterEach(() => adoptAppSettings(DEFAULT_APP_SETTINGS));

describe('times', () => {
  const iso = '2025-03-01T22:45:10.000Z';
  it('are UTC by default and local (with the offset) when the setting says so, on every formatter', () => {
    expect(appSettings().timeZone).toBe('utc');
    expect(formatDateTime(iso)).toBe('2025-03-01 22:45 UTC');
    expect(formatEventTime(iso)).toBe('2025-03-01 22:45:10Z');
    adoptAppSettings({ ...DEFAULT_APP_SETTINGS, timeZone: 'local' });
    expect(formatDateTime(iso)).toBe('2025-03-02 04:15 UTC+5:30');
    expect(formatEventTime(iso)).toBe('2025-03-02 04:15:10');
    // A time typed in the edit form is read in the same zone it is shown in.
    expect(parseEventTime('2025-03-02 04:15:10')).toBe(iso);
    // An explicit zone still wins (the Settings screen's examples show both).
    expect(formatDateTime(iso, 'utc')).toBe('2025-03-01 22:45 UTC');
  });

  it('write the offset plainly', () => {
    expect(utcOffset(new Date(iso))).toBe('UTC+5:30');
    expect(formatDateTime('not a time', 'local')).toBe('not a time');
  });
});

describe('depths', () => {
  it('use the chosen precision and the dataset’s unit', () => {
    expect(formatDepth(102.456, { units: 'metres' })).toBe('102.46 m');
    adoptAppSettings({ ...DEFAULT_APP_SETTINGS, depthDecimals: 1 });
    expect(formatDepth(102.456, { units: 'metres' })).toBe('102.5 m');
    expect(formatDepth(102.456, { units: 'feet' })).toBe('102.5 ft');
    expect(formatDepthRange(12, 15.55, { units: 'feet' })).toBe('12.0–15.6 ft');
    adoptAppSettings({ ...DEFAULT_APP_SETTINGS, depthDecimals: 0 });
    expect(formatDepth(102.456)).toBe('102');
    expect(formatDepth(102.456, { units: 'chains' })).toBe('102 chains');
    expect(formatDepth(102.456, { precision: 3, units: 'm' })).toBe('102.456 m');
    expect(formatDepth(102.456, { units: null })).toBe('102');
  });
});

describe('sizes', () => {
  it('are written as people read them', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(250 * 1024 * 1024)).toBe('250 MB');
    expect(formatBytes(3.25 * 1024 ** 3)).toBe('3.3 GB');
  });
});
