/**
 * The sync engine reads and deletes a batch of outbox items by key range, one range per run of
 * consecutive numbers: a range must never take in an item that is not in the batch.
 */
import { describe, expect, it } from 'vitest';
import { runsOf } from '../../../renderer/src/event-log/seq-runs';

describe('runs of queue numbers', () => {
  it('makes one run of a batch taken in a row, whatever order it comes in', () => {
    expect(runsOf([7, 5, 6, 8])).toEqual([[5, 8]]);
  });

  it('splits where an item of another event sits in between, so a range never covers it', () => {
    expect(runsOf([1, 2, 3, 5, 6, 9])).toEqual([
      [1, 3],
      [5, 6],
      [9, 9],
    ]);
  });

  it('counts a number given twice once, and gives nothing for nothing', () => {
    expect(runsOf([4, 4, 5])).toEqual([[4, 5]]);
    expect(runsOf([])).toEqual([]);
  });

  it('covers exactly the numbers given, for any set of them', () => {
    for (let trial = 0; trial < 200; trial++) {
      const seqs = [...new Set(Array.from({ length: 1 + Math.floor(Math.random() * 60) }, () => 1 + Math.floor(Math.random() * 100)))];
      const covered = runsOf(seqs).flatMap(([first, last]) => Array.from({ length: last - first + 1 }, (_, i) => first + i));
      expect(covered).toEqual([...seqs].sort((a, b) => a - b));
    }
  });
});
