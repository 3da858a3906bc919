/** The one action between the sample systems and your own, at the top of Connections. */
import { useState } from 'react';
import type { BridgeError } from '../../../common/errors';
import { ErrorNotice } from '../app/ErrorNotice';
import { remember } from '../app/remembered';
import { currentProfile, useProfileInfo } from './profile';
import { switchProfile } from './switch-profile';

export function ProfileSwitch() {
  const info = useProfileInfo();
  const [error, setError] = useState<BridgeError | null>(null);
  if (!info?.canSwitch) return null;
  const onSample = currentProfile() === 'sample';
  const go = async () => {
    setError(null);
    const target = onSample ? 'real' : 'sample';
    // The switch lives in Connections, so the other side opens there too (not on its own last screen):
    // switching to your own systems is usually followed by entering their addresses.
    remember('lastScreen', 'connections', target);
    setError(await switchProfile(target));
  };
  return (
    <section className={`card profile-switch${onSample ? ' on-sample' : ''}`} aria-label="Sample or your own systems" data-testid="profile-switch">
      {onSample ? (
        <p>
          <strong>You are using the sample systems</strong> (a sample Imago and Dougal on this computer). Your own systems’ data is kept apart and comes back when you
          switch.
        </p>
      ) : (
        <p className="muted">No account yet, or showing Corelog to someone? The sample systems run on this computer with demo data, kept apart from yours.</p>
      )}
      <button type="button" className={onSample ? 'primary' : ''} data-testid="profile-switch-button" onClick={() => void go()}>
        {onSample ? 'Use my own Imago and Dougal' : 'Try the sample systems'}
      </button>
      {error && <ErrorNotice error={error} testId="profile-switch-error" />}
    </section>
  );
}
