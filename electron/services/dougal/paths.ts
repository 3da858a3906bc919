/**
 * Where each Dougal operation lives. Most path strings are guesses (reference §6: the operations
 * are documented, the strings mostly not), so every one can be overridden per installation.
 * Templates use `{name}` placeholders, filled with URL-encoded values.
 */
export interface DougalPaths {
  login: string;
  logout: string;
  /** A cheap authenticated GET used to check that the server answers at all. */
  probe: string;
  projects: string;
  projectSummary: string;
  labels: string;
  lines: string;
  sequences: string;
  sequence: string;
  plan: string;
  planItem: string;
  events: string;
  event: string;
  /** Without a `{since}` placeholder the timestamp is sent as query parameter `since`. */
  eventChanges: string;
  eventHistory: string;
  qcResults: string;
  qcAccept: string;
  qcUnaccept: string;
}

export const DEFAULT_DOUGAL_PATHS: DougalPaths = {
  login: '/login',
  logout: '/logout',
  probe: '/project',
  projects: '/project',
  projectSummary: '/project/{project}/summary',
  labels: '/project/{project}/label',
  lines: '/project/{project}/line',
  sequences: '/project/{project}/sequence',
  sequence: '/project/{project}/sequence/{sequence}',
  plan: '/project/{project}/plan',
  planItem: '/project/{project}/plan/{sequence}',
  events: '/project/{project}/event',
  event: '/project/{project}/event/{id}',
  eventChanges: '/project/{project}/event/changes/{since}',
  eventHistory: '/project/{project}/event/{id}/history',
  qcResults: '/project/{project}/qc/results',
  qcAccept: '/project/{project}/qc/results/accept',
  qcUnaccept: '/project/{project}/qc/results/unaccept',
};

/** Query parameter names that are guesses too (pagination, projection, the meta filter). */
export interface DougalQueryNames {
  offset: string;
  limit: string;
  unique: string;
  /** Prefix of an event-list filter on a `meta` attribute, e.g. `meta.corelog_key=…` (emulator guess). */
  metaFilterPrefix: string;
}

export const DEFAULT_DOUGAL_QUERY_NAMES: DougalQueryNames = {
  offset: 'offset',
  limit: 'limit',
  unique: 'unique',
  metaFilterPrefix: 'meta.',
};

/** Fills `{name}` placeholders; a placeholder without a value is a programming error. */
export function fillPath(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`Dougal path ${template} needs a value for {${name}}`);
    return encodeURIComponent(String(value));
  });
}
