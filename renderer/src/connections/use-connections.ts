/** Live connection status of both systems, from the bridge (first a fetch, then pushed events). */
import { useEffect, useState } from 'react';
import type { ConnectionStatus, CredentialStorageInfo } from '../../../common/bridge/connection-contract';
import type { BridgeError, SystemId } from '../../../common/errors';
import { bridge } from '../bridge/bridge';

export interface ConnectionsState {
  connections: Partial<Record<SystemId, ConnectionStatus>>;
  credentialStorage: CredentialStorageInfo | null;
  loadError: BridgeError | null;
}

export function useConnections(): ConnectionsState & { apply: (status: ConnectionStatus) => void } {
  const [state, setState] = useState<ConnectionsState>({ connections: {}, credentialStorage: null, loadError: null });
  const apply = (status: ConnectionStatus) => setState((s) => ({ ...s, connections: { ...s.connections, [status.system]: status } }));

  useEffect(() => {
    let alive = true;
    const unsubscribe = bridge.on('connectionChanged', (status) => alive && apply(status));
    void bridge.getConnections().then((result) => {
      if (!alive) return;
      if (result.ok) {
        setState({
          connections: Object.fromEntries(result.value.connections.map((c) => [c.system, c])),
          credentialStorage: result.value.credentialStorage,
          loadError: null,
        });
      } else {
        setState((s) => ({ ...s, loadError: result.error }));
      }
    });
    return () => {
      alive = false;
      unsubscribe();
    };
  }, []);

  return { ...state, apply };
}

export const SYSTEM_LABELS: Record<SystemId, string> = { imago: 'Imago', dougal: 'Dougal' };

export function describeReachability(status: ConnectionStatus | undefined): string {
  if (!status) return 'Checking…';
  switch (status.reachability) {
    case 'reachable':
      return 'Reachable';
    case 'unreachable':
      return 'Unreachable';
    default:
      return 'Not checked yet';
  }
}

export function describeSession(status: ConnectionStatus | undefined): string {
  if (!status) return '';
  if (status.session === 'implicit') return `Signed in by network${status.role ? ` (${status.role})` : ''}`;
  if (status.session === 'signed-in') return `Signed in as ${status.user ?? 'unknown'}${status.role ? ` (${status.role})` : ''}`;
  // Main still holds a usable login and retries by itself: nothing for the user to do yet.
  if (status.credentialAvailable) return 'Signed out — signing in again by itself';
  return 'Signed out';
}
