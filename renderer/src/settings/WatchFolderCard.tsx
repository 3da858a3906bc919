/**
 * The watch folder of a tethered camera, as on the Photos screen (same bridge methods, same
 * rules): here so it can be set up before a hole is chosen. Photos found there are taken in for
 * review when the Photos screen is open.
 */
import { useEffect, useRef, useState } from 'react';
import type { WatchFolderStatus } from '../../../common/bridge/photo-contract';
import type { BridgeError } from '../../../common/errors';
import { filenamePatternProblem } from '../../../common/forms/text-fields';
import { DEFAULT_FILENAME_PATTERN } from '../../../common/photos/filename-pattern';
import { ErrorNotice } from '../app/ErrorNotice';
import { bridge } from '../bridge/bridge';

export function WatchFolderCard() {
  const [status, setStatus] = useState<WatchFolderStatus | null>(null);
  const [error, setError] = useState<BridgeError | null>(null);
  const [folder, setFolder] = useState('');
  const [pattern, setPattern] = useState(DEFAULT_FILENAME_PATTERN);
  const loaded = useRef(false);
  const patternProblem = filenamePatternProblem(pattern);

  useEffect(() => {
    const off = bridge.on('watchFolderChanged', setStatus);
    void bridge.getWatchFolder().then((r) => (r.ok ? setStatus(r.value) : setError(r.error)));
    return off;
  }, []);
  useEffect(() => {
    if (!status || loaded.current) return;
    loaded.current = true;
    setFolder(status.folder ?? '');
    setPattern(status.pattern);
  }, [status]);

  const save = async (nextFolder: string | null, nextPattern: string) => {
    const result = await bridge.setWatchFolder({ folder: nextFolder, pattern: nextPattern });
    if (result.ok) {
      setStatus(result.value);
      setError(null);
    } else setError(result.error);
  };

  return (
    <section className="card" aria-labelledby="settings-watch-folder">
      <h2 id="settings-watch-folder">Watch folder</h2>
      <p className="hint">
        Photos a tethered camera writes to this folder are offered for review on the Photos screen.{' '}
        <span data-testid="settings-watch-state">{status?.watching ? `Watching ${status.folder}.` : 'Not watching a folder.'}</span>
      </p>
      <form
        className="settings-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!patternProblem) void save(folder.trim() || null, pattern);
        }}
      >
        <label className="settings-field">
          Folder the camera writes to (full path)
          <input value={folder} onChange={(e) => setFolder(e.target.value)} placeholder="/home/me/Pictures/tethered" aria-label="Watch folder" />
        </label>
        <label className="settings-field">
          File name pattern ({'{hole}'}, {'{from}'}, {'{to}'}, {'{imageType}'}, {'{any}'})
          <input value={pattern} onChange={(e) => setPattern(e.target.value)} aria-label="Watch folder file name pattern" aria-invalid={patternProblem !== null} />
        </label>
        {patternProblem && (
          <p className="field-error" role="alert">
            {patternProblem}
          </p>
        )}
        <div className="row">
          <button type="submit" disabled={patternProblem !== null}>
            Save
          </button>
          {status?.watching && (
            <button type="button" onClick={() => void save(null, status.pattern)}>
              Stop watching
            </button>
          )}
        </div>
      </form>
      {status?.error && <p className="field-error">{status.error}</p>}
      {error && <ErrorNotice error={error} testId="settings-watch-error" />}
    </section>
  );
}
