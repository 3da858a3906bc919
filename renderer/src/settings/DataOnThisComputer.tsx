/**
 * Where Corelog's data lives and how much space it takes (main's data folder, part by part, and
 * the browser database holding the logged work), and what happens to photo originals after
 * upload: kept N days after Imago confirmed them, then swept (or kept for good).
 */
import { useCallback, useEffect, useState } from 'react';
import { MAX_KEEP_ORIGINALS_DAYS, type DataUsage, type SweepReport } from '../../../common/bridge/settings-contract';
import type { BridgeError } from '../../../common/errors';
import { ErrorNotice } from '../app/ErrorNotice';
import { formatDateTime } from '../app/time-format';
import { bridge } from '../bridge/bridge';
import { changeAppSettings, useAppSettings } from './app-settings-store';
import { formatBytes } from './format-bytes';
import { runOriginalsSweep } from './originals-sweep';

interface BrowserStorage {
  usage: number | null;
  quota: number | null;
  /** Chromium says how much of the usage is IndexedDB. */
  indexedDb: number | null;
}

async function estimateBrowserStorage(): Promise<BrowserStorage | null> {
  if (!navigator.storage?.estimate) return null;
  const estimate = (await navigator.storage.estimate()) as StorageEstimate & { usageDetails?: { indexedDB?: number } };
  return { usage: estimate.usage ?? null, quota: estimate.quota ?? null, indexedDb: estimate.usageDetails?.indexedDB ?? null };
}

export function DataOnThisComputer() {
  const [usage, setUsage] = useState<DataUsage | null>(null);
  const [browser, setBrowser] = useState<BrowserStorage | null>(null);
  const [error, setError] = useState<BridgeError | null>(null);
  const [measuring, setMeasuring] = useState(false);

  const measure = useCallback(async () => {
    setMeasuring(true);
    const [result, storage] = await Promise.all([bridge.getDataUsage(), estimateBrowserStorage().catch(() => null)]);
    if (result.ok) {
      setUsage(result.value);
      setError(null);
    } else setError(result.error);
    setBrowser(storage);
    setMeasuring(false);
  }, []);
  useEffect(() => void measure(), [measure]);

  return (
    <section className="card" aria-labelledby="settings-data">
      <h2 id="settings-data">Data on this computer</h2>
      {usage && (
        <p>
          Data folder: <code data-testid="data-folder">{usage.dataDir}</code>
        </p>
      )}
      <table className="plain-table usage-table" data-testid="data-usage">
        <thead>
          <tr>
            <th scope="col">What</th>
            <th scope="col">Where</th>
            <th scope="col" className="number">
              Size
            </th>
          </tr>
        </thead>
        <tbody>
          {usage?.parts.map((part) => (
            <tr key={part.id} data-testid={`usage-${part.id}`}>
              <td>{part.label}</td>
              <td className="mono usage-path">{part.path}</td>
              <td className="number" data-bytes={part.bytes}>
                {formatBytes(part.bytes)} <span className="muted">({part.files.toLocaleString()} file{part.files === 1 ? '' : 's'})</span>
              </td>
            </tr>
          ))}
          {usage && (
            <tr className="usage-total" data-testid="usage-total">
              <th scope="row">Data folder in all</th>
              <td />
              <td className="number" data-bytes={usage.totalBytes}>
                {formatBytes(usage.totalBytes)}
              </td>
            </tr>
          )}
          <tr data-testid="usage-browser">
            <td>Logged work, queues and thumbnails (the app’s browser database)</td>
            <td className="muted">IndexedDB</td>
            <td className="number" data-bytes={browser?.indexedDb ?? browser?.usage ?? ''}>
              {browser?.usage === null || !browser ? 'not reported' : formatBytes(browser.indexedDb ?? browser.usage)}
              {browser?.quota ? <span className="muted"> of {formatBytes(browser.quota)} allowed</span> : null}
            </td>
          </tr>
        </tbody>
      </table>
      <div className="row">
        {usage?.freeBytes !== null && usage?.freeBytes !== undefined && (
          <span className="muted" data-testid="usage-free">
            {formatBytes(usage.freeBytes)} free on this disk.
          </span>
        )}
        <button type="button" onClick={() => void measure()} disabled={measuring}>
          {measuring ? 'Measuring…' : 'Measure again'}
        </button>
      </div>
      {error && <ErrorNotice error={error} testId="data-usage-error" />}
      <OriginalsAfterUpload usage={usage} onSwept={() => void measure()} />
    </section>
  );
}

