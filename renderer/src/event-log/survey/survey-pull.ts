/**
 * Reads Dougal's plan, sequences, preplot lines and project counts into the local copy (with the
 * event log's reference data, and on "Refresh"). A part Dougal cannot give keeps what this
 * computer had of it. Queued changes are not touched: they stay in the outbox and are laid over
 * whatever this read brings.
 */
import { SURVEY_PARTS } from '../../../../common/bridge/survey-contract';
import { bridge } from '../../bridge/bridge';
import { eventLogDb } from '../event-log-db';
import { unwrap } from '../unwrap';
import type { SurveyRow } from './survey-change';

const db = eventLogDb;
let writes = 0;

/** A change of ours reached Dougal and its answer went into the local copy (survey-push.ts). */
export function noteSurveyWrite(): void {
  writes += 1;
}

export async function pullSurvey(project: string): Promise<void> {
  const writesBefore = writes;
  const read = unwrap(await bridge.surveyRead({ project }));
  await db.transaction('rw', db.survey, async () => {
    const cached = await db.survey.get(project);
    // One of our changes landed while this read was on its way: this read may predate it, and the
    // local copy already holds Dougal's answer. The next read brings both.
    if (cached && writes !== writesBefore) return;
    const row: SurveyRow = { project, ...read, fetchedAt: new Date().toISOString() };
    for (const part of SURVEY_PARTS) {
      if (read.unavailable.includes(part) && cached) (row as unknown as Record<string, unknown>)[part] = cached[part];
    }
    await db.survey.put(row);
  });
}
