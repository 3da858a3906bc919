/**
 * What the two "Check server" test files share: the emulator's admin endpoint, its request log,
 * and one check run against a clean log. Getters, because each test starts its own emulators and
 * services.
 */
import type { ServerCheckReport } from '../../../common/bridge/connection-contract';
import type { AppServices } from '../../../electron/services/app-services';

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
}

export function serverCheckHarness(system: 'imago' | 'dougal', origin: () => string, services: () => AppServices) {
  async function admin(path: string, init: { method?: string; body?: unknown } = {}): Promise<unknown> {
    const response = await fetch(`${origin()}/__admin${path}`, {
      method: init.method ?? 'GET',
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body), headers: { 'content-type': 'application/json' } }),
    });
    if (!response.ok) throw new Error(`admin ${path}: HTTP ${response.status} ${await response.text()}`);
    return response.status === 204 ? null : response.json();
  }

  async function requests(): Promise<LoggedRequest[]> {
    return ((await admin('/requests')) as { requests: LoggedRequest[] }).requests;
  }

  /** Runs the check with a clean request log and returns the report and what reached the server. */
  async function check(): Promise<{ report: ServerCheckReport; sent: LoggedRequest[] }> {
    await admin('/requests', { method: 'DELETE' });
    const report = await services().handlers.checkServer({ system });
    return { report, sent: await requests() };
  }

  return { admin, requests, check };
}

export function step(report: ServerCheckReport, id: string) {
  const found = report.steps.find((s) => s.id === id);
  if (!found) throw new Error(`no step ${id}`);
  return found;
}