function OriginalsAfterUpload({ usage, onSwept }: { usage: DataUsage | null; onSwept: () => void }) {
  const { keepOriginalsDays } = useAppSettings();
  const [days, setDays] = useState(String(keepOriginalsDays ?? 30));
  const [error, setError] = useState<BridgeError | null>(null);
  const [sweeping, setSweeping] = useState(false);
  const [report, setReport] = useState<SweepReport | null>(null);
  useEffect(() => setDays(String(keepOriginalsDays ?? 30)), [keepOriginalsDays]);

  const wanted = Number(days);
  const daysProblem = /^\d+$/.test(days.trim()) && wanted >= 1 && wanted <= MAX_KEEP_ORIGINALS_DAYS ? null : `Enter whole days from 1 to ${MAX_KEEP_ORIGINALS_DAYS}.`;
  const lastSweep = report ?? usage?.originals.lastSweep ?? null;

  return (
    <div className="originals" data-testid="originals-after-upload">
      <h3>Photo originals after upload</h3>
      <p className="hint">
        Corelog keeps its own copy of each photo until Imago has confirmed it. After that the copy is only a spare: it is deleted once
        it has been confirmed for the days set here. A photo Imago has not confirmed, or one still queued, is never deleted.
      </p>
      <fieldset className="choice-group">
        <legend className="visually-hidden">Keep originals</legend>
        <label className="choice">
          <input type="radio" name="keep-originals" checked={keepOriginalsDays === null} onChange={() => void changeAppSettings({ keepOriginalsDays: null }).then(setError)} />
          <span>Keep them for good</span>
        </label>
        <label className="choice">
          <input
            type="radio"
            name="keep-originals"
            checked={keepOriginalsDays !== null}
            onChange={() => void changeAppSettings({ keepOriginalsDays: daysProblem ? 30 : wanted }).then(setError)}
          />
          <span>
            Delete them{' '}
            <input
              className="days-input"
              inputMode="numeric"
              aria-label="Days to keep originals after upload"
              aria-invalid={daysProblem !== null}
              value={days}
              onChange={(e) => setDays(e.target.value)}
              onBlur={() => {
                if (!daysProblem && keepOriginalsDays !== null && wanted !== keepOriginalsDays) void changeAppSettings({ keepOriginalsDays: wanted }).then(setError);
              }}
            />{' '}
            days after Imago confirmed them
          </span>
        </label>
      </fieldset>
      {daysProblem && <p className="field-error">{daysProblem}</p>}
      <div className="row">
        <button
          type="button"
          disabled={sweeping || keepOriginalsDays === null}
          onClick={async () => {
            setSweeping(true);
            const outcome = await runOriginalsSweep();
            setSweeping(false);
            if ('error' in outcome) setError(outcome.error);
            else {
              setReport(outcome);
              setError(null);
              onSwept();
            }
          }}
        >
          {sweeping ? 'Sweeping…' : 'Sweep now'}
        </button>
        <span className="muted" data-testid="originals-status">
          {usage ? `${usage.originals.confirmed.toLocaleString()} original${usage.originals.confirmed === 1 ? '' : 's'} in the store confirmed by Imago. ` : ''}
          {lastSweep
            ? `Last sweep ${formatDateTime(lastSweep.at)}: ${lastSweep.removed} deleted, ${formatBytes(lastSweep.freedBytes)} freed${lastSweep.kept ? `, ${lastSweep.kept} kept (still needed)` : ''}.`
            : 'Not swept yet. Corelog sweeps shortly after it starts and then daily.'}
        </span>
      </div>
      {error && <ErrorNotice error={error} testId="originals-error" />}
    </div>
  );
}
