/**
 * Error boundaries: each screen, and the sync strip, sits behind its own, so an exception inside
 * one shows what happened, in plain words, with a way back (try the screen again, or go Home)
 * instead of blanking the window; the other screens, the strip and the sync engines carry on.
 * Every failure is written to main's log over the bridge, and so reaches Export diagnostics.
 *
 * The sync engines run inside the strip's hooks (each feature's sync source holds its engine
 * lock). When the strip fails, its fallback keeps those hooks running without the strip's UI, so
 * sending never stops because a status line could not be drawn.
 */
import { Component, Fragment, useEffect, type ErrorInfo, type ReactNode } from 'react';
import { bridge } from '../bridge/bridge';
import { publishSyncSnapshot } from '../sync/sync-snapshot';
import type { SyncSourceStatus } from '../sync/sync-source';
import { SYNC_SOURCES } from '../sync/sync-sources';

declare global {
  interface Window {
    /**
     * Test hook: while this names a boundary ("photos", "sync-strip"…), the part inside it throws
     * on its next render. Only script already running in this page can set it (no address, storage
     * or bridge message reaches it, and the CSP lets only Corelog's own bundle run), and all it can
     * do is show the error notice, which that script could cause anyway.
     */
    __corelogCrashScreen?: string;
  }
}

export interface ScreenFailureInfo {
  message: string;
  /** Whether main has written it to the log (null while the report is on its way). */
  logged: boolean | null;
}

interface ScreenBoundaryProps {
  /** The id in the log and in diagnostics: "home", "photos", "sync-strip"… */
  name: string;
  /** What the user calls it, e.g. "Photos". */
  label: string;
  /** Leaves the failed screen for Home; absent on Home itself. */
  onGoHome?: () => void;
  /** What to show instead of the failed part; the screen notice by default. */
  fallback?: (failure: ScreenFailureInfo, retry: () => void) => ReactNode;
  children: ReactNode;
}

interface ScreenBoundaryState {
  failure: ScreenFailureInfo | null;
  /** Bumped by "Try again", so the screen starts afresh rather than from the state that failed. */
  attempt: number;
}

const MAX_REPORT_CHARS = { message: 2000, stack: 20_000 };

function describeThrown(thrown: unknown): { message: string; stack: string | null } {
  if (thrown instanceof Error) return { message: thrown.message || thrown.name, stack: thrown.stack ?? null };
  return { message: typeof thrown === 'string' ? thrown : 'A value that is not an error was thrown.', stack: null };
}

export class ScreenBoundary extends Component<ScreenBoundaryProps, ScreenBoundaryState> {
  override state: ScreenBoundaryState = { failure: null, attempt: 0 };

  static getDerivedStateFromError(thrown: unknown): Partial<ScreenBoundaryState> {
    return { failure: { message: describeThrown(thrown).message, logged: null } };
  }

  override componentDidCatch(thrown: unknown, info: ErrorInfo): void {
    const { message, stack } = describeThrown(thrown);
    const failedAttempt = this.state.attempt;
    void bridge
      .reportScreenFailure({
        screen: this.props.name,
        message: message.slice(0, MAX_REPORT_CHARS.message),
        stack: stack?.slice(0, MAX_REPORT_CHARS.stack) ?? null,
        componentStack: info.componentStack?.slice(0, MAX_REPORT_CHARS.stack) ?? null,
      })
      .then((result) => {
        // Only if the notice on show is still the one for this failure.
        if (this.state.failure && this.state.attempt === failedAttempt) this.setState({ failure: { ...this.state.failure, logged: result.ok } });
      });
  }

  private readonly retry = () => this.setState((state) => ({ failure: null, attempt: state.attempt + 1 }));

  override render(): ReactNode {
    const { failure, attempt } = this.state;
    const { name, label, onGoHome, fallback, children } = this.props;
    if (failure) {
      return fallback ? fallback(failure, this.retry) : <ScreenFailureNotice name={name} label={label} failure={failure} retry={this.retry} onGoHome={onGoHome} />;
    }
    return (
      <Fragment key={attempt}>
        <CrashProbe name={name} />
        {children}
      </Fragment>
    );
  }
}

function CrashProbe({ name }: { name: string }): null {
  if (window.__corelogCrashScreen === name) throw new Error(`The "${name}" part was made to fail for a test (window.__corelogCrashScreen).`);
  return null;
}

function loggedText(logged: boolean | null): string {
  if (logged === null) return 'Writing it to Corelog’s log…';
  return logged
    ? 'It was written to Corelog’s log, and Export diagnostics (Home screen) includes it.'
    : 'It could not be written to Corelog’s log (the background service did not answer).';
}

function ScreenFailureNotice({ name, label, failure, retry, onGoHome }: { name: string; label: string; failure: ScreenFailureInfo; retry: () => void; onGoHome?: () => void }) {
  return (
    <section className="card screen-failure" role="alert" aria-labelledby={`screen-failure-${name}-title`} data-testid={`screen-failure-${name}`}>
      <h2 id={`screen-failure-${name}-title`}>The {label} screen stopped working</h2>
      <p>
        Something inside it went wrong, so Corelog closed this screen and kept everything else running. What you logged is saved on this
        computer and keeps syncing.
      </p>
      <p className="muted" data-testid={`screen-failure-${name}-logged`}>
        {loggedText(failure.logged)}
      </p>
      <details>
        <summary>What went wrong</summary>
        <code>{failure.message}</code>
      </details>
      <div className="row">
        <button type="button" onClick={retry}>
          Try again
        </button>
        {onGoHome && (
          <button type="button" onClick={onGoHome}>
            Go to Home
          </button>
        )}
      </div>
    </section>
  );
}

/** The strip's fallback: one line saying so, with "Try again", while the engines carry on underneath. */
export function SyncStripFallback({ failure, retry }: { failure: ScreenFailureInfo; retry: () => void }) {
  return (
    <footer className="sync-strip" aria-label="Sync status" role="alert" data-testid="screen-failure-sync-strip">
      <span className="error">The sync status could not be shown. Sending carries on.</span>
      <span className="muted">{loggedText(failure.logged)}</span>
      <button type="button" onClick={retry}>
        Try again
      </button>
      <ScreenBoundary name="sync-engines" label="sync engines" fallback={() => null}>
        <SyncEngineKeeper />
      </ScreenBoundary>
    </footer>
  );
}

/** Runs the sync sources (and with them the engines) without drawing anything. */
function SyncEngineKeeper(): null {
  const sources = SYNC_SOURCES.map((useSource) => useSource()).filter((s): s is SyncSourceStatus => s !== null);
  useEffect(() => publishSyncSnapshot(sources));
  return null;
}
