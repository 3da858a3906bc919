/** Settings → Event log: how long a watch is, so the watch report covers the last one by default. */
import { useState } from 'react';
import { MAX_WATCH_HOURS } from '../../../../common/bridge/settings-contract';
import type { BridgeError } from '../../../../common/errors';
import { ErrorNotice } from '../../app/ErrorNotice';
import { changeAppSettings, useAppSettings } from '../../settings/app-settings-store';

export function WatchLengthCard() {
  const { watchHours } = useAppSettings();
  const [error, setError] = useState<BridgeError | null>(null);
  return (
    <section className="card" aria-labelledby="settings-event-log">
      <h2 id="settings-event-log">Event log</h2>
      <label className="settings-field">
        Watch length
        <select aria-label="Watch length" value={watchHours} onChange={(e) => void changeAppSettings({ watchHours: Number(e.target.value) }).then(setError)}>
          {Array.from({ length: MAX_WATCH_HOURS }, (_, i) => i + 1).map((hours) => (
            <option key={hours} value={hours}>
              {hours} hour{hours === 1 ? '' : 's'}
            </option>
          ))}
        </select>
        <span className="hint">The watch report covers the last watch (this many hours up to now) unless another time range is chosen.</span>
      </label>
      {error && <ErrorNotice error={error} testId="watch-length-error" />}
    </section>
  );
}
