/** Theme, time zone and depth precision: display choices, applied at once in every screen. */
import { useState } from 'react';
import { MAX_DEPTH_DECIMALS, type AppSettings, type Theme } from '../../../common/bridge/settings-contract';
import type { BridgeError } from '../../../common/errors';
import { ErrorNotice } from '../app/ErrorNotice';
import { formatDateTime } from '../app/time-format';
import { changeAppSettings, useAppSettings } from './app-settings-store';
import { formatDepth } from './depth-format';

const THEME_CHOICES: { value: Theme; label: string; hint: string }[] = [
  { value: 'system', label: 'System', hint: 'light or dark, as the computer is set' },
  { value: 'light', label: 'Light', hint: 'dark text on light panels' },
  { value: 'dark', label: 'Dark', hint: 'light text on dark panels' },
  { value: 'night', label: 'Night', hint: 'dim red on black, for a ship’s bridge at night: keeps eyes dark-adapted' },
];

/** A sample depth for the precision preview (three decimals, so every choice shows a difference). */
const SAMPLE_DEPTH = 102.456;

export function DisplaySettings() {
  const settings = useAppSettings();
  const [error, setError] = useState<BridgeError | null>(null);
  const change = async (patch: Partial<AppSettings>) => setError(await changeAppSettings(patch));
  const now = new Date().toISOString();

  return (
    <section className="card" aria-labelledby="settings-display">
      <h2 id="settings-display">Display</h2>
      <fieldset className="choice-group">
        <legend>Theme</legend>
        {THEME_CHOICES.map((choice) => (
          <label key={choice.value} className="choice">
            <input type="radio" name="theme" value={choice.value} checked={settings.theme === choice.value} onChange={() => void change({ theme: choice.value })} />
            <span>
              <strong>{choice.label}</strong> <span className="muted">{choice.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>

      <fieldset className="choice-group">
        <legend>Times</legend>
        <label className="choice">
          <input type="radio" name="time-zone" value="utc" checked={settings.timeZone === 'utc'} onChange={() => void change({ timeZone: 'utc' })} />
          <span>
            <strong>UTC</strong> <span className="muted">{formatDateTime(now, 'utc')}: the same on every computer of the crew</span>
          </span>
        </label>
        <label className="choice">
          <input type="radio" name="time-zone" value="local" checked={settings.timeZone === 'local'} onChange={() => void change({ timeZone: 'local' })} />
          <span>
            <strong>Local time</strong> <span className="muted">{formatDateTime(now, 'local')}: this computer’s clock</span>
          </span>
        </label>
        <p className="hint">Used everywhere Corelog shows a time: event log, photos, sync strip and connections.</p>
      </fieldset>

      <label className="settings-field">
        Depth precision
        <select aria-label="Depth precision" value={settings.depthDecimals} onChange={(e) => void change({ depthDecimals: Number(e.target.value) })}>
          {Array.from({ length: MAX_DEPTH_DECIMALS + 1 }, (_, decimals) => (
            <option key={decimals} value={decimals}>
              {decimals === 0 ? 'whole units' : `${decimals} decimal${decimals === 1 ? '' : 's'}`} ({formatDepth(SAMPLE_DEPTH, { precision: decimals })})
            </option>
          ))}
        </select>
        <span className="hint" data-testid="depth-preview">
          A depth of {SAMPLE_DEPTH} is shown as {formatDepth(SAMPLE_DEPTH, { units: 'metres' })} (or {formatDepth(SAMPLE_DEPTH, { units: 'feet' })} in a dataset kept in feet).
          Only the display changes: depths are stored and sent as entered.
        </span>
      </label>
      {error && <ErrorNotice error={error} testId="display-settings-error" />}
    </section>
  );
}
