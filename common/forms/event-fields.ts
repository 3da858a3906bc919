/**
 * The rule an event's timing follows, for the entry line, the edit form and the bridge alike:
 * Dougal places an event by its time, or by sequence and shot point (and fills the time in
 * from the shot).
 */

export interface EventTiming {
  tstamp: string | null;
  sequence: number | null;
  point: number | null;
}

/** Why an event cannot be placed in time, or null. */
export function eventTimingProblem(event: EventTiming): string | null {
  if (event.point !== null && event.sequence === null) return 'A shot point needs its sequence.';
  if (event.tstamp === null && (event.sequence === null || event.point === null)) return 'An event needs a time, or a sequence and shot point.';
  return null;
}
