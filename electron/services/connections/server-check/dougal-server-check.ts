/**
 * "Check server" for Dougal: reads the calls Corelog depends on once, raw, to say how this Dougal
 * answers (its API document, the session cookie, label and event shapes, whether paging and the
 * changes endpoint exist), then lets Corelog's own client read through them with the
 * connection's paths and parameter names.
 *
 * It never writes. The only request that is not a GET is `POST /login` (or none, with network
 * login), without which nothing can be read. It does not log out: logout is a POST, and Dougal
 * keeps no session to end anyway. A fresh JWT cookie on any reply is taken at once, as the client
 * does, so a rotating server never sees a replaced token from the check.
 */
import { randomUUID } from 'node:crypto';
import type { ServerCheckReport, ServerCheckStep } from '../../../../common/bridge/connection-contract';
import { CorelogError } from '../../../../common/errors';
import type { StoredLogin } from '../../credentials/credential-vault';
import { DougalClient } from '../../dougal/dougal-client';
import { DEFAULT_DOUGAL_PATHS, DEFAULT_DOUGAL_QUERY_NAMES, fillPath, type DougalPaths, type DougalQueryNames } from '../../dougal/paths';
import { decodeJwtClaims, jwtCookieOf } from '../../dougal/session';
import { apiSettingLabel, type DougalApiSettings } from '../connection-settings';
import { CheckHttp, describeJson, type QueryValue } from './check-http';
import { CheckRun, type StepContext, type StepOutcome } from './check-report';
import { AbsentValueSurvey, describeDuration, describeErrorReply } from './reply-shapes';

export interface DougalCheckOptions {
  serverUrl: string;
  api: DougalApiSettings;
  /** The stored login; without one the check tries the network (implicit) login when `implicit`. */
  login: StoredLogin | null;
  implicit: boolean;
  onProgress?: (steps: ServerCheckStep[]) => void;
  requestTimeoutMs?: number;
  stepTimeoutMs?: number;
  now?: () => number;
}

const PLAN = [
  { id: 'root', title: 'API document (GET /)' },
  { id: 'login', title: 'Sign in (POST /login)' },
  { id: 'projects', title: 'Project list' },
  { id: 'labels', title: 'Label list' },
  { id: 'events', title: 'Event list and paging (limit 1, limit 2, offset 1)' },
  { id: 'changes', title: 'Event changes endpoint' },
  { id: 'history', title: 'Event history' },
  { id: 'meta-filter', title: 'Meta filter on the event list (duplicate check)' },
  { id: 'qc', title: 'QC results' },
  { id: 'errors', title: 'Error replies (a harmless 404)' },
  { id: 'cookie', title: 'Session cookie during the check' },
  { id: 'client', title: 'Corelog’s own client, with this connection’s settings' },
];

/** Attributes Corelog knows on an event; anything else is the server's own, kept through edits. */
const KNOWN_EVENT_ATTRIBUTES = new Set(['id', 'uid', 'tstamp', 'sequence', 'point', 'remarks', 'labels', 'meta', 'geometry', 'readonly', 'has_edits', 'edited', 'validity']);
const records = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => Boolean(v) && typeof v === 'object') : []);
const DAY_MS = 86_400_000;

