/**
 * Runs of consecutive numbers in `seqs`, as [first, last], in order (duplicates count once).
 * A batch taken from the outbox is almost always one run: reading or deleting it as a key range
 * is one request to the browser's storage instead of one per item, and those requests are what
 * a push spends most of its time on.
 */
export function runsOf(seqs: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const seq of [...seqs].sort((a, b) => a - b)) {
    const last = runs.at(-1);
    if (last && seq === last[1] + 1) last[1] = seq;
    else if (!last || seq !== last[1]) runs.push([seq, seq]);
  }
  return runs;
}
