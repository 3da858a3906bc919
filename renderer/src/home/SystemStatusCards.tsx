import type { ConnectionStatus } from '../../../common/bridge/connection-contract';
import type { SystemId } from '../../../common/errors';
import { describeReachability, describeSession, SYSTEM_LABELS } from '../connections/use-connections';

/** One line per system: can we reach it, and are we signed in. */
export function SystemStatusCards({ connections }: { connections: Partial<Record<SystemId, ConnectionStatus>> }) {
  return (
    <section className="card" aria-labelledby="systems-title">
      <h2 id="systems-title">Systems</h2>
      <ul className="system-list">
        {(['imago', 'dougal'] as const).map((system) => {
          const status = connections[system];
          return (
            <li key={system} data-testid={`system-${system}`} className={`system reach-${status?.reachability ?? 'unknown'}`}>
              <span className="dot" aria-hidden="true" />
              <strong>{SYSTEM_LABELS[system]}</strong>
              <span className="reach" data-testid={`reach-${system}`}>{describeReachability(status)}</span>
              <span className="session">{describeSession(status)}</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
