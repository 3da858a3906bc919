/**
 * The app settings file, `<dataDir>/app-settings.json`: theme, time zone, depth precision and how
 * long originals stay after upload. Written atomically (json-file.ts). Read strictly: a key
 * Corelog does not know, or a value out of range, is not applied and is reported (to the log), while
 * the valid settings beside it still are, so one bad line never resets all the others.
 */
import { appSettingsSchema, DEFAULT_APP_SETTINGS, type AppSettings } from '../../../common/bridge/settings-contract';
import { readJsonFile, writeJsonFile } from '../desktop/json-file';

export const APP_SETTINGS_FILE = 'app-settings.json';

export interface ReadSettings {
  settings: AppSettings;
  /** What in the file was not applied, in plain words (empty when all was fine). */
  problems: string[];
}

/** Settings from what the file held (undefined: no file or not JSON); defaults fill what is missing. */
export function settingsFromFile(saved: unknown): ReadSettings {
  if (saved === undefined) return { settings: { ...DEFAULT_APP_SETTINGS }, problems: [] };
  if (saved === null || typeof saved !== 'object' || Array.isArray(saved)) {
    return { settings: { ...DEFAULT_APP_SETTINGS }, problems: ['the settings file does not hold settings; the defaults apply'] };
  }
  const whole = appSettingsSchema.partial().safeParse(saved);
  if (whole.success) return { settings: { ...DEFAULT_APP_SETTINGS, ...whole.data }, problems: [] };
  const settings: AppSettings = { ...DEFAULT_APP_SETTINGS };
  const problems: string[] = [];
  const fields = appSettingsSchema.shape;
  for (const [key, value] of Object.entries(saved)) {
    if (!Object.hasOwn(fields, key)) {
      problems.push(`unknown setting “${key.slice(0, 60)}” ignored`);
      continue;
    }
    const name = key as keyof AppSettings;
    const field = fields[name].safeParse(value);
    if (field.success) (settings as Record<keyof AppSettings, unknown>)[name] = field.data;
    else problems.push(`setting “${name}” ignored: ${field.error.issues[0]?.message ?? 'not valid'}`);
  }
  return { settings, problems };
}

export class AppSettingsFile {
  private settings: AppSettings;
  private readonly listeners = new Set<(settings: AppSettings) => void>();
  /** What the file held that was not applied when it was read. */
  readonly problems: readonly string[];

  constructor(private readonly file: string) {
    const read = settingsFromFile(readJsonFile(file));
    this.settings = read.settings;
    this.problems = read.problems;
  }

  get current(): AppSettings {
    return { ...this.settings };
  }

  /** Applies a change (already validated by the contract, checked again here) and writes the file. */
  change(patch: Partial<AppSettings>): AppSettings {
    const next = appSettingsSchema.parse({ ...this.settings, ...patch });
    this.settings = next;
    writeJsonFile(this.file, next);
    for (const listener of [...this.listeners]) listener(this.current);
    return this.current;
  }

  /** Called after every change; returns the unsubscribe function. */
  onChange(listener: (settings: AppSettings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
