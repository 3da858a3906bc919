/**
 * update-settings.json on a real data folder. A save that fails — a full disk (a real 512 KB tmpfs,
 * when this runs as root) or a folder in the file's place — used to leave the new value showing
 * (memory was changed before the write): now it says why in plain words and changes nothing, in
 * memory, on disk, or for the listeners. A file that holds no settings is set aside; a field that
 * is not valid (a feed over plain http from elsewhere) is left out on its own and said.
 */
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorelogError } from '../../../common/errors';
import { UpdateSettingsStore } from '../../../electron/services/desktop/update-settings';
import { useTinyDisk } from '../../support/tiny-disk';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'corelog-update-settings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const FEED = 'https://updates.example.com/corelog/';

describe('a save that fails', () => {
  it('a folder in the way: says so, and the settings, the file and the listeners stay as they were', () => {
    const file = join(dir, 'update-settings.json');
    const store = new UpdateSettingsStore(file, {});
    store.set({ enabled: false, feedUrl: FEED });
    const heard: unknown[] = [];
    store.onChange((settings) => heard.push(settings));
    rmSync(file);
    mkdirSync(join(file, 'inside'), { recursive: true });
    let thrown: unknown;
    try {
      store.set({ enabled: true, feedUrl: FEED });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CorelogError);
    expect((thrown as Error).message).toMatch(/could not save update-settings\.json: a folder is in the way of the file\. Nothing was changed/);
    expect(store.current).toEqual({ enabled: false, feedUrl: FEED });
    expect(heard).toEqual([]);
  });
});

const { dir: tiny, whyNot } = useTinyDisk('corelog-update-full-disk-');

describe.skipIf(whyNot !== null)(`a full disk${whyNot ? ` (skipped: ${whyNot})` : ''}`, () => {
  it('says the disk is full; the running settings and the file keep the last saved value', () => {
    const file = join(tiny, 'update-settings.json');
    const store = new UpdateSettingsStore(file, {});
    store.set({ enabled: false, feedUrl: null });
    try {
      writeFileSync(join(tiny, 'filler'), Buffer.alloc(1024 * 1024));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
    }
    expect(() => store.set({ enabled: true, feedUrl: FEED })).toThrow(/could not save update-settings\.json: the disk is full/);
    expect(store.current).toEqual({ enabled: false, feedUrl: null });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ enabled: false, feedUrl: null });
    expect(new UpdateSettingsStore(file, {}).current).toEqual({ enabled: false, feedUrl: null });
  });
});

describe('reading the file', () => {
  it('a file that holds no settings is set aside and the defaults (from the environment) apply', () => {
    for (const content of ['null', '[true]', '7', '{"enabled": tr']) {
      const file = join(dir, 'update-settings.json');
      writeFileSync(file, content);
      const store = new UpdateSettingsStore(file, { CORELOG_AUTO_UPDATE: '1', CORELOG_UPDATE_FEED_URL: FEED });
      expect(store.current).toEqual({ enabled: true, feedUrl: FEED });
      expect(store.problems.join(' ')).toMatch(/set aside as update-settings\.json\.corrupt-/);
      const aside = readdirSync(dir).filter((name) => name.startsWith('update-settings.json.corrupt-'));
      expect(aside).toHaveLength(1);
      expect(readFileSync(join(dir, aside[0]!), 'utf8')).toBe(content);
      rmSync(join(dir, aside[0]!));
    }
  });

  it('a field that is not valid is left out on its own and said; the other applies', () => {
    const file = join(dir, 'update-settings.json');
    writeFileSync(file, JSON.stringify({ enabled: 'yes', feedUrl: FEED }));
    const first = new UpdateSettingsStore(file, {});
    expect(first.current).toEqual({ enabled: false, feedUrl: FEED });
    expect(first.problems).toEqual([expect.stringMatching(/"automatic updates" switch \("yes"\) is not true or false/)]);

    writeFileSync(file, JSON.stringify({ enabled: true, feedUrl: 'http://updates.attacker.example/' }));
    const second = new UpdateSettingsStore(file, { CORELOG_UPDATE_FEED_URL: FEED });
    expect(second.current).toEqual({ enabled: true, feedUrl: FEED });
    expect(second.problems).toEqual([expect.stringMatching(/update address \("http:\/\/updates\.attacker\.example\/"\) is not an https:\/\/ address/)]);
    expect(readdirSync(dir).filter((name) => name.includes('.corrupt-'))).toEqual([]);
  });
});
