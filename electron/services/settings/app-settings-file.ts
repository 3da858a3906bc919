/**
 * The app settings file, `<dataDir>/app-settings.json`: theme, time zone, depth precision and how
 * long originals stay after upload. Written atomically (json-file.ts). Read strictly: a key
 * Corelog does not know, or a value out of range, is not applied and is reported (to the log), while
 * the valid settings beside it still are, so one bad line never resets all the others. A file
 * that holds no settings at all (damaged, a folder, …) is set aside by json-file.ts and reported.
 *
 * A change is made to what the file holds at that moment, not to what this process read at start:
 * a second Corelog process on the same folder (browser mode beside the app) may have changed
 * another setting since, and that change is kept.
 */
import { appSettingsSchema, DEFAULT_APP_SETTINGS, type AppSettings } from '../../../common/bridge/settings-contract';
import { readJsonFile, readJsonFileChecked, writeJsonFile } from '../desktop/json-file';

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

const isPlainObject = (value: unknown) => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The settings in a file that are valid, one by one (nothing for a file that holds no settings). */
function validSettingsIn(saved: unknown): Partial<AppSettings> {
  if (!isPlainObject(saved)) return {};
  const fields = appSettingsSchema.shape;
  const valid: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(saved as object)) {
    if (!Object.hasOwn(fields, key)) continue;
    const field = fields[key as keyof AppSettings].safeParse(value);
    if (field.success) valid[key] = field.data;
  }
  return valid as Partial<AppSettings>;
}

export class AppSettingsFile {
  private settings: AppSettings;
  private readonly listeners = new Set<(settings: AppSettings) => void>();
  /** What the file held that was not applied when it was read. */
  readonly problems: readonly string[];

  constructor(private readonly file: string) {
    const { value, problem } = readJsonFileChecked(file, { accept: isPlainObject });
    const read = settingsFromFile(value);
    this.settings = read.settings;
    this.problems = problem ? [problem, ...read.problems] : read.problems;
  }

  get current(): AppSettings {
    return { ...this.settings };
  }

  /** Applies a change (already validated by the contract, checked again here) and writes the file. */
  change(patch: Partial<AppSettings>): AppSettings {
    // Read again (another process may have written since); a setting that is not valid there now
    // keeps this process's value. Written first: a save that fails changes nothing, here either.
    const next = appSettingsSchema.parse({ ...this.settings, ...validSettingsIn(readJsonFile(this.file, { accept: isPlainObject })), ...patch });
    writeJsonFile(this.file, next);
    this.settings = next;
    for (const listener of [...this.listeners]) listener(this.current);
    return this.current;
  }

  /** Called after every change; returns the unsubscribe function. */
  onChange(listener: (settings: AppSettings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
