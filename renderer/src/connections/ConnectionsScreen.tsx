/**
 * Server address, sign-in and health of each system, its read-only server check and its API
 * settings. Passwords are typed here and handed to main once; nothing secret ever comes back.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { ConnectionStatus, CredentialStorageInfo } from '../../../common/bridge/connection-contract';
import type { BridgeError, SystemId } from '../../../common/errors';
import type { Result } from '../../../common/result';
import { bridge } from '../bridge/bridge';
import { ErrorNotice } from '../app/ErrorNotice';
import { formatDateTime, formatRelative } from '../app/time-format';
import { ProfileSwitch } from '../first-run/ProfileSwitch';
import { ApiSettingsPanel } from './ApiSettingsPanel';
import { ServerCheckPanel } from './ServerCheckPanel';
import { useApiSettings } from './use-api-settings';
import { describeReachability, describeSession, SYSTEM_LABELS, type ConnectionsState } from './use-connections';

interface Props {
  state: ConnectionsState;
  apply: (status: ConnectionStatus) => void;
}

export function ConnectionsScreen({ state, apply }: Props) {
  return (
    <div className="screen">
      <h1>Connections</h1>
      <ProfileSwitch />
      {state.credentialStorage && !state.credentialStorage.secure && (
        <p className="warning" role="note" data-testid="credential-warning">
          <strong>Passwords are not protected by an operating-system keyring here.</strong> {state.credentialStorage.explanation}
        </p>
      )}
      {state.loadError && <ErrorNotice error={state.loadError} />}
      <div className="columns">
        {(['imago', 'dougal'] as const).map((system) => (
          <SystemConnection key={system} system={system} status={state.connections[system]} storage={state.credentialStorage} apply={apply} />
        ))}
      </div>
    </div>
  );
}

function SystemConnection({
  system,
  status,
  storage,
  apply,
}: {
  system: SystemId;
  status: ConnectionStatus | undefined;
  storage: CredentialStorageInfo | null;
  apply: (status: ConnectionStatus) => void;
}) {
  const label = SYSTEM_LABELS[system];
  const [serverUrl, setServerUrl] = useState(status?.serverUrl ?? '');
  const [username, setUsername] = useState(status?.user ?? '');
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(true);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<BridgeError | null>(null);
  const apiSettings = useApiSettings(system);

  useEffect(() => {
    if (status?.serverUrl) setServerUrl((current) => current || status.serverUrl);
    if (status?.user) setUsername((current) => current || status.user || '');
  }, [status?.serverUrl, status?.user]);
  useEffect(() => {
    if (storage && !storage.secure) setRemember(false);
  }, [storage?.secure]);

  const run = async (what: string, action: () => Promise<Result<ConnectionStatus>>) => {
    setBusy(what);
    setError(null);
    const result = await action();
    setBusy(null);
    if (result.ok) apply(result.value);
    else setError(result.error);
    return result.ok;
  };

  const signIn = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await run('Signing in…', () => bridge.signIn({ system, username, password, remember }));
    if (ok) setPassword('');
  };

  const signedIn = status && status.session !== 'signed-out';
  const id = (name: string) => `${system}-${name}`;

  return (
    <section className="card connection" aria-labelledby={id('title')} data-testid={`connection-${system}`}>
      <h2 id={id('title')}>{label}</h2>
      <dl className="facts">
        <dt>Reachability</dt>
        <dd data-testid={id('reachability')} className={`reach-${status?.reachability ?? 'unknown'}`}>
          {describeReachability(status)}
          {status?.lastCheckedAt && <span className="muted"> · checked {formatRelative(status.lastCheckedAt)}</span>}
        </dd>
        <dt>Session</dt>
        <dd data-testid={id('session')}>{describeSession(status)}</dd>
        {status?.role && (
          <>
            <dt>Role</dt>
            <dd data-testid={id('role')}>{status.role}</dd>
          </>
        )}
        {status?.expiresAt && (
          <>
            <dt>Session valid until</dt>
            <dd data-testid={id('expiry')}>
              {formatDateTime(status.expiresAt)} <span className="muted">({formatRelative(status.expiresAt)})</span>
            </dd>
          </>
        )}
        {status?.lastReachableAt && status.reachability !== 'reachable' && (
          <>
            <dt>Last reached</dt>
            <dd>{formatDateTime(status.lastReachableAt)}</dd>
          </>
        )}
      </dl>
      {(error ?? status?.lastError) && <ErrorNotice error={(error ?? status?.lastError)!} testId={id('error')} />}

      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          void run('Saving…', () => bridge.setServerUrl({ system, serverUrl }));
        }}
      >
        <label htmlFor={id('url')}>Server address</label>
        <input id={id('url')} type="url" value={serverUrl} onChange={(e) => setServerUrl(e.target.value)} spellCheck={false} required />
        <button type="submit" disabled={busy !== null || serverUrl === status?.serverUrl}>
          Save address
        </button>
      </form>

      {signedIn ? (
        <div className="row">
          <button type="button" onClick={() => void run('Signing out…', () => bridge.signOut({ system, forgetPassword: true }))} disabled={busy !== null}>
            Sign out
          </button>
          <button type="button" onClick={() => void run('Checking…', () => bridge.checkConnection({ system }))} disabled={busy !== null}>
            Check now
          </button>
        </div>
      ) : (
        <form onSubmit={(e) => void signIn(e)} className="sign-in" aria-label={`Sign in to ${label}`}>
          <label htmlFor={id('user')}>{system === 'imago' ? 'Service account' : 'User'}</label>
          <input id={id('user')} autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
          <label htmlFor={id('password')}>Password</label>
          <input id={id('password')} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
          <label className="check">
            <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> Remember password on this computer
          </label>
          <div className="row">
            <button type="submit" className="primary" disabled={busy !== null}>
              Sign in to {label}
            </button>
            {system === 'dougal' && (
              <button type="button" disabled={busy !== null} onClick={() => void run('Signing in…', () => bridge.signInImplicitly({ system: 'dougal' }))}>
                Use network login
              </button>
            )}
            <button type="button" onClick={() => void run('Checking…', () => bridge.checkConnection({ system }))} disabled={busy !== null}>
              Check now
            </button>
          </div>
        </form>
      )}
      {busy && (
        <p className="muted" role="status">
          {busy}
        </p>
      )}
      <ServerCheckPanel system={system} label={label} settings={apiSettings} />
      <ApiSettingsPanel system={system} label={label} state={apiSettings} />
    </section>
  );
}
