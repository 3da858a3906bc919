/**
 * "Export diagnostics": logs, versions, settings and an outbox summary written to a folder for
 * support, never passwords or tokens. Also reachable from the Help menu (Ctrl+Shift+D).
 */
import { useState } from 'react';
import type { BridgeError } from '../../../common/errors';
import { bridge } from '../bridge/bridge';
import { ErrorNotice } from '../app/ErrorNotice';
import { outboxSummary } from '../sync/sync-snapshot';

export async function exportDiagnostics(): Promise<{ folder: string } | { error: BridgeError } | null> {
  const result = await bridge.exportDiagnostics({ outbox: outboxSummary(), askWhere: true });
  if (result.ok) return { folder: result.value.folder };
  return result.error.kind === 'cancelled' ? null : { error: result.error };
}

export function DiagnosticsCard() {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ folder: string } | { error: BridgeError } | null>(null);
  return (
    <section className="card" aria-labelledby="diagnostics-title">
      <h2 id="diagnostics-title">Diagnostics</h2>
      <p className="hint">For support: recent logs, versions, settings and a summary of what is waiting to sync. Never passwords or tokens.</p>
      <button
        type="button"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setOutcome(await exportDiagnostics());
          setBusy(false);
        }}
      >
        {busy ? 'Exporting…' : 'Export diagnostics…'}
      </button>
      {outcome && 'folder' in outcome && (
        <p role="status" data-testid="diagnostics-folder">
          Written to <code>{outcome.folder}</code>. Zip that folder to send it.
        </p>
      )}
      {outcome && 'error' in outcome && <ErrorNotice error={outcome.error} />}
    </section>
  );
}
