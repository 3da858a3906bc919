/**
 * Always visible at the bottom of the window: per system, reachable or not, how much is waiting,
 * when the last sync succeeded, the latest failure, a failure that keeps repeating ("needs
 * attention", in plain words) and "Retry now", which sends everything waiting, failed items
 * included. "Outbox" opens the list of every queued item.
 */
import { useEffect, useState } from 'react';
import type { ConnectionStatus } from '../../../common/bridge/connection-contract';
import type { SystemId } from '../../../common/errors';
import { formatDateTime, formatRelative } from '../app/time-format';
import { SYSTEM_LABELS } from '../connections/use-connections';
import type { SyncSourceStatus } from './sync-source';
import { useSyncNotifications } from './sync-notifications';
import { publishSyncSnapshot } from './sync-snapshot';
import { SYNC_SOURCES } from './sync-sources';
import { SampleMark } from '../first-run/SampleMark';
import { displayText } from '../../../common/display-text';
import { MESSAGE_CHARACTERS } from '../app/ErrorNotice';

/**
 * A failure or an item's name as the strip and the outbox show it: they quote what a server said,
 * so by the one display rule (an override in it cannot turn the words after it around) and cut.
 */
function shown(text: unknown): string {
  return displayText(text, { maxCharacters: MESSAGE_CHARACTERS });
}

export function SyncStatusStrip({ connections }: { connections: Partial<Record<SystemId, ConnectionStatus>> }) {
  const sources = SYNC_SOURCES.map((useSource) => useSource()).filter((s): s is SyncSourceStatus => s !== null);
  const [panelOpen, setPanelOpen] = useState(false);
  useEffect(() => publishSyncSnapshot(sources));
  useSyncNotifications(sources);
  return (
    <footer className="sync-strip" aria-label="Sync status">
      <SampleMark place="strip" />
      {(['imago', 'dougal'] as const).map((system) => {
        const status = connections[system];
        const mine = sources.filter((s) => s.system === system);
        const pending = mine.reduce((n, s) => n + s.pending, 0);
        const problems = mine.reduce((n, s) => n + s.failed + s.conflicts + (s.attention ?? 0), 0);
        const lastSuccess = mine.map((s) => s.lastSuccessAt).filter(Boolean).sort().at(-1) ?? null;
        const error = mine.find((s) => s.lastError)?.lastError ?? null;
        const attention = mine.find((s) => s.attentionSummary)?.attentionSummary ?? null;
        return (
          <div key={system} className={`sync-system reach-${status?.reachability ?? 'unknown'}`} data-testid={`sync-${system}`}>
            <span className="dot" aria-hidden="true" />
            <strong>{SYSTEM_LABELS[system]}</strong>
            <span data-testid={`sync-${system}-reach`}>{status?.reachability === 'reachable' ? 'online' : status?.reachability === 'unreachable' ? 'offline' : '…'}</span>
            <span data-testid={`sync-${system}-pending`}>{pending} pending</span>
            {problems > 0 && (
              <span className="error" data-testid={`sync-${system}-problems`}>
                {problems} need attention
              </span>
            )}
            <span className="muted" title={lastSuccess ? formatDateTime(lastSuccess) : undefined}>
              {lastSuccess ? `synced ${formatRelative(lastSuccess)}` : 'not synced yet'}
            </span>
            {attention ? (
              <span className="error sync-error" role="alert" title={shown(attention)} data-testid={`sync-${system}-attention`}>
                {shown(attention)}
              </span>
            ) : (
              error && (
                <span className="error sync-error" role="alert" data-testid={`sync-${system}-error`}>
                  {shown(error.message)}
                </span>
              )
            )}
            {mine.length > 0 && (
              <button type="button" onClick={() => mine.forEach((s) => s.retryNow())} data-testid={`sync-${system}-retry`}>
                Retry now
              </button>
            )}
          </div>
        );
      })}
      <button type="button" className="outbox-toggle" aria-expanded={panelOpen} onClick={() => setPanelOpen((o) => !o)}>
        Outbox ({sources.reduce((n, s) => n + s.pending + s.failed + s.conflicts, 0)})
      </button>
      {panelOpen && <OutboxPanel sources={sources} onClose={() => setPanelOpen(false)} />}
    </footer>
  );
}

function OutboxPanel({ sources, onClose }: { sources: SyncSourceStatus[]; onClose: () => void }) {
  return (
    <section className="outbox-panel card" role="dialog" aria-label="Outbox" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <header className="row">
        <h2>Outbox</h2>
        <button type="button" onClick={onClose} autoFocus>
          Close
        </button>
      </header>
      {sources.length === 0 && <p className="muted">Nothing syncs yet.</p>}
      {sources.map((source) => (
        <div key={source.id}>
          <h3>
            {source.label} <span className="muted">({SYSTEM_LABELS[source.system]})</span>
            {!source.engineActive && <span className="muted"> · synced by another Corelog window</span>}
          </h3>
          {source.items.length === 0 ? (
            <p className="muted">Nothing waiting.</p>
          ) : (
            <table className="outbox-table">
              <thead>
                <tr>
                  <th>Item</th>
                  <th>State</th>
                  <th>Tries</th>
                  <th>Next try</th>
                  <th>Last error</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {source.items.map((item) => (
                  <tr key={item.id} data-state={item.state} data-attention={item.attention ? 'yes' : undefined}>
                    <td>{shown(item.label)}</td>
                    <td>{item.attention ? 'needs attention' : item.state}</td>
                    <td>{item.attempts}</td>
                    <td>{item.nextAttemptAt ? formatRelative(item.nextAttemptAt) : ''}</td>
                    <td className="error">{shown(item.attention ?? item.lastError?.message ?? '')}</td>
                    <td>
                      {item.state === 'failed' && source.retryItem && (
                        <button type="button" onClick={() => source.retryItem!(item.id)}>
                          Retry
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ))}
    </section>
  );
}
