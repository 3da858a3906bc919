/**
 * The Dougal emulator in a process of its own, for the push benchmark: a real Dougal is a server
 * elsewhere, not code sharing a thread with the client it serves. With the emulator in the
 * benchmark's own process, every millisecond of either side's work queued behind the other's,
 * which measured the two added up rather than the client. Answers a few questions over IPC
 * (how many events, the events after a point, take events out again, the request log, how long
 * each answer waits).
 *
 * usage: node --import tsx dougal-emulator-child.ts   (prints its base URL as the first IPC message)
 */
import { createDougalEmulator } from '../../emulators/dougal/index';

export type EmulatorQuestion =
  | { id: number; ask: 'count'; project: string }
  | { id: number; ask: 'events-after'; project: string; from: number }
  | { id: number; ask: 'truncate'; project: string; to: number }
  | { id: number; ask: 'log-seq' }
  | { id: number; ask: 'cpu' }
  | { id: number; ask: 'requests-after'; seq: number }
  | { id: number; ask: 'latency'; ms: number };

const send = (message: unknown) => process.send?.(message);
const dougal = await createDougalEmulator({});
await dougal.server.listen(0);
send({ ready: dougal.server.baseUrl });

process.on('message', (question: EmulatorQuestion) => {
  let answer: unknown;
  switch (question.ask) {
    case 'count':
      answer = dougal.project(question.project).events.length;
      break;
    case 'events-after':
      answer = dougal.project(question.project).events.slice(question.from);
      break;
    case 'truncate':
      dougal.project(question.project).events.splice(question.to);
      answer = true;
      break;
    case 'cpu': {
      const { user, system } = process.cpuUsage();
      answer = (user + system) / 1000;
      break;
    }
    case 'log-seq':
      answer = dougal.server.log.lastSeq;
      break;
    case 'latency':
      dougal.server.faults = { ...dougal.server.faults, latencyMs: question.ms };
      answer = true;
      break;
    case 'requests-after':
      answer = dougal.server.log.list(question.seq).map((r) => ({ method: r.method, path: r.path, status: r.status }));
      break;
  }
  send({ id: question.id, answer });
});
process.on('disconnect', () => void dougal.close().then(() => process.exit(0)));
