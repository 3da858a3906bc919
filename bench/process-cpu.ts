/**
 * CPU time of a process tree, read from /proc (Linux): where a benchmark's time goes when the
 * work is spread over processes (the services in this one, Chromium's processes under it).
 * Elsewhere it answers null and the benchmarks print no breakdown.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux Corelog's benchmarks run on

function statOf(pid: number): { ppid: number; cpuMs: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields are counted after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
    return { ppid: Number(fields[1]), cpuMs: (ticks * 1000) / TICKS_PER_SECOND };
  } catch {
    return null; // gone meanwhile
  }
}

/** What a process is, for the breakdown: Chromium's `--type` (and utility sub-type), else its program. */
function kindOf(pid: number): string {
  try {
    // Chromium rewrites its argument area as one space-separated title: search the whole text.
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    const type = /--type=(\S+)/.exec(args)?.[1];
    if (!type) return args.split(' ')[0]?.split('/').at(-1) ?? '?';
    const sub = /--utility-sub-type=\S*?(\w+)\.mojom\./.exec(args)?.[1];
    return sub ? `${type}:${sub}` : type;
  } catch {
    return '?';
  }
}

/**
 * CPU milliseconds used so far by every live descendant of `root` (not `root` itself), skipping
 * the subtrees of `exclude`, in total and by kind of process (kindOf).
 */
export function descendantsCpu(root: number, exclude: ReadonlySet<number> = new Set()): { total: number; byKind: Map<string, number> } | null {
  let pids: number[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  } catch {
    return null;
  }
  const stats = new Map<number, { ppid: number; cpuMs: number }>();
  for (const pid of pids) {
    const stat = statOf(pid);
    if (stat) stats.set(pid, stat);
  }
  const under = (pid: number): boolean => {
    for (let p = stats.get(pid)?.ppid; p !== undefined && p > 0; p = stats.get(p)?.ppid) {
      if (exclude.has(p)) return false;
      if (p === root) return true;
    }
    return false;
  };
  let total = 0;
  const byKind = new Map<string, number>();
  for (const [pid, stat] of stats) {
    if (exclude.has(pid) || !under(pid)) continue;
    total += stat.cpuMs;
    const kind = kindOf(pid);
    byKind.set(kind, (byKind.get(kind) ?? 0) + stat.cpuMs);
  }
  return { total, byKind };
}

/** This process's own CPU milliseconds (user + system). */
export const ownCpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
