/**
 * One plan change reaching main twice at once: a window killed (or whose socket to main dropped)
 * while main was still sending it comes back and sends it again (a retry: `lookupFirst`), the
 * first copy still on its way. Real HTTP to the Dougal emulator, slowed down so both copies are
 * in flight together.
 *
 * Side by side, a renumber's second copy read the entry under its old number, then its PATCH met
 * the first copy's renumber: 404, refused as "went from Dougal's plan", and the change sat in
 * "needs attention" although Dougal held exactly what the user asked for. In turn, the second
 * copy finds the entry already renumbered and is done.
 */
import { expect, it } from 'vitest';
import type { BridgeHandlers } from '../../../common/bridge/contract';
import type { ServiceContext } from '../../../electron/services/app-services';
import { createSurveyModule } from '../../../electron/services/event-log/survey-handlers';
import { clientFor, PID, startDougal } from './harness';

const LATENCY_MS = 250;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function slowPlan() {
  const dougal = await startDougal();
  const survey = createSurveyModule({ clients: { dougal: () => clientFor(dougal) } } as unknown as ServiceContext).handlers as Pick<BridgeHandlers, 'surveyPlanEdit' | 'surveyPlanRemove' | 'surveyPlanAdd'>;
  dougal.server.faults = { ...dougal.server.faults, latencyMs: LATENCY_MS };
  return { dougal, survey };
}

/** Both copies' outcomes, the second sent while the first is on its way. */
async function twiceAtOnce<T>(send: () => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  const first = send();
  await sleep(LATENCY_MS / 2);
  return Promise.allSettled([first, send()]);
}

it('a renumber sent again while its first copy is on its way is done once, without a refusal', async () => {
  const { dougal, survey } = await slowPlan();
  const line = dougal.project().plan.find((p) => p.sequence === 31)!.line;
  const outcomes = await twiceAtOnce(() => survey.surveyPlanEdit({ project: PID, sequence: 31, to: 61, changes: { remarks: 'moved' }, base: { remarks: '', line }, lookupFirst: true }));
  expect(outcomes.map((o) => (o.status === 'fulfilled' ? { sequence: o.value.entry?.sequence, remarks: o.value.entry?.remarks } : String(o.reason)))).toEqual([
    { sequence: 61, remarks: 'moved' },
    { sequence: 61, remarks: 'moved' },
  ]);
  expect(dougal.project().plan.filter((p) => p.line === line).map((p) => [p.sequence, p.remarks])).toEqual([[61, 'moved']]);
});

it('an add sent again while its first copy is on its way adds one entry', async () => {
  const { dougal, survey } = await slowPlan();
  const fields = { line: 1005, fsp: 1100, lsp: 1500, ts0: '2024-06-12T00:00:00.000Z', ts1: '2024-06-12T01:30:00.000Z', name: 'Infill 1005', remarks: '' };
  const outcomes = await twiceAtOnce(() => survey.surveyPlanAdd({ project: PID, clientKey: 'twice-at-once-add-0001', sequence: 70, fields, lookupFirst: true }));
  expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value.entry?.sequence : String(o.reason)))).toEqual([70, 70]);
  expect(dougal.project().plan.filter((p) => p.line === 1005).map((p) => p.sequence)).toEqual([70]);
});

it('a removal sent again while its first copy is on its way is done', async () => {
  const { dougal, survey } = await slowPlan();
  const line = dougal.project().plan.find((p) => p.sequence === 32)!.line;
  const outcomes = await twiceAtOnce(() => survey.surveyPlanRemove({ project: PID, sequence: 32, base: { line } }));
  expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled']);
  expect(dougal.project().plan.filter((p) => p.line === line)).toEqual([]);
});
