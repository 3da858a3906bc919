import type { ConnectionStatus } from '../../../common/bridge/connection-contract';
import type { AppInfo } from '../../../common/bridge/contract';
import type { SystemId } from '../../../common/errors';
import { DiagnosticsCard } from './DiagnosticsCard';
import { ScratchNote } from './ScratchNote';
import { SystemStatusCards } from './SystemStatusCards';

export function HomeScreen({ info, connections }: { info: AppInfo | null; connections: Partial<Record<SystemId, ConnectionStatus>> }) {
  return (
    <div className="screen">
      <h1>
        {info?.name ?? 'Corelog'} <span className="muted" data-testid="home-version">{info ? `version ${info.version}` : ''}</span>
      </h1>
      <SystemStatusCards connections={connections} />
      <ScratchNote />
      <DiagnosticsCard />
    </div>
  );
}
