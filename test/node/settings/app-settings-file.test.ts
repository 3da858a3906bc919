/**
 * The app settings file: defaults when there is none, strict reading (an unknown key or a bad
 * value is not applied and is reported, the valid settings beside it still are), atomic writes,
 * and the bridge methods (unknown keys refused, every window told of a change).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBridgeDispatcher } from '../../../common/bridge/dispatch';
import { DEFAULT_APP_SETTINGS } from '../../../common/bridge/settings-contract';
import { createAppServices, type AppServices } from '../../../electron/services/app-services';
import { APP_SETTINGS_FILE, AppSettingsFile, settingsFromFile } from '../../../electron/services/settings/app-settings-file';

let dir: string;
const running: AppServices[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-app-settings-'));
});
afterEach(async () => {
  for (const services of running.splice(0)) await services.dispose();
  await rm(dir, { recursive: true, force: true });
});

function launch(): AppServices {
  const services = createAppServices({ dataDir: dir, appVersion: 't', transport: 'browser', env: { CORELOG_IMAGO_URL: 'http://127.0.0.1:9/i', CORELOG_DOUGAL_URL: 'http://127.0.0.1:9/a' } });
  running.push(services);
  return services;
}

describe('reading the settings file', () => {
  it('gives the defaults when there is no file, and reads a valid one as written', () => {
    expect(settingsFromFile(undefined)).toEqual({ settings: DEFAULT_APP_SETTINGS, problems: [] });
    expect(settingsFromFile({ theme: 'night', timeZone: 'local', depthDecimals: 3, keepOriginalsDays: null, watchHours: 12 })).toEqual({
      settings: { theme: 'night', timeZone: 'local', depthDecimals: 3, keepOriginalsDays: null, watchHours: 12 },
      problems: [],
    });
    // A file from an older version, missing later settings: the missing ones are the defaults.
    expect(settingsFromFile({ theme: 'dark' }).settings).toEqual({ ...DEFAULT_APP_SETTINGS, theme: 'dark' });
  });

  it('refuses unknown keys and bad values one by one, keeping the valid settings beside them', () => {
    const read = settingsFromFile({ theme: 'night', colour: 'pink', depthDecimals: 9, timeZone: 'Europe/Oslo', keepOriginalsDays: 7 });
    expect(read.settings).toEqual({ ...DEFAULT_APP_SETTINGS, theme: 'night', keepOriginalsDays: 7 });
    expect(read.problems).toHaveLength(3);
    expect(read.problems.join('\n')).toMatch(/unknown setting “colour” ignored/);
    expect(read.problems.join('\n')).toMatch(/“depthDecimals” ignored/);
    expect(read.problems.join('\n')).toMatch(/“timeZone” ignored/);
    expect(settingsFromFile({ keepOriginalsDays: 0 }).settings.keepOriginalsDays).toBe(DEFAULT_APP_SETTINGS.keepOriginalsDays);
    expect(settingsFromFile({ keepOriginalsDays: 2.5 }).problems).toHaveLength(1);
    expect(settingsFromFile(['night']).problems).toEqual(['the settings file does not hold settings; the defaults apply']);
    expect(settingsFromFile('night').settings).toEqual(DEFAULT_APP_SETTINGS);
  });

  it('reads the file from disk, and a damaged file falls back to the defaults', async () => {
    const file = join(dir, APP_SETTINGS_FILE);
    await writeFile(file, '{"theme": "light", "__proto__": {"polluted": true}, "extra": 1}');
    const store = new AppSettingsFile(file);
    expect(store.current).toEqual({ ...DEFAULT_APP_SETTINGS, theme: 'light' });
    expect(store.problems).toEqual(['unknown setting “__proto__” ignored', 'unknown setting “extra” ignored']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await writeFile(file, '{"theme": "night", ');
    expect(new AppSettingsFile(file).current).toEqual(DEFAULT_APP_SETTINGS);
  });

  it('writes a change to the file (whole, valid JSON) and refuses an invalid one without writing', async () => {
    const file = join(dir, APP_SETTINGS_FILE);
    const store = new AppSettingsFile(file);
    const heard: unknown[] = [];
    store.onChange((s) => heard.push(s));
    expect(store.change({ theme: 'night', depthDecimals: 1 })).toEqual({ ...DEFAULT_APP_SETTINGS, theme: 'night', depthDecimals: 1 });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ ...DEFAULT_APP_SETTINGS, theme: 'night', depthDecimals: 1 });
    expect(() => store.change({ depthDecimals: -1 })).toThrow();
    expect(JSON.parse(await readFile(file, 'utf8')).depthDecimals).toBe(1);
    expect(heard).toHaveLength(1);
    expect(new AppSettingsFile(file).current).toEqual(store.current);
  });
});

describe('settings over the bridge', () => {
  it('changes only what is named, tells every window, keeps it across a restart, and refuses unknown keys', async () => {
    const services = launch();
    const call = createBridgeDispatcher(services.handlers);
    const events: unknown[] = [];
    services.events.subscribe((event, payload) => event === 'appSettingsChanged' && events.push(payload));

    expect(await call('getAppSettings', undefined)).toEqual({ ok: true, value: DEFAULT_APP_SETTINGS });
    const changed = await call('setAppSettings', { timeZone: 'local' });
    expect(changed).toEqual({ ok: true, value: { ...DEFAULT_APP_SETTINGS, timeZone: 'local' } });
    expect(events).toEqual([{ ...DEFAULT_APP_SETTINGS, timeZone: 'local' }]);

    const refused = await call('setAppSettings', { timeZone: 'utc', fontSize: 20 });
    expect(refused).toMatchObject({ ok: false, error: { kind: 'validation' } });
    expect(JSON.stringify(refused)).toMatch(/fontSize/);
    expect(await call('setAppSettings', { theme: 'sepia' })).toMatchObject({ ok: false, error: { kind: 'validation' } });
    expect(await call('setAppSettings', { keepOriginalsDays: 0 })).toMatchObject({ ok: false, error: { kind: 'validation' } });
    expect(events).toHaveLength(1);

    await services.dispose();
    running.splice(0);
    const again = createBridgeDispatcher(launch().handlers);
    expect(await call('getAppSettings', undefined)).toEqual(await again('getAppSettings', undefined));
    expect(await again('getAppSettings', undefined)).toEqual({ ok: true, value: { ...DEFAULT_APP_SETTINGS, timeZone: 'local' } });
  });

  it('says where the data lives and how big each part is', async () => {
    const services = launch();
    await mkdir(join(dir, 'logs'), { recursive: true });
    await writeFile(join(dir, 'logs', 'extra.log'), 'x'.repeat(5000));
    await mkdir(join(dir, 'image-cache'), { recursive: true });
    await writeFile(join(dir, 'image-cache', 'a-512.jpg'), Buffer.alloc(12_345));
    const usage = await services.handlers.getDataUsage(undefined);
    expect(usage.dataDir).toBe(dir);
    const part = (id: string) => usage.parts.find((p) => p.id === id)!;
    expect(part('image-cache')).toMatchObject({ bytes: 12_345, files: 1, path: join(dir, 'image-cache') });
    expect(part('logs').bytes).toBeGreaterThanOrEqual(5000);
    expect(part('photos')).toMatchObject({ bytes: 0, files: 0 });
    expect(usage.parts.reduce((sum, p) => sum + p.bytes, 0)).toBe(usage.totalBytes);
    expect(usage.freeBytes).toBeGreaterThan(0);
    expect(usage.originals).toEqual({ keepDays: DEFAULT_APP_SETTINGS.keepOriginalsDays, confirmed: 0, lastSweep: null });
  });
});
