/** Home on the sample systems: what to do next, one button each. */
import { useState } from 'react';
import type { BridgeError } from '../../../common/errors';
import { ErrorNotice } from '../app/ErrorNotice';
import { asBridgeError } from '../photos/photo-records';
import { currentProfile, useProfileInfo } from './profile';
import { takeSampleTrayPhoto } from './sample-start';

type Go = (screen: 'event-log' | 'photos' | 'connections') => void;

export function SampleStartCard({ go }: { go: Go }) {
  const info = useProfileInfo();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BridgeError | null>(null);
  const start = info?.sample?.start;
  if (currentProfile() !== 'sample' || !start) return null;

  const samplePhoto = async () => {
    setBusy(true);
    setError(null);
    try {
      await takeSampleTrayPhoto(start);
      go('photos');
    } catch (e) {
      setError(asBridgeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card sample-start" aria-labelledby="sample-start-title" data-testid="sample-start">
      <h2 id="sample-start-title">You are trying Corelog on sample systems</h2>
      <p className="muted">
        A sample Imago and Dougal run on this computer with demo data, and Corelog is signed in to both. What you do here stays with the samples.
      </p>
      <ol className="sample-steps">
        <li>
          <strong>Log an event for Dougal.</strong> Project {start.project ?? '—'} is open: type a remark and press Enter.{' '}
          <button type="button" className="primary" data-testid="sample-go-event-log" onClick={() => go('event-log')}>
            Open the event log
          </button>
        </li>
        <li>
          <strong>Queue a tray photo for Imago.</strong> Hole {start.holeName} ({start.imageryTypeName}, {start.imageTypeName}) is chosen. No photo at hand? Use a sample
          one, then press “Queue”.{' '}
          <button type="button" className="primary" data-testid="sample-tray-photo" disabled={busy} onClick={() => void samplePhoto()}>
            {busy ? 'Making a sample tray photo…' : 'Use a sample tray photo'}
          </button>{' '}
          <button type="button" data-testid="sample-go-photos" onClick={() => go('photos')}>
            Open Photos
          </button>
        </li>
        <li>
          <strong>Watch both arrive</strong> in the strip at the bottom. When you are ready for your own servers: <button type="button" onClick={() => go('connections')}>Connections</button>
        </li>
      </ol>
      {error && <ErrorNotice error={error} testId="sample-start-error" />}
    </section>
  );
}
