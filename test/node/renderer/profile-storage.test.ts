/**
 * The page's copy of the profile (renderer/src/first-run/profile.ts): the IndexedDB names of each
 * profile, and the localStorage keys that belong to one profile's systems put aside and brought
 * back on a switch, while the computer's own keys stay. A real Storage-shaped store stands in for
 * the browser's localStorage (Node has none).
 */
import { beforeEach, describe, expect, it } from 'vitest';

class MemoryStorage {
  private readonly items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, String(value));
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  snapshot() {
    return Object.fromEntries(this.items);
  }
}

let storage: MemoryStorage;
beforeEach(() => {
  storage = new MemoryStorage();
  (globalThis as { localStorage?: unknown }).localStorage = storage;
});

const profile = await import('../../../renderer/src/first-run/profile');

describe('the page’s profile', () => {
  it('is the real one by default, and database names stay as they always were there', () => {
    expect(profile.currentProfile()).toBe('real');
    expect(profile.profileDbName('corelog-eventlog')).toBe('corelog-eventlog');
    storage.setItem('corelog.profile', 'sample');
    expect(profile.currentProfile()).toBe('sample');
    expect(profile.profileDbName('corelog-eventlog')).toBe('corelog-eventlog-sample');
    expect(profile.profileDbName('corelog-photos')).toBe('corelog-photos-sample');
    storage.setItem('corelog.profile', 'something else');
    expect(profile.currentProfile()).toBe('real');
  });

  it('a switch puts one profile’s own keys aside and brings the other’s back; the computer’s keys stay', () => {
    storage.setItem('corelog.eventLog.project', 'real-project');
    storage.setItem('corelog.eventLog.role.navigator', 'master');
    storage.setItem('corelog.eventLog.zone', 'local');
    storage.setItem('corelog.lastScreen', 'photos');

    profile.adoptProfile('sample');
    expect(storage.snapshot()).toEqual({
      'corelog.profile': 'sample',
      'corelog.eventLog.zone': 'local',
      'corelog.lastScreen': 'photos',
      'corelog.profileStash.real': JSON.stringify({ 'corelog.eventLog.project': 'real-project', 'corelog.eventLog.role.navigator': 'master' }),
    });

    // The sample side chooses its own project.
    storage.setItem('corelog.eventLog.project', 'eq24301');
    profile.adoptProfile('real');
    expect(storage.getItem('corelog.eventLog.project')).toBe('real-project');
    expect(storage.getItem('corelog.eventLog.role.navigator')).toBe('master');
    expect(storage.getItem('corelog.profileStash.sample')).toBe(JSON.stringify({ 'corelog.eventLog.project': 'eq24301' }));
    expect(storage.getItem('corelog.profileStash.real')).toBeNull();

    profile.adoptProfile('sample');
    expect(storage.getItem('corelog.eventLog.project')).toBe('eq24301');
    expect(storage.getItem('corelog.eventLog.role.navigator')).toBeNull();
    expect(storage.getItem('corelog.eventLog.zone')).toBe('local');
  });

  it('adopting the profile already in use changes nothing; a damaged stash costs only the choices in it', () => {
    storage.setItem('corelog.eventLog.project', 'p1');
    profile.adoptProfile('real');
    expect(storage.snapshot()).toEqual({ 'corelog.eventLog.project': 'p1' });
    storage.setItem('corelog.profileStash.sample', '{not json');
    profile.adoptProfile('sample');
    expect(profile.currentProfile()).toBe('sample');
    expect(storage.getItem('corelog.eventLog.project')).toBeNull();
    // Only profile keys come back from a stash, whatever else it holds.
    storage.setItem('corelog.profileStash.real', JSON.stringify({ 'corelog.eventLog.project': 'p1', 'corelog.profile': 'sample', 'corelog.lastScreen': 'x' }));
    storage.setItem('corelog.lastScreen', 'home');
    profile.adoptProfile('real');
    expect(profile.currentProfile()).toBe('real');
    expect(storage.getItem('corelog.eventLog.project')).toBe('p1');
    expect(storage.getItem('corelog.lastScreen')).toBe('home');
  });
});
