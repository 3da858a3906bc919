/**
 * Starts the photo checker (electron/services/images/decode-worker.ts) in Electron. Node's `fork()`
 * cannot start it inside the packaged app (the RunAsNode fuse is off, on purpose), so the checker
 * runs as an Electron utility process instead: a separate OS process with its own memory, which
 * the service can stop when a photo needs more than the checker's cap.
 */
import type { UtilityProcess } from 'electron';
import type { WorkerHandle, WorkerLauncher } from '../services/images/decode-worker-client';

/** The part of Electron's `utilityProcess` this needs (so tests can hand in a stand-in). */
export interface UtilityProcessModule {
  fork(modulePath: string, args?: string[], options?: { serviceName?: string; env?: NodeJS.ProcessEnv; stdio?: 'ignore' | 'inherit' | 'pipe' }): UtilityProcess;
}

export function utilityProcessLauncher(utilityProcess: UtilityProcessModule): WorkerLauncher {
  return ({ modulePath, env }) => {
    const child = utilityProcess.fork(modulePath, [], { serviceName: 'Corelog photo checker', env: { ...process.env, ...env }, stdio: 'ignore' });
    const handle: WorkerHandle = {
      get pid() {
        return child.pid;
      },
      post: (message) => void child.postMessage(message),
      onMessage: (listener) => void child.on('message', listener),
      // A utility process reports only its exit code; a kill shows as a non-zero code.
      onExit: (listener) => void child.once('exit', (code: number) => listener({ code, signal: null })),
      kill: () => void child.kill(),
    };
    return handle;
  };
}
