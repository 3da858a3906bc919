/** The first screen of a fresh install: try Corelog on sample systems, or connect to your own. */
import { useState } from 'react';
import type { ProfileName } from '../../../common/bridge/connection-contract';
import type { BridgeError } from '../../../common/errors';
import { ErrorNotice } from '../app/ErrorNotice';
import { switchProfile } from './switch-profile';

export function FirstRunScreen({ notice, busy, onConnect }: { notice: string | null; busy: ProfileName | null; onConnect: () => void }) {
  const [error, setError] = useState<BridgeError | null>(null);
  const choose = async (profile: 'sample' | 'real') => {
    setError(null);
    const problem = await switchProfile(profile);
    if (problem) setError(problem);
    else if (profile === 'real') onConnect();
    // The sample systems: the page reloads into them.
  };
  return (
    <main className="first-run" aria-labelledby="first-run-title" data-testid="first-run">
      <h1 id="first-run-title">Welcome to Corelog</h1>
      <p className="lead">
        Corelog logs your work on this computer, online or not, and sends it to <strong>Imago</strong> (drill-core photos) and <strong>Dougal</strong> (the
        vessel’s event log) whenever they can be reached.
      </p>
      {notice && (
        <p className="banner warning" role="alert" data-testid="first-run-notice">
          {notice}
        </p>
      )}
      {error && <ErrorNotice error={error} testId="first-run-error" />}
      {busy === 'sample' && (
        <p className="save-state" role="status" data-testid="first-run-busy">
          Starting the sample systems on this computer…
        </p>
      )}
      <div className="first-run-choices">
        <section className="card" aria-labelledby="try-sample-title">
          <h2 id="try-sample-title">Try it with sample systems</h2>
          <p>A sample Imago and Dougal start on this computer, with demo data, and Corelog signs in to both. Nothing you do there reaches a real server.</p>
          <button type="button" className="primary" data-testid="try-sample" disabled={busy !== null} onClick={() => void choose('sample')} autoFocus>
            Try it with sample systems
          </button>
        </section>
        <section className="card" aria-labelledby="connect-real-title">
          <h2 id="connect-real-title">Connect to your Imago / Dougal</h2>
          <p>Enter your servers’ addresses and sign in. You can try the sample systems later from Connections; their data stays apart from yours.</p>
          <button type="button" data-testid="connect-real" disabled={busy !== null} onClick={() => void choose('real')}>
            Connect to your Imago / Dougal
          </button>
        </section>
      </div>
    </main>
  );
}
