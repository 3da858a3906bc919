/**
 * Auto-update settings, in `<userData>/update-settings.json`. Off by default; IT can preset them for
 * a fleet through CORELOG_AUTO_UPDATE=1 and CORELOG_UPDATE_FEED_URL, the user can change them.
 *
 * Read field by field: a value that is not valid (a feed that is not https, a switch that is not
 * true or false) is left out on its own and said in the log, so it never costs the other setting; a
 * file that holds no settings at all is set aside by json-file.ts. A change is written before it
 * is applied: a save that fails (a full disk, a read-only folder) says so and changes nothing.
 */
import { basename } from 'node:path';
import { updateSettingsSchema, type UpdateSettings } from '../../../common/bridge/desktop-contract';
import { announceSetAside, readJsonFileChecked, writeJsonFile } from './json-file';

const isPlainObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The rule the settings screen applies (desktop-contract): updates come over https, or from this computer. */
const isUsableFeedUrl = (value: string) => /^https:\/\/[^\s]+$/i.test(value) || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/\S*$/i.test(value);

export class UpdateSettingsStore {
  private settings: UpdateSettings;
  private readonly listeners = new Set<(settings: UpdateSettings) => void>();
  /** What in the file could not be used, in plain words (each is also told to the log). */
  readonly problems: string[] = [];

  constructor(
    private readonly file: string,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    const defaults: UpdateSettings = { enabled: env.CORELOG_AUTO_UPDATE === '1', feedUrl: env.CORELOG_UPDATE_FEED_URL || null };
    const { value, problem } = readJsonFileChecked(file, { accept: isPlainObject });
    if (problem) this.problems.push(problem); // told to the log by json-file.ts already
    this.settings = { ...defaults, ...this.validFields(isPlainObject(value) ? value : {}) };
  }

  /** The saved settings that are valid, each on its own; the others are said and left out. */
  private validFields(saved: Record<string, unknown>): Partial<UpdateSettings> {
    const valid: Partial<UpdateSettings> = {};
    const refuse = (what: string) => {
      const notice = `${basename(this.file)}: ${what}`;
      this.problems.push(notice);
      announceSetAside(notice);
    };
    if (typeof saved.enabled === 'boolean') valid.enabled = saved.enabled;
    else if (saved.enabled !== undefined) refuse(`the saved "automatic updates" switch (${String(JSON.stringify(saved.enabled)).slice(0, 60)}) is not true or false; the default is used`);
    if (saved.feedUrl === null || (typeof saved.feedUrl === 'string' && saved.feedUrl.length <= 2000 && isUsableFeedUrl(saved.feedUrl))) valid.feedUrl = saved.feedUrl;
    else if (saved.feedUrl !== undefined) refuse(`the saved update address (${String(JSON.stringify(saved.feedUrl)).slice(0, 80)}) is not an https:// address; the default is used`);
    return valid;
  }

  get current(): UpdateSettings {
    return { ...this.settings };
  }

  /** Writes the settings, then applies them: a save that fails throws a plain message and changes nothing. */
  set(settings: UpdateSettings): UpdateSettings {
    const next = updateSettingsSchema.parse({ ...settings });
    writeJsonFile(this.file, next);
    this.settings = next;
    for (const listener of [...this.listeners]) listener(this.current);
    return this.current;
  }

  /** Called after every change; returns the unsubscribe function. */
  onChange(listener: (settings: UpdateSettings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
