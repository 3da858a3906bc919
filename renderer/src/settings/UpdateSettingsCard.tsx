/**
 * Updates: whether Corelog checks a feed for new versions, and which. Off unless IT says so (a
 * field machine should not update mid-shift); an update installs when Corelog quits, never by
 * itself. Checks run only in the installed desktop app.
 */
import { useEffect, useState } from 'react';
import type { AppInfo } from '../../../common/bridge/contract';
import type { UpdateSettings } from '../../../common/bridge/desktop-contract';
import type { BridgeError } from '../../../common/errors';
import { ErrorNotice } from '../app/ErrorNotice';
import { bridge } from '../bridge/bridge';

export function UpdateSettingsCard() {
  const [saved, setSaved] = useState<UpdateSettings | null>(null);
  const [enabled, setEnabled] = useState(false);
  const [feedUrl, setFeedUrl] = useState('');
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [error, setError] = useState<BridgeError | null>(null);
  const [done, setDone] = useState(false);

  useEffect(() => {
    void bridge.getUpdateSettings().then((r) => {
      if (!r.ok) return setError(r.error);
      setSaved(r.value);
      setEnabled(r.value.enabled);
      setFeedUrl(r.value.feedUrl ?? '');
    });
    void bridge.getAppInfo().then((r) => r.ok && setInfo(r.value));
  }, []);

  const dirty = saved !== null && (enabled !== saved.enabled || (feedUrl.trim() || null) !== saved.feedUrl);
  return (
    <section className="card" aria-labelledby="settings-updates">
      <h2 id="settings-updates">Updates</h2>
      <form
        className="settings-form"
        onSubmit={async (e) => {
          e.preventDefault();
          const result = await bridge.setUpdateSettings({ enabled, feedUrl: feedUrl.trim() || null });
          if (result.ok) {
            setSaved(result.value);
            setError(null);
            setDone(true);
          } else {
            setError(result.error);
            setDone(false);
          }
        }}
      >
        <label className="check">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Check for updates
        </label>
        <label className="settings-field">
          Update feed (the https:// address of the folder holding latest.yml)
          <input type="url" value={feedUrl} onChange={(e) => setFeedUrl(e.target.value)} placeholder="https://updates.example.com/corelog/" aria-label="Update feed" />
        </label>
        <p className="hint">
          An update downloads in the background and installs the next time you quit Corelog, never by itself.
          {info && info.transport !== 'electron' && ' Updates are checked only by the installed desktop app, not in browser mode.'}
        </p>
        <div className="row">
          <button type="submit" disabled={!dirty}>
            Save
          </button>
          {done && !dirty && (
            <span className="save-state" role="status">
              Saved.
            </span>
          )}
        </div>
      </form>
      {error && <ErrorNotice error={error} testId="update-settings-error" />}
    </section>
  );
}
