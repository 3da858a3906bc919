/**
 * Auto-update settings, in `<userData>/update-settings.json`. Off by default; IT can preset them for
 * a fleet through CORELOG_AUTO_UPDATE=1 and CORELOG_UPDATE_FEED_URL, the user can change them.
 */
import { updateSettingsSchema, type UpdateSettings } from '../../../common/bridge/desktop-contract';
import { readJsonFile, writeJsonFile } from './json-file';

export class UpdateSettingsStore {
  private settings: UpdateSettings;
  private readonly listeners = new Set<(settings: UpdateSettings) => void>();

  constructor(
    private readonly file: string,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    const defaults: UpdateSettings = { enabled: env.CORELOG_AUTO_UPDATE === '1', feedUrl: env.CORELOG_UPDATE_FEED_URL || null };
    const saved = updateSettingsSchema.partial().safeParse(readJsonFile(file));
    this.settings = { ...defaults, ...(saved.success ? saved.data : {}) };
  }

  get current(): UpdateSettings {
    return { ...this.settings };
  }

  set(settings: UpdateSettings): UpdateSettings {
    this.settings = { ...settings };
    writeJsonFile(this.file, this.settings);
    for (const listener of [...this.listeners]) listener(this.current);
    return this.current;
  }

  /** Called after every change; returns the unsubscribe function. */
  onChange(listener: (settings: UpdateSettings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