export async function runDougalServerCheck(options: DougalCheckOptions): Promise<ServerCheckReport> {
  const now = options.now ?? Date.now;
  const paths: DougalPaths = { ...DEFAULT_DOUGAL_PATHS, ...options.api.paths };
  const query: DougalQueryNames = { ...DEFAULT_DOUGAL_QUERY_NAMES, ...options.api.query };
  const lookup = options.api.idempotency?.lookup ?? 'changes';
  const label = (key: string) => apiSettingLabel('dougal', key);
  const run = new CheckRun({ system: 'dougal', serverUrl: options.serverUrl, plan: PLAN, now, ...(options.onProgress ? { onProgress: options.onProgress } : {}), ...(options.stepTimeoutMs ? { stepTimeoutMs: options.stepTimeoutMs } : {}) });

  // What the steps learn, for the later ones. The session, as the client keeps it: whichever JWT cookie arrived last.
  const seen: { token: string | null; expiresMs: number | null; unreachable: string | null; project: string | null; firstEventId: number | null; changesAvailable: boolean | null } = {
    token: null,
    expiresMs: null,
    unreachable: null,
    project: null,
    firstEventId: null,
    changesAvailable: null,
  };
  const cookies = { replies: 0, fresh: 0, expired: 0 };
  let counting = false;
  const http = new CheckHttp({
    system: 'dougal',
    baseUrl: options.serverUrl,
    timeoutMs: options.requestTimeoutMs ?? 15_000,
    now,
    onCall: (call) => run.recordCall(call),
    onReply: ({ setCookies }) => {
      if (counting) cookies.replies += 1;
      const cookie = jwtCookieOf(setCookies, now());
      if (!cookie) return;
      if (!cookie.value || (cookie.expiresMs !== null && cookie.expiresMs <= now())) {
        if (counting) cookies.expired += 1;
        return;
      }
      if (counting && cookie.value !== seen.token) cookies.fresh += 1;
      seen.token = cookie.value;
      seen.expiresMs = cookie.expiresMs;
    },
  });
  const survey = new AbsentValueSurvey();

  const read = (path: string, q: Record<string, QueryValue>, context: StepContext, accept?: string) =>
    http.get(path, q, { ...(seen.token ? { authorization: `Bearer ${seen.token}` } : {}), ...(accept ? { accept } : {}) }, context.signal);
  const authed = async (id: string, needs: string | null, work: (context: StepContext) => Promise<StepOutcome>) => {
    if (seen.unreachable) return run.skip(id, seen.unreachable);
    if (!seen.token) return run.skip(id, 'Not tried: it needs a session (see the sign-in step).');
    if (needs) return run.skip(id, needs);
    return run.step(id, work);
  };
  const fill = (name: keyof DougalPaths, values: Record<string, string | number>) => fillPath(paths[name], values);

  await run.step('root', async (context) => {
    let reply;
    try {
      reply = await http.get('/', {}, { accept: 'application/json' }, context.signal);
    } catch (error) {
      seen.unreachable = 'Not tried: Dougal could not be reached.';
      throw error;
    }
    if (reply.status === 404) return { state: 'noted', summary: 'No API document at the base address (404). Corelog does not need it; check that the address ends with the API path (…/api).' };
    if (reply.status !== 200) return { state: 'noted', summary: `The base address answered HTTP ${reply.status}.` };
    const doc = reply.json as { openapi?: unknown; info?: { title?: unknown; version?: unknown } } | undefined;
    const structured = reply.isJson && doc && typeof doc === 'object';
    // YAML and the HTML rendering carry the version as a `version:` line.
    const version = structured ? (typeof doc.info?.version === 'string' ? doc.info.version : null) : (/^\s*"?version"?\s*:\s*"?([\w.-]+)"?/m.exec(reply.text)?.[1] ?? null);
    const title = structured && typeof doc.info?.title === 'string' ? doc.info.title : null;
    const kind = reply.isJson && doc?.openapi ? `an OpenAPI ${String(doc.openapi)} document` : reply.isJson ? describeJson(reply.json) : /html/i.test(reply.contentType) ? 'an HTML page' : 'a text document';
    if (version) run.detect(`Dougal’s API document says version ${version}${title ? ` (“${title.slice(0, 80)}”)` : ''}.`);
    return { state: 'passed', summary: `The base address serves ${kind}${version ? `, version ${version}` : ', without a version'}.` };
  });

  if (seen.unreachable) run.skip('login', seen.unreachable);
  else if (options.login) {
    const login = options.login;
    await run.step('login', async (context) => {
      const reply = await http.signIn(paths.login, { user: login.username, password: login.password }, context.signal);
      if (reply.status === 401 || reply.status === 403) return { state: 'failed', summary: `Dougal refused the stored login (${reply.status}). Sign in again on this screen.` };
      if (reply.status < 200 || reply.status > 299) return { state: 'failed', summary: `Dougal answered the sign-in with HTTP ${reply.status} (${describeJson(reply.json)}).` };
      if (!seen.token) return { state: 'failed', summary: `Dougal accepted the login (HTTP ${reply.status}) but sent no JWT cookie.` };
      describeSession(reply.setCookies, context);
      return { state: 'passed', summary: `HTTP ${reply.status}; JWT cookie received${seen.expiresMs ? `, valid for ${describeDuration(seen.expiresMs - now())}` : ''}.` };
    });
  } else if (options.implicit) {
    await run.step('login', async (context) => {
      const reply = await http.get(paths.probe, {}, {}, context.signal);
      if (!seen.token) return { state: 'failed', summary: `Network login: Dougal answered HTTP ${reply.status} without a JWT cookie; this computer is not trusted by address.` };
      describeSession(reply.setCookies, context);
      return { state: 'passed', summary: 'Network login: Dougal sent a JWT cookie to a request without credentials.' };
    });
  } else {
    run.skip('login', 'Not tried: no stored Dougal login and no network login. Sign in on this screen first.');
  }
  counting = true;

  function describeSession(setCookies: string[], context: StepContext): void {
    const header = setCookies.find((c) => /^\s*JWT=/.test(c)) ?? '';
    const attributes = header.split(';').slice(1).map((a) => a.trim().split('=')[0]!).filter(Boolean);
    context.detail(`Cookie attributes: ${attributes.join(', ') || 'none'}.`);
    const claims = seen.token ? decodeJwtClaims(seen.token) : null;
    if (claims) {
      const parts = [typeof claims.role === 'string' ? `role ${claims.role}` : null, typeof claims.exp === 'number' ? `expires ${new Date(claims.exp * 1000).toISOString()}` : null].filter(Boolean);
      context.detail(`The token is a JWT${parts.length ? ` (${parts.join(', ')})` : ''}.`);
      if (typeof claims.exp === 'number') run.detect(`Session tokens live ${describeDuration(claims.exp * 1000 - now())} (from the token’s exp claim); Corelog signs in again by itself when one ends.`);
    } else {
      context.detail('The token is opaque (not a JWT); its expiry comes from the cookie only.');
      if (seen.expiresMs) run.detect(`Session tokens live ${describeDuration(seen.expiresMs - now())} (from the cookie).`);
    }
  }

  await authed('projects', null, async (context) => {
    const reply = await read(paths.projects, {}, context);
    if (reply.status !== 200 || !Array.isArray(reply.json)) return { state: 'failed', summary: `${paths.projects} answered HTTP ${reply.status}, ${describeJson(reply.json)}.` };
    survey.scan('project', reply.json);
    const pids = records(reply.json).map((p) => p.pid).filter((pid): pid is string => typeof pid === 'string');
    seen.project = pids[0] ?? null;
    if (!seen.project) return { state: 'noted', summary: `${reply.json.length} project(s), none with a pid: the project steps cannot run.` };
    context.detail(`Projects: ${pids.slice(0, 10).join(', ')}${pids.length > 10 ? ', …' : ''}. The next steps read ${seen.project}.`);
    return { state: 'passed', summary: `${pids.length} project(s); checking ${seen.project}.` };
  });

  const needProject = () => (seen.project ? null : 'Not tried: no project to read.');

  await authed('labels', needProject(), async (context) => {
    const reply = await read(fill('labels', { project: seen.project! }), {}, context);
    if (reply.status !== 200 || !reply.isJson) return { state: reply.status === 404 ? 'noted' : 'failed', summary: `${paths.labels} answered HTTP ${reply.status}, ${describeJson(reply.json)}${reply.status === 404 ? `; set “${label('paths.labels')}” if this server has them elsewhere` : ''}.` };
    const keyed = !Array.isArray(reply.json) && typeof reply.json === 'object' && reply.json !== null;
    const items = keyed ? Object.entries(reply.json as object).map(([name, data]) => ({ name, data })) : records(reply.json);
    let noData = 0;
    let noColour = 0;
    let noFlags = 0;
    for (const item of items) {
      const data = (keyed ? item.data : (item as Record<string, unknown>).data) as Record<string, unknown> | null | undefined;
      if (!data || typeof data !== 'object') {
        noData += 1;
        continue;
      }
      const view = data.view as Record<string, unknown> | null | undefined;
      const model = data.model as Record<string, unknown> | null | undefined;
      if (typeof view?.colour !== 'string' && typeof data.colour !== 'string') noColour += 1;
      if (typeof model?.multiple !== 'boolean' || typeof model?.user !== 'boolean') noFlags += 1;
    }
    const form = keyed ? 'an object keyed by label name' : 'an array of {name, data}';
    context.detail(`${items.length} label(s) as ${form}; without data: ${noData}, without colour: ${noColour}, without user/multiple flags: ${noFlags}.`);
    const sparse = noData + noColour + noFlags > 0;
    run.detect(`Labels come as ${form}${sparse ? `, some with data, colour or flags missing (${noData} without data, ${noColour} without colour, ${noFlags} without flags)` : ''} — nothing to set: Corelog reads both forms${sparse ? ' and fills in what is missing' : ''}.`);
    return { state: sparse ? 'noted' : 'passed', summary: `${items.length} label(s) as ${form}${sparse ? '; some are sparse' : ''}.` };
  });

  await authed('events', needProject(), async (context) => {
    const path = fill('events', { project: seen.project! });
    const one = await read(path, { [query.limit]: 1 }, context);
    if (one.status !== 200 || !Array.isArray(one.json)) return { state: 'failed', summary: `${paths.events} answered HTTP ${one.status}, ${describeJson(one.json)}.` };
    const two = await read(path, { [query.limit]: 2 }, context);
    const second = await read(path, { [query.offset]: 1, [query.limit]: 1 }, context);
    const events = records(one.json).concat(records(two.json));
    survey.scan('event', two.json);
    seen.firstEventId = typeof records(one.json)[0]?.id === 'number' ? (records(one.json)[0]!.id as number) : null;
    const extra = new Set<string>();
    for (const event of events) for (const key of Object.keys(event)) if (!KNOWN_EVENT_ATTRIBUTES.has(key)) extra.add(key);
    const hasGeometry = events.some((e) => 'geometry' in e);
    const edited = ['has_edits', 'edited'].find((flag) => events.some((e) => flag in e));
    context.detail(`Attributes seen: ${[...new Set(events.flatMap((e) => Object.keys(e)))].join(', ') || 'none (no events)'}.`);
    if (hasGeometry || extra.size > 0) run.detect(`Events carry ${[hasGeometry ? 'geometry' : null, ...extra].filter(Boolean).join(', ')}: Corelog keeps every attribute the server sent when it edits an event — nothing to set.`);
    if (edited) context.detail(`The “edited” flag is named ${edited}.`);
    const n1 = (one.json as unknown[]).length;
    const n2 = Array.isArray(two.json) ? two.json.length : -1;
    if (n1 > 1 || n2 > 2) {
      run.detect(`The event list ignores the page size “${query.limit}” (asked for 1, got ${n1}): Corelog then reads the whole list in one reply (it works, but slowly on big logs). If this Dougal pages with another name, set “${label('query.limit')}” and “${label('query.offset')}”.`);
      return { state: 'noted', summary: `Paging is not honoured under “${query.limit}”/“${query.offset}”: limit=1 gave ${n1} events.` };
    }
    if (n1 === 0) return { state: 'noted', summary: 'The project has no events, so paging could not be checked.' };
    const secondId = records(second.json)[0]?.id;
    const offsetOk = n2 < 2 || secondId === records(two.json)[1]?.id;
    context.detail(`limit=1 → ${n1}, limit=2 → ${n2}, offset=1&limit=1 → event ${String(secondId)}.`);
    if (!offsetOk) {
      run.detect(`The event list honours “${query.limit}” but not “${query.offset}”: Corelog notices and asks you to set the right name (“${label('query.offset')}”).`);
      return { state: 'noted', summary: `“${query.limit}” is honoured, “${query.offset}” is not.` };
    }
    return { state: 'passed', summary: `Paging is honoured (“${query.offset}”, “${query.limit}”); events carry ${hasGeometry ? 'geometry' : 'no geometry'}${extra.size ? ` and ${extra.size} attribute(s) Corelog does not know` : ''}.` };
  });

  await authed('changes', needProject(), async (context) => {
    const since = new Date(now() - DAY_MS).toISOString();
    const ask = (template: string) => {
      const templated = template.includes('{since}');
      const path = fillPath(template, templated ? { project: seen.project!, since } : { project: seen.project! });
      return read(path, { ...(templated ? {} : { since }), [query.unique]: 'true' }, context);
    };
    const reply = await ask(paths.eventChanges);
    if (reply.status === 200 && Array.isArray(reply.json)) {
      seen.changesAvailable = true;
      return { state: 'passed', summary: `${paths.eventChanges} answered ${reply.json.length} version(s) changed in the last day.` };
    }
    // The reference leaves open whether `since` goes in the path or the query: try the other form,
    // and the documented default in both forms when this connection has its own path.
    const toggled = (template: string) => (template.includes('{since}') ? template.replace(/\/?\{since\}/, '') : `${template.replace(/\/+$/, '')}/{since}`);
    const candidates = [...new Set([toggled(paths.eventChanges), DEFAULT_DOUGAL_PATHS.eventChanges, toggled(DEFAULT_DOUGAL_PATHS.eventChanges)])].filter((t) => t !== paths.eventChanges);
    for (const candidate of candidates) {
      const retry = await ask(candidate);
      if (retry.status === 200 && Array.isArray(retry.json)) {
        seen.changesAvailable = true;
        run.detect(`The changes endpoint answers at ${candidate}, not ${paths.eventChanges}.`, { key: 'paths.eventChanges', label: label('paths.eventChanges'), value: candidate });
        return { state: 'noted', summary: `Found at ${candidate} instead of the configured ${paths.eventChanges}.` };
      }
      context.detail(`Also tried ${candidate}: HTTP ${retry.status}.`);
    }
    if (reply.status !== 404) return { state: 'failed', summary: `${paths.eventChanges} answered HTTP ${reply.status}, ${describeJson(reply.json)}, and no other form of the path answered.` };
    seen.changesAvailable = false;
    run.detect('No changes endpoint (404) — nothing to set: Corelog falls back to the event list for its duplicate check and for catching up.');
    return { state: 'noted', summary: 'No changes endpoint (404 wherever it could be); Corelog falls back to the event list.' };
  });

  await authed('history', seen.firstEventId === null ? 'Not tried: no event to read the history of.' : needProject(), async (context) => {
    const reply = await read(fill('eventHistory', { project: seen.project!, id: seen.firstEventId! }), {}, context);
    if (reply.status === 200 && Array.isArray(reply.json)) {
      const withValidity = records(reply.json).filter((v) => Array.isArray(v.validity)).length;
      return { state: 'passed', summary: `Event ${seen.firstEventId}: ${reply.json.length} version(s), ${withValidity} with a validity range.` };
    }
    return { state: 'noted', summary: `${paths.eventHistory} answered HTTP ${reply.status}, ${describeJson(reply.json)}; the history panel will not open.${reply.status === 404 ? ` Set “${label('paths.eventHistory')}” if this server keeps it elsewhere.` : ''}` };
  });

  await authed('meta-filter', needProject(), async (context) => {
    const key = `corelog-server-check-${randomUUID()}`;
    const reply = await read(fill('events', { project: seen.project! }), { [`${query.metaFilterPrefix}corelog_key`]: key, [query.limit]: 1 }, context);
    if (reply.status !== 200 || !Array.isArray(reply.json)) return { state: 'noted', summary: `The filtered list answered HTTP ${reply.status}, ${describeJson(reply.json)}.` };
    const honoured = reply.json.length === 0;
    context.detail(`Asked for events whose meta carries a key nobody has used: got ${reply.json.length}.`);
    if (!honoured && lookup === 'meta-filter' && seen.changesAvailable) {
      run.detect('The event list ignores the meta filter, which this connection uses for its duplicate check; the changes endpoint is there.', { key: 'idempotency.lookup', label: label('idempotency.lookup'), value: 'changes' });
      return { state: 'noted', summary: 'The meta filter is ignored; the duplicate check should use the changes endpoint.' };
    }
    return { state: 'passed', summary: honoured ? 'The meta filter is honoured (no event carries an unused key).' : `The meta filter is ignored (the duplicate check uses ${lookup === 'changes' ? 'the changes endpoint' : 'the list and filters it itself'}).` };
  });

  await authed('qc', needProject(), async (context) => {
    const reply = await read(fill('qcResults', { project: seen.project! }), {}, context);
    if (reply.status !== 200 || !reply.isJson) return { state: reply.status === 404 ? 'noted' : 'failed', summary: `${paths.qcResults} answered HTTP ${reply.status}, ${describeJson(reply.json)}.` };
    const tests = records((reply.json as Record<string, unknown>)?.tests);
    return { state: 'passed', summary: `QC results as ${describeJson(reply.json)}${tests.length ? ` with ${tests.length} test(s)` : ''}.` };
  });

  await authed('errors', needProject(), async (context) => {
    const reply = await read(fill('event', { project: seen.project!, id: 2_147_483_646 }), {}, context);
    if (reply.status < 400) return { state: 'noted', summary: `Asking for an event that does not exist answered HTTP ${reply.status}; no error reply to look at.` };
    const error = await describeErrorReply('dougal', reply, 'read an event');
    context.detail(`HTTP ${reply.status} with ${error.shape}.`);
    context.detail(`Corelog would tell the user: “${error.shown}”`);
    const quoted = error.reason === null ? 'there is no reason in it to quote' : error.quotesReason ? 'Corelog quotes the server’s reason' : 'Corelog does not quote the reason from it yet';
    run.detect(`Dougal’s error replies are ${error.shape}; ${quoted}${error.quotesReason || error.reason === null ? ' — nothing to set' : ''}.`);
    return { state: error.quotesReason || error.reason === null ? 'passed' : 'noted', summary: `HTTP ${reply.status} with ${error.shape}; ${quoted}.` };
  });

  if (seen.unreachable) run.skip('cookie', seen.unreachable);
  else if (!seen.token) run.skip('cookie', 'Not tried: there was no session.');
  else {
    await run.step('cookie', async (context) => {
      context.detail(`${cookies.replies} replies after sign-in; ${cookies.fresh} brought a fresh JWT cookie${cookies.expired ? `, ${cookies.expired} an expired one` : ''}.`);
      if (cookies.fresh > 0) {
        run.detect(`Dougal sent a fresh JWT cookie on ${cookies.fresh} of ${cookies.replies} replies (the session token rotates) — nothing to set: Corelog switches to the newest token at once.`);
        return { state: 'noted', summary: `The token rotated ${cookies.fresh} time(s) during the check; the check (like Corelog) used the newest each time.` };
      }
      return { state: 'passed', summary: `No fresh token during the check (Corelog would take one from any reply).` };
    });
  }

  if (seen.unreachable) run.skip('client', seen.unreachable);
  else if (!options.login && !options.implicit) run.skip('client', 'Not tried: no stored Dougal login.');
  else {
    const login = options.login;
    await run.step('client', async (context) => {
      const problems: string[] = [];
      const client = new DougalClient({
        baseUrl: options.serverUrl,
        timeoutMs: options.requestTimeoutMs ?? 15_000,
        credentials: async () => (login ? { user: login.username, password: login.password } : null),
        implicit: !login && options.implicit,
        paths: options.api.paths ?? {},
        query: options.api.query ?? {},
        idempotency: { lookup },
        onReplyProblem: (problem) => void (problems.length < 20 && problems.push(`${problem.action}: ${problem.detail}`)),
      });
      if (login) http.nonReads.push(`POST ${paths.login} (sign-in, by Corelog’s client)`);
      const failures: string[] = [];
      const attempt = async (what: string, call: () => Promise<string>) => {
        try {
          context.detail(`${what}: ${await call()}.`);
        } catch (error) {
          failures.push(what);
          context.detail(`${what}: ${error instanceof CorelogError ? error.message : String(error)}`);
        }
      };
      await attempt('Projects', async () => `${(await client.listProjects()).length} project(s)`);
      if (seen.project) {
        const pid = seen.project;
        await attempt('Labels', async () => `${(await client.listLabels(pid)).length} label(s)`);
        await attempt('Events', async () => `${(await client.listEvents(pid, {}, { limit: 2 })).length} event(s) on the first page`);
        await attempt('Duplicate check', async () => {
          const found = await client.findEventsByIdempotencyKey(pid, `corelog-server-check-${randomUUID()}`, { since: new Date(now() - DAY_MS), near: { tstamp: new Date(now()).toISOString() } });
          return found.length === 0 ? 'works (an unused key found nothing, as it should)' : `found ${found.length} event(s) for an unused key`;
        });
        if (seen.firstEventId !== null) {
          const id = seen.firstEventId;
          await attempt('History', async () => `${(await client.eventHistory(pid, id)).length} version(s) of event ${id}`);
        }
      }
      for (const problem of problems) context.detail(`Worked around: ${problem}`);
      if (failures.length > 0) return { state: 'failed', summary: `Corelog’s client could not read: ${failures.join(', ')} (see below).` };
      if (problems.length > 0) return { state: 'noted', summary: `Corelog’s client read everything, working around ${problems.length} odd repl${problems.length === 1 ? 'y' : 'ies'}.` };
      return { state: 'passed', summary: 'Corelog’s client read everything with this connection’s settings.' };
    });
  }

  const absent = survey.conclusion();
  if (absent) run.detect(`${absent.text} Nothing to set: Corelog reads absent and null alike.`);
  run.cannotCheck('The reply to logging an event (201 with the event, 201 with only its id, or 204 with nothing): only a write shows it. Corelog handles all three and never logs an event twice.');
  run.cannotCheck('Whether an edit (PUT) that leaves an attribute out is refused or resets it: only a write shows it. Corelog always sends every attribute the server gave, so either way nothing is lost.');
  run.cannotCheck('Which status a read-only event, or a guest’s write, gets: Corelog shows any refusal in plain words and does not retry it.');
  return run.finish(http.nonReads);
}
