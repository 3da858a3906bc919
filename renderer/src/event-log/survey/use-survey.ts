/**
 * The local copy of Dougal's plan, sequences and lines with the queued changes of this project.
 * The outbox is read by chain (`plan:<project>`, `sequence:<project>:…`), so a push of a thousand
 * events, whose items sit on other keys, does not re-run these queries.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { eventLogDb, type OutboxItem } from '../event-log-db';
import { planChainOf, type SurveyRow } from './survey-change';
import { pullSurvey } from './survey-pull';

export interface SurveyData {
  row: SurveyRow | undefined;
  planItems: OutboxItem[];
  sequenceItems: OutboxItem[];
  loaded: boolean;
}

export function useSurvey(project: string): SurveyData {
  const data = useLiveQuery(async () => {
    const [row, planItems, sequenceItems] = await Promise.all([
      eventLogDb.survey.get(project),
      eventLogDb.outbox.where('eventKey').equals(planChainOf(project)).sortBy('seq'),
      eventLogDb.outbox.where('eventKey').startsWith(`sequence:${project}:`).sortBy('seq'),
    ]);
    return { row, planItems, sequenceItems, loaded: true };
  }, [project]);
  return data ?? { row: undefined, planItems: [], sequenceItems: [], loaded: false };
}

/** "Refresh": reads Dougal's copy now; says why when it cannot. */
export function useSurveyRefresh(project: string): { refresh: () => void; busy: boolean; problem: string | null } {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const refresh = () => {
    setBusy(true);
    setProblem(null);
    pullSurvey(project)
      .catch((error: unknown) => setProblem(error instanceof Error ? error.message : String(error)))
      .finally(() => setBusy(false));
  };
  return { refresh, busy, problem };
}
