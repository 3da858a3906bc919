/**
 * One system's "Check server": the last report of this run (main keeps it), the steps of a check
 * under way (pushed by main as they start and end), running one, and copying a report.
 */
import { useEffect, useState } from 'react';
import type { ServerCheckReport, ServerCheckStep } from '../../../common/bridge/connection-contract';
import type { BridgeError, SystemId } from '../../../common/errors';
import { bridge } from '../bridge/bridge';

export interface ServerCheckState {
  report: ServerCheckReport | null;
  /** The steps of the check under way, else null. */
  progress: ServerCheckStep[] | null;
  running: boolean;
  error: BridgeError | null;
  run(): Promise<void>;
}

export function useServerCheck(system: SystemId): ServerCheckState {
  const [report, setReport] = useState<ServerCheckReport | null>(null);
  const [progress, setProgress] = useState<ServerCheckStep[] | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<BridgeError | null>(null);

  useEffect(() => {
    let alive = true;
    const unsubscribe = bridge.on('serverCheckProgress', (event) => {
      if (alive && event.system === system) setProgress(event.steps);
    });
    void bridge.getServerCheck({ system }).then((result) => {
      if (alive && result.ok && result.value) setReport((current) => current ?? result.value);
    });
    return () => {
      alive = false;
      unsubscribe();
    };
  }, [system]);

  const run = async () => {
    setRunning(true);
    setError(null);
    setProgress(null);
    const result = await bridge.checkServer({ system });
    setRunning(false);
    setProgress(null);
    if (result.ok) setReport(result.value);
    else setError(result.error);
  };

  return { report, progress: running ? progress : null, running, error, run };
}

/** Copies text to the clipboard; falls back to a selected text area where the clipboard API is refused. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Electron refuses clipboard permissions app-wide; a user-initiated copy command still works.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}
