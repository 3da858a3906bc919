/**
 * Pushing queued creates to the Dougal emulator (issue 13 §5), in Debian Chromium against browser
 * mode: 1,000 and 10,000 creates waiting in the outbox, from signing in until the outbox is empty,
 * against a baseline of the same POSTs (the same bodies, read back from the emulator) sent straight
 * from Node with fetch, four at a time like the engine (target: at most 1.25 times the baseline).
 *
 * Fair to both sides: the emulator's cost per POST grows with the events it holds, so the events
 * the engine logged are taken out again before the baseline sends its own (and those after it):
 * both start from the same emulator state. The emulator runs in a process of its own, as a real
 * Dougal is a server elsewhere (dougal-emulator-child.ts): in this process every millisecond of the
 * server's work and the client's queued behind each other on one thread, for the engine and the
 * baseline alike. The end of the push is watched through the emulator's event count before the
 * page's outbox is counted, so the watching costs next to nothing while it pushes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { below, round, type BenchContext, type BenchRow, type BenchSuite } from '../bench-harness';
import { openApp, startBrowserStack, stopBrowserStack, UNREACHABLE, type BrowserStack } from '../browser-stack';
import type { EmulatorQuestion } from './dougal-emulator-child';
import { newAppPage, PROJECT, seedEvents } from './event-log.bench';

type EventInstance = { id: number; tstamp: string; sequence: number | null; point: number | null; remarks: string; labels: string[]; meta?: { corelog_key?: string } };

/** The Dougal emulator in its child process, asked over IPC. */
interface DougalChild {
  baseUrl: string;
  ask<T>(question: Question): Promise<T>;
  close(): Promise<void>;
}

async function startDougalChild(): Promise<DougalChild> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./dougal-emulator-child.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<number, (answer: unknown) => void>();
  let nextId = 1;
  const baseUrl = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the Dougal emulator process exited with ${code}`)));
    child.on('message', (message: { ready?: string; id?: number; answer?: unknown }) => {
      if (message.ready) resolve(message.ready);
      else if (message.id !== undefined) {
        waiting.get(message.id)?.(message.answer);
        waiting.delete(message.id);
      }
    });
  });
  return {
    baseUrl,
    ask: <T>(question: Question) =>
      new Promise<T>((resolve) => {
        const id = nextId++;
        waiting.set(id, resolve as (answer: unknown) => void);
        child.send({ ...question, id });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}

type Stack = BrowserStack & { dougal: DougalChild };
/** A question without its id (one per member of the union). */
type Question = EmulatorQuestion extends infer Q ? (Q extends unknown ? Omit<Q, 'id'> : never) : never;

/** The sync engine keeps up to four requests in flight (PUSH_LANES, and main's write lanes); the baseline does the same. */
const BASELINE_LANES = 4;
const TARGET_RATIO = 1.25;
const POLL_MS = 25;

async function until(what: string, deadline: number, done: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what}: not done in time`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function benchPush(stack: Stack, context: BenchContext, count: number): Promise<BenchRow> {
  const { dougal } = stack;
  const heldBefore = await dougal.ask<number>({ ask: 'count', project: PROJECT });
  const page: Page = await newAppPage(stack as never);
  await openApp(page, stack.server.url);
  await seedEvents(page, count, true);
  await openApp(page, stack.server.url); // engine starts with the queue in place, signed out: nothing moves yet
  const outboxCount = () =>
    page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open('corelog-eventlog');
          open.onsuccess = () => {
            const request = open.result.transaction('outbox').objectStore('outbox').count();
            request.onsuccess = () => {
              resolve(request.result);
              open.result.close();
            };
          };
          open.onerror = () => reject(open.error);
        }),
    );
  if ((await outboxCount()) !== count) throw new Error('the outbox was not seeded');
  const deadline = Date.now() + 15 * 60_000;
  // The clock starts once signed in, as the baseline's starts after its login: from then on the
  // engine's own time counts (noticing the sign-in, reading the queue, every batch).
  const s0 = Date.now();
  await stack.services.connections.signIn('dougal', { username: 'demo', password: 'demo' }, false);
  const t0 = Date.now();
  await until('every create reaching the emulator', deadline, async () => (await dougal.ask<number>({ ask: 'count', project: PROJECT })) - heldBefore >= count);
  await until('the outbox emptying', deadline, async () => (await outboxCount()) === 0);
  const engineMs = Date.now() - t0;
  // Exactly once: one event per client key (a create sent twice would be a second event with its
  // key). The first version of each is the one POSTed (a label taken away later adds versions).
  const first = new Map<number, EventInstance>();
  for (const e of await dougal.ask<EventInstance[]>({ ask: 'events-after', project: PROJECT, from: heldBefore })) if (!first.has(e.id)) first.set(e.id, e);
  const firstVersions = [...first.values()];
  const keys = new Set(firstVersions.map((e) => e.meta?.corelog_key));
  context.log(`engine: ${count.toLocaleString('en-US')} creates in ${engineMs} ms after signing in (sign-in ${t0 - s0} ms; the emulator holds ${firstVersions.length} new events, ${keys.size} distinct keys)`);
  if (firstVersions.length !== count || keys.size !== count) throw new Error(`expected ${count} new events, one per key; the emulator holds ${firstVersions.length} with ${keys.size} distinct keys`);
  const bodies = firstVersions.map((e, i) => JSON.stringify({ tstamp: e.tstamp, sequence: e.sequence, point: e.point, remarks: e.remarks, labels: e.labels, meta: { corelog_key: `baseline${i}` } }));
  await page.close();
  await dougal.ask({ ask: 'truncate', project: PROJECT, to: heldBefore }); // the baseline starts from the state the engine started from

  const login = await fetch(`${dougal.baseUrl}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'demo', password: 'demo' }) });
  const token = /JWT=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
  if (!token) throw new Error('baseline login failed');
  const b0 = Date.now();
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < count; i = next++) {
      const response = await fetch(`${dougal.baseUrl}/project/${PROJECT}/event`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, accept: 'application/json' },
        body: bodies[i],
      });
      await response.arrayBuffer();
      if (response.status !== 201) throw new Error(`baseline POST answered ${response.status}`);
    }
  };
  await Promise.all(Array.from({ length: BASELINE_LANES }, lane));
  const baselineMs = Date.now() - b0;
  await dougal.ask({ ask: 'truncate', project: PROJECT, to: heldBefore });
  const ratio = engineMs / baselineMs;
  context.log(`baseline: ${count.toLocaleString('en-US')} POSTs in ${baselineMs} ms; ratio ${round(ratio)}`);
  const row = below(`event log: push ${count.toLocaleString('en-US')} outbox creates`, engineMs / 1000, 's', Infinity, { baseline: round(baselineMs / 1000), ratio: round(ratio) });
  return { ...row, target: `ratio ≤ ${TARGET_RATIO}`, pass: ratio <= TARGET_RATIO };
}

const suite: BenchSuite = {
  name: 'event-log-push',
  async run(context) {
    const dougal = await startDougalChild();
    const stack: Stack = { dougal, ...(await startBrowserStack('eventlog-push', { imago: UNREACHABLE.imago, dougal: dougal.baseUrl })) };
    try {
      for (const count of context.smoke ? [20] : [1_000, 10_000]) context.record(await benchPush(stack, context, count));
    } finally {
      await stopBrowserStack(stack);
      await dougal.close();
    }
  },
};

export default suite;
