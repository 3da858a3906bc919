/**
 * "Check server" for Imago: reads the documented calls once, raw, to say how this Imago answers
 * (reply wrappers, nulls, error bodies, which guessed parameter names it honours), then lets
 * Corelog's own client read through the same calls with the connection's settings.
 *
 * It never writes. The only request that is not a GET is `POST /session`, the sign-in without
 * which nothing can be read (twice: once raw, once by Corelog's client). It does not sign out
 * either — `DELETE /session` is a write; the check's token simply expires. What only an upload or
 * a save would show is listed under "not checked", with what Corelog sends today.
 */
import { parse as parseContentDisposition } from 'content-disposition';
import type { ServerCheckReport, ServerCheckStep } from '../../../../common/bridge/connection-contract';
import { CorelogError } from '../../../../common/errors';
import type { StoredLogin } from '../../credentials/credential-vault';
import { defaultImagoApiOptions, type ImagoApiOptions } from '../../imago/api-options';
import { ImagoClient } from '../../imago/imago-client';
import { readSessionReply, sessionLifetimeMs, type SessionReply } from '../../imago/session-reply';
import { collectionParams, downloadParams, imageMetadataParams, imageryParams, type ImageTarget } from '../../imago/queries';
import { apiSettingLabel, type ImagoApiSettings } from '../connection-settings';
import { CheckHttp, describeJson, formatBytes, type CheckReply, type QueryValue } from './check-http';
import { CheckRun, formatValue, type StepContext, type StepOutcome } from './check-report';
import { AbsentValueSurvey, describeErrorReply, findList, guessChecksum } from './reply-shapes';

export interface ImagoCheckOptions {
  serverUrl: string;
  api: ImagoApiSettings;
  /** The stored service-account login; without one only the unauthenticated steps run. */
  login: StoredLogin | null;
  onProgress?: (steps: ServerCheckStep[]) => void;
  /** Idle timeout per request (default 15 s). */
  requestTimeoutMs?: number;
  stepTimeoutMs?: number;
}

const PLAN = [
  { id: 'reach', title: 'The API answers (GET /session without a token)' },
  { id: 'sign-in', title: 'Sign in (POST /session)' },
  { id: 'session', title: 'Session check (GET /session)' },
  { id: 'context', title: 'Workspaces, datasets and imagery types (GET /context)' },
  { id: 'datasets', title: 'Dataset list (GET /dataset)' },
  { id: 'collections', title: 'Collection list (GET /collection)' },
  { id: 'imagery', title: 'Imagery intervals (GET /imagery?verbose=true)' },
  { id: 'search', title: 'Depth search parameters (match mode, tolerance)' },
  { id: 'metadata', title: 'Image metadata (GET /image-metadata)' },
  { id: 'download', title: 'A small download (GET /image, 64 px wide)' },
  { id: 'errors', title: 'Error replies (GET /image with its required names left out)' },
  { id: 'query-case', title: 'Case of query parameter names' },
  { id: 'client', title: 'Corelog’s own client, with this connection’s settings' },
];

/** What earlier steps learned, for the later ones. */
interface Found {
  unreachable: string | null;
  token: string | null;
  /** The header the token goes in (the configured one, or the one that worked). */
  tokenHeader: ImagoApiOptions['tokenHeader'];
  datasets: { workspaceId: string; workspaceName: string; datasetId: string; datasetName: string }[];
  collection: { name: string; workspaceName: string; datasetName: string; datasetId: string } | null;
  intervals: Record<string, unknown>[];
  /** One interval with depths and an image, for the search and download steps. */
  sample: { id: string; imageryTypeName: string; name: string | null; startDepth: number; endDepth: number; imageTypeName: string | null } | null;
  imageryIds: string[] | null;
}

const str = (value: unknown): string | null => (typeof value === 'string' && value ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const records = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => Boolean(v) && typeof v === 'object') : []);

export async function runImagoServerCheck(options: ImagoCheckOptions): Promise<ServerCheckReport> {
  const api: ImagoApiOptions = { ...defaultImagoApiOptions(), ...options.api };
  const run = new CheckRun({ system: 'imago', serverUrl: options.serverUrl, plan: PLAN, ...(options.onProgress ? { onProgress: options.onProgress } : {}), ...(options.stepTimeoutMs ? { stepTimeoutMs: options.stepTimeoutMs } : {}) });
  const http = new CheckHttp({ system: 'imago', baseUrl: options.serverUrl, timeoutMs: options.requestTimeoutMs ?? 15_000, onCall: (call) => run.recordCall(call) });
  const survey = new AbsentValueSurvey();
  const found: Found = { unreachable: null, token: null, tokenHeader: api.tokenHeader, datasets: [], collection: null, intervals: [], sample: null, imageryIds: null };
  const label = (key: string) => apiSettingLabel('imago', key);

  const authHeaders = (header = found.tokenHeader): Record<string, string> =>
    !found.token ? {} : header === 'bearer' ? { authorization: `Bearer ${found.token}` } : { 'imago-api-token': found.token };
  const read = (path: string, query: Record<string, QueryValue>, context: StepContext) => http.get(path, query, authHeaders(), context.signal);
  /** Runs a step that needs the server, a token and (optionally) what another step found. */
  const authed = async (id: string, needs: string | null, work: (context: StepContext) => Promise<StepOutcome>) => {
    if (found.unreachable) return run.skip(id, found.unreachable);
    if (!found.token) return run.skip(id, 'Not tried: it needs a signed-in session (see the sign-in step).');
    if (needs) return run.skip(id, needs);
    return run.step(id, work);
  };

  await run.step('reach', async (context) => {
    let reply: CheckReply;
    try {
      reply = await http.get('/session', {}, {}, context.signal);
    } catch (error) {
      found.unreachable = 'Not tried: Imago could not be reached.';
      throw error;
    }
    if (reply.status === 401) return { state: 'passed', summary: 'Imago’s API is at this address: it refused a request without a token (401), as documented.' };
    if (reply.status === 404) {
      found.unreachable = 'Not tried: there is no Imago API at this address.';
      return { state: 'failed', summary: `Nothing answers at ${options.serverUrl}/session (404). The address must end with the API’s base path, e.g. …/integrate/2.` };
    }
    if (reply.status >= 200 && reply.status < 300) return { state: 'noted', summary: `The address answered ${reply.status} without a token; Imago answers 401. A proxy in between, or not Imago?` };
    return { state: 'noted', summary: `The address answered HTTP ${reply.status}, not the 401 Imago gives without a token.` };
  });

  if (found.unreachable) run.skip('sign-in', found.unreachable);
  else if (!options.login) run.skip('sign-in', 'Not tried: no stored Imago login. Sign in on this screen first; the check reads with your service account.');
  else {
    const login = options.login;
    await run.step('sign-in', async (context) => {
      const reply = await http.signIn('/session', { username: login.username, password: login.password }, context.signal);
      if (reply.status === 401) return { state: 'failed', summary: 'Imago refused the stored login (401). Sign in again on this screen.' };
      if (reply.status === 404) return { state: 'failed', summary: 'Imago answered 404, which its documents list for sign-in as “internal error”: a fault on the server side.' };
      // Any 2xx with a JSON body is a sign-in to the client (201 "session created" included).
      if (reply.status < 200 || reply.status >= 300 || !reply.isJson) return { state: 'failed', summary: `Imago answered the sign-in with HTTP ${reply.status} (${describeJson(reply.json)}), not a session.` };
      if (reply.status !== 200) context.detail(`HTTP ${reply.status} instead of the documented 200; Corelog’s client takes any 2xx.`);
      const body = reply.json;
      context.detail(`Reply fields: ${isRecord(body) ? Object.keys(body).join(', ') || 'none' : describeJson(body)} (documented: uid, apiToken).`);
      // Read by the very code Corelog's client signs in with, so the check says what the client will do.
      const departures: string[] = [];
      let session: SessionReply;
      try {
        session = readSessionReply(body, reply.headers.get('date'), Date.now(), (detail) => departures.push(detail));
      } catch {
        return { state: 'failed', summary: `Signed in, but Corelog’s client finds no token in the reply (${describeJson(body)}).` };
      }
      found.token = session.apiToken;
      for (const departure of departures) context.detail(`Corelog’s client reads it although ${departure}.`);
      const counted = sessionLifetimeMs(session, api.tokenLifetimeMs);
      if (session.lifetimeMs !== null) {
        const used = counted < api.tokenLifetimeMs ? `Corelog counts that (${formatDuration(counted)}) from sign-in` : `Corelog still counts the documented ${formatDuration(api.tokenLifetimeMs)}, the shorter`;
        run.detect(`The sign-in reply states the token’s lifetime (${formatDuration(session.lifetimeMs)}); ${used}, renews shortly before the end, and signs in again on any 401 — nothing to set.`);
      } else {
        context.detail(`The reply does not say how long the token lives; Corelog counts ${formatDuration(api.tokenLifetimeMs)} from sign-in (documented) and signs in again on any 401.`);
      }
      const shape = /^[0-9a-f-]{36}$/i.test(session.apiToken) ? 'a UUID' : `${session.apiToken.length} characters`;
      const user = `user id ${session.uid ?? 'not given'}`;
      if (departures.length > 0) {
        run.detect(`The sign-in reply is not in the documented shape {uid, apiToken}: ${departures.join('; ')}. Corelog’s client reads it as it is — nothing to set.`);
        return { state: 'noted', summary: `Token received (${shape}; ${user}), in another shape than documented (${departures.join('; ')}); Corelog’s client reads it.` };
      }
      return { state: 'passed', summary: `Token received (${shape}); ${user}.` };
    });
  }

  await authed('session', null, async (context) => {
    const reply = await read('/session', {}, context);
    const configured = found.tokenHeader;
    if (reply.status === 401) {
      const other = configured === 'bearer' ? 'imago-api-token' : 'bearer';
      const retry = await http.get('/session', {}, authHeaders(other), context.signal);
      if (retry.status === 200) {
        found.tokenHeader = other;
        const proposal = { key: 'tokenHeader', label: label('tokenHeader'), value: other };
        run.detect(`Imago refused the token in ${describeHeader(configured)} but took it in ${describeHeader(other)}.`, proposal);
        context.detail(`With ${describeHeader(other)}: HTTP 200.`);
        return { state: 'noted', summary: `The token works only in ${describeHeader(other)}; this connection sends ${describeHeader(configured)}.` };
      }
      return { state: 'failed', summary: 'Imago refused the fresh token in both header forms (401).' };
    }
    if (reply.status !== 200) return { state: 'failed', summary: `GET /session answered HTTP ${reply.status}.` };
    return { state: 'passed', summary: `The token works in ${describeHeader(configured)}; GET /session answered ${describeJson(reply.json)}.` };
  });

  await authed('context', null, async (context) => {
    const reply = await read('/context', {}, context);
    if (reply.status !== 200 || !reply.isJson) return { state: 'failed', summary: `GET /context answered HTTP ${reply.status}, ${describeJson(reply.json)}.` };
    survey.scan('context', reply.json);
    const workspaces = records((reply.json as Record<string, unknown>)?.workspaces);
    if (workspaces.length === 0) return { state: 'noted', summary: `No workspaces in the reply (${describeJson(reply.json)}): this account sees nothing, or the reply has another shape.` };
    let datasets = 0;
    let types = 0;
    for (const workspace of workspaces) {
      for (const dataset of records(workspace.datasets)) {
        datasets += 1;
        types += records(dataset.imageryTypes).length;
        const ids = { workspaceId: str(workspace.id), workspaceName: str(workspace.name), datasetId: str(dataset.id), datasetName: str(dataset.name) };
        if (ids.workspaceId && ids.workspaceName && ids.datasetId && ids.datasetName) found.datasets.push(ids as Found['datasets'][number]);
        survey.expect('context.workspaces[].datasets[]', [dataset], ['lengthUnits']);
        for (const type of records(dataset.imageryTypes)) survey.expect('…imageryTypes[].imageTypes[]', records(type.imageTypes), ['baseImageTypeName']);
      }
    }
    survey.expect('context.workspaces[]', workspaces, ['workspaceFolder']);
    const readonly = workspaces.filter((w) => w.readonly === true).length;
    context.detail(`Workspaces: ${workspaces.map((w) => `${str(w.name) ?? '(no name)'}${w.readonly === true ? ' (read-only)' : ''}`).slice(0, 10).join(', ')}.`);
    return { state: 'passed', summary: `${workspaces.length} workspace(s) (${readonly} read-only), ${datasets} dataset(s), ${types} imagery type(s).` };
  });

  const firstWorkspace = found.datasets[0];
  await authed('datasets', firstWorkspace ? null : 'Not tried: no workspace was found in the context.', async (context) => {
    const reply = await read('/dataset', { workspaceId: firstWorkspace!.workspaceId, limit: 5 }, context);
    if (reply.status !== 200 || !reply.isJson) return { state: 'failed', summary: `GET /dataset answered HTTP ${reply.status}, ${describeJson(reply.json)}.` };
    survey.scan('dataset', reply.json);
    if (Array.isArray(reply.json)) return { state: 'passed', summary: `A bare array of ${reply.json.length} dataset(s), as documented.` };
    const list = findList(reply.json, 'datasets');
    if (list) {
      run.detect(`GET /dataset wraps its list as {"${list.key}": […]}; the documents show a bare array.`);
      return { state: 'noted', summary: `The datasets come wrapped under "${list.key}", not as the documented bare array.` };
    }
    return { state: 'failed', summary: `The reply is ${describeJson(reply.json)}, not a list of datasets.` };
  });

  await authed('collections', found.datasets.length ? null : 'Not tried: no dataset was found in the context.', async (context) => {
    let last = '';
    for (const dataset of found.datasets.slice(0, 3)) {
      const reply = await read('/collection', collectionParams({ datasetId: dataset.datasetId, limit: 5 }, api), context);
      if (reply.status !== 200 || !reply.isJson) return { state: 'failed', summary: `GET /collection answered HTTP ${reply.status}, ${describeJson(reply.json)}.` };
      survey.scan('collection', reply.json);
      const list = findList(reply.json, 'collections');
      const body = reply.json as Record<string, unknown>;
      last = list?.form === 'bare' ? 'a bare array (no wrapper, no meta)' : list ? `{"${list.key}": […]${body.meta ? ', "meta"' : ', no meta'}}` : describeJson(reply.json);
      const first = records(list?.items)[0];
      const name = str(first?.name);
      if (name) {
        found.collection = { name, workspaceName: dataset.workspaceName, datasetName: dataset.datasetName, datasetId: dataset.datasetId };
        context.detail(`Reply form: ${last}. Using collection "${name}" of "${dataset.datasetName}" for the next steps.`);
        if (list?.key === 'collections' && body.meta) return { state: 'passed', summary: `Collections come as {collections, meta}, as documented.` };
        run.detect(`GET /collection answers ${last}; the documents show {collections, meta}.`);
        return { state: 'noted', summary: `Collections come as ${last}.` };
      }
    }
    return { state: 'noted', summary: `No collection found in the first ${Math.min(3, found.datasets.length)} dataset(s) (reply form: ${last || 'none'}); later steps need one.` };
  });

  const collection = found.collection;
  const needCollection = collection ? null : 'Not tried: no collection (hole) was found to read.';
  const collectionQuery = collection ? { workspaceName: collection.workspaceName, datasetName: collection.datasetName, collectionName: collection.name } : { collectionName: '' };

  await authed('imagery', needCollection, async (context) => {
    const reply = await read('/imagery', imageryParams({ ...collectionQuery, limit: 50 }, api), context);
    if (reply.status !== 200 || !reply.isJson) return { state: 'failed', summary: `GET /imagery answered HTTP ${reply.status}, ${describeJson(reply.json)}.` };
    survey.scan('imagery', reply.json);
    const list = findList(reply.json, api.imageryKey);
    if (!list) return { state: 'failed', summary: `The reply is ${describeJson(reply.json)}: no list of intervals in it.` };
    const intervals = records(list.items);
    found.intervals = intervals;
    found.imageryIds = intervals.map((i) => String(i.id)).sort();
    survey.expect('imagery[]', intervals, ['name', 'x', 'y', 'z']);
    const verbose = intervals.length === 0 || intervals.some((i) => 'collectionName' in i);
    context.detail(`${intervals.length} interval(s); name keys ${verbose ? 'present (verbose=true honoured)' : 'missing although verbose=true was sent'}.`);
    for (const interval of intervals) {
      const start = num(interval.startDepth);
      const end = num(interval.endDepth);
      const image = records(interval.images)[0];
      if (start !== null && end !== null && end > start) {
        found.sample = { id: String(interval.id), imageryTypeName: str(interval.imageryTypeName) ?? '', name: str(interval.name), startDepth: start, endDepth: end, imageTypeName: str(image?.imageTypeName) ?? str(image?.name) };
        if (found.sample.imageTypeName && found.sample.imageryTypeName) break;
      }
    }
    let form: string;
    if (list.form === 'bare') {
      form = 'a bare array';
      run.detect('GET /imagery answers a bare array — nothing to set: Corelog reads either form, and finds out from its first save which form POST /imagery takes.');
    } else if (list.key === api.imageryKey) {
      form = `{"${list.key}": […]}`;
    } else {
      form = `{"${list.key}": […]}`;
      run.detect(`GET /imagery wraps its list under "${list.key}", not "${api.imageryKey}". Corelog reads it anyway; keyed POST /imagery bodies would use the setting.`, { key: 'imageryKey', label: label('imageryKey'), value: list.key! });
    }
    const state = list.form === 'keyed' && list.key !== api.imageryKey ? 'noted' : 'passed';
    return { state, summary: `${intervals.length} interval(s) of "${collection!.name}", as ${form}.` };
  });

  const sample = found.sample;
  await authed('search', sample?.imageryTypeName ? null : 'Not tried: no interval with depths was found.', async (context) => {
    const s = sample!;
    const base = { ...collectionQuery, imageryTypeName: s.imageryTypeName, limit: 50 };
    const hits = async (query: Record<string, QueryValue>) => {
      const reply = await read('/imagery', { ...query, verbose: true }, context);
      if (reply.status !== 200) return null;
      return records(findList(reply.json, api.imageryKey)?.items).some((i) => String(i.id) === s.id);
    };
    const notes: string[] = [];
    let state: StepOutcome['state'] = 'passed';
    // Match mode: a depth inside the interval finds it only when "includes" is understood.
    const middle = Number(((s.startDepth + s.endDepth) / 2).toFixed(3));
    const byName = async (name: string) => hits({ ...base, startDepth: middle, [name]: 'includes' });
    if (await byName(api.matchParam)) notes.push(`"${api.matchParam}=includes" found the interval around ${middle} m: the match mode parameter is honoured.`);
    else {
      const other = ['match', 'matchType'].find((name) => name !== api.matchParam)!;
      if (await byName(other)) {
        state = 'noted';
        notes.push(`"${api.matchParam}" was ignored, "${other}" was honoured.`);
        run.detect(`Imago reads the match mode as "${other}", not "${api.matchParam}".`, { key: 'matchParam', label: label('matchParam'), value: other });
      } else {
        state = 'noted';
        notes.push(`Neither "${api.matchParam}" nor "${other}" with "includes" found the interval around ${middle} m; the match mode could not be confirmed.`);
      }
    }
    // Tolerance: depths 4 mm off find the interval only within a tolerance.
    const off = { startDepth: Number((s.startDepth + 0.004).toFixed(4)), endDepth: Number((s.endDepth + 0.004).toFixed(4)) };
    if (await hits({ ...base, ...off })) {
      notes.push('Depths 4 mm off found the interval even without a tolerance: the server’s own tolerance is wider, so the parameter name cannot be told from here.');
    } else if (await hits({ ...base, ...off, [api.toleranceParam]: 0.01 })) {
      notes.push(`"${api.toleranceParam}=0.01" found the interval 4 mm off: the tolerance parameter is honoured.`);
    } else {
      const other = ['tol', 'tolerance'].find((name) => name !== api.toleranceParam)!;
      if (await hits({ ...base, ...off, [other]: 0.01 })) {
        state = 'noted';
        notes.push(`"${api.toleranceParam}" was ignored, "${other}" was honoured.`);
        run.detect(`Imago reads the depth tolerance as "${other}", not "${api.toleranceParam}".`, { key: 'toleranceParam', label: label('toleranceParam'), value: other });
      } else {
        state = 'noted';
        notes.push(`Neither "${api.toleranceParam}" nor "${other}" found the interval 4 mm off; the tolerance could not be confirmed.`);
      }
    }
    notes.forEach((note) => context.detail(note));
    return { state, summary: state === 'passed' ? 'The match mode and tolerance parameters are honoured as configured.' : notes.filter((n) => /ignored|Neither/.test(n)).join(' ') };
  });

  await authed('metadata', needCollection, async (context) => {
    const reply = await read('/image-metadata', imageMetadataParams({ ...collectionQuery, limit: 5 }, api), context);
    if (reply.status !== 200 || !reply.isJson) return { state: 'failed', summary: `GET /image-metadata answered HTTP ${reply.status}, ${describeJson(reply.json)}.` };
    survey.scan('image-metadata', reply.json);
    const list = findList(reply.json, 'images');
    const images = records(list?.items);
    const form = list?.form === 'bare' ? 'a bare array' : list ? `{"${list.key}": […]${(reply.json as Record<string, unknown>).meta ? ', "meta"' : ''}}` : describeJson(reply.json);
    if (images.length === 0) return { state: 'noted', summary: `No image of "${collection!.name}" to look at (reply form: ${form}).` };
    survey.expect('image-metadata.images[]', images, ['x', 'y', 'z', 'imageryName']);
    const checksum = str(images[0]!.checksum);
    context.detail(`Reply form: ${form}; fields: ${Object.keys(images[0]!).slice(0, 30).join(', ')}.`);
    if (checksum) {
      const guess = guessChecksum(checksum);
      run.detect(`Image metadata carries a checksum (${guess}).`);
      return { state: 'passed', summary: `${images.length} image record(s); checksum present (${guess}).` };
    }
    run.detect('Image metadata carries no checksum: Corelog checks uploads by the reply’s image id and size only.');
    return { state: 'noted', summary: `${images.length} image record(s); no checksum field.` };
  });

  const target: ImageTarget | null =
    sample?.imageTypeName && collection
      ? {
          workspaceName: collection.workspaceName,
          datasetName: collection.datasetName,
          collectionName: collection.name,
          imageryTypeName: sample.imageryTypeName,
          imageTypeName: sample.imageTypeName,
          ...(sample.name ? { imageryName: sample.name } : { startDepth: sample.startDepth, endDepth: sample.endDepth }),
        }
      : null;
  await authed('download', target ? null : 'Not tried: no interval with a photo was found.', async (context) => {
    const reply = await read('/image', downloadParams(target!, api, { width: 64 }), context);
    if (reply.status !== 200) return { state: 'failed', summary: `GET /image answered HTTP ${reply.status}, ${describeJson(reply.json)}.` };
    const type = reply.contentType.split(';')[0] || 'no content type';
    let fileName = 'no file name';
    const disposition = reply.headers.get('content-disposition');
    if (disposition) {
      try {
        fileName = `file name "${String(parseContentDisposition(disposition).parameters.filename ?? '').slice(0, 120)}"`;
      } catch {
        fileName = 'a Content-Disposition header that cannot be read (Corelog then leaves the name out)';
      }
    }
    let state: StepOutcome['state'] = /^image\//.test(type) ? 'passed' : 'noted';
    if (sample!.name) {
      // Intervals with a name are picked by name: check the name parameter both ways.
      const other = api.imageryNameParam === 'name' ? 'imageryName' : 'name';
      const { [api.imageryNameParam]: _configured, ...rest } = downloadParams(target!, api, { width: 16 });
      const alternative = await read('/image', { ...rest, [other]: sample!.name }, context);
      context.detail(`By "${api.imageryNameParam}": ${reply.status}; by "${other}": ${alternative.status}.`);
      if (alternative.status === 200 && reply.status !== 200) {
        state = 'noted';
        run.detect(`Imago picks an interval by name with "${other}", not "${api.imageryNameParam}".`, { key: 'imageryNameParam', label: label('imageryNameParam'), value: other });
      }
    }
    return { state, summary: `Downloaded the ${target!.imageTypeName} photo of ${target!.collectionName} scaled to 64 px: ${type}, ${formatBytes(reply.bytes)}, ${fileName}.` };
  });

  await authed('errors', null, async (context) => {
    const reply = await read('/image', collection ? { collectionName: collection.name } : {}, context);
    if (reply.status < 400) return { state: 'noted', summary: `GET /image without its required names answered HTTP ${reply.status}; no error reply to look at.` };
    const error = await describeErrorReply('imago', reply, 'hand out the photo');
    context.detail(`HTTP ${reply.status} with ${error.shape}.`);
    context.detail(`Corelog would tell the user: “${error.shown}”`);
    const nothingToSet = error.quotesReason || error.reason === null ? ' — nothing to set' : '';
    const quoted = error.reason === null ? 'there is no reason in it to quote' : error.quotesReason ? 'Corelog quotes the server’s reason' : 'Corelog does not quote the reason from it yet (it shows the status only)';
    run.detect(`Imago’s error replies are ${error.shape}; ${quoted}${nothingToSet}.`);
    return { state: error.quotesReason || error.reason === null ? 'passed' : 'noted', summary: `HTTP ${reply.status} with ${error.shape}; ${quoted}.` };
  });

  await authed('query-case', needCollection, async (context) => {
    // The same read with every query name in lower case, as the old clients sent them.
    const lower = Object.fromEntries(Object.entries(imageryParams({ ...collectionQuery, limit: 50 }, api)).map(([key, value]) => [key.toLowerCase(), value]));
    const reply = await read('/imagery', lower, context);
    const ids = reply.status === 200 ? records(findList(reply.json, api.imageryKey)?.items).map((i) => String(i.id)).sort() : null;
    const same = ids !== null && found.imageryIds !== null && ids.join() === found.imageryIds.join();
    if (same) {
      run.detect('Query parameter names are not case-sensitive (lower-case names gave the same answer) — nothing to set.');
      return { state: 'passed', summary: 'Lower-case query names gave the same answer: names are not case-sensitive.' };
    }
    context.detail(`Lower-case names: HTTP ${reply.status}, ${describeJson(reply.json)}.`);
    run.detect('Query parameter names are case-sensitive — nothing to set: Corelog sends the documented camelCase names.');
    return { state: 'passed', summary: 'Lower-case query names gave a different answer: names are case-sensitive (Corelog sends the documented camelCase).' };
  });

  if (found.unreachable) run.skip('client', found.unreachable);
  else if (!options.login) run.skip('client', 'Not tried: no stored Imago login.');
  else {
    const login = options.login;
    await run.step('client', async (context) => {
      const problems: string[] = [];
      const client = new ImagoClient({
        baseUrl: options.serverUrl,
        timeoutMs: options.requestTimeoutMs ?? 15_000,
        credentials: async () => login,
        api: options.api,
        onReplyProblem: (problem) => void (problems.length < 20 && problems.push(`${problem.action}: ${problem.detail}`)),
      });
      http.nonReads.push('POST /session (sign-in, by Corelog’s client)');
      const failures: string[] = [];
      const attempt = async (what: string, call: () => Promise<string>) => {
        try {
          context.detail(`${what}: ${await call()}.`);
        } catch (error) {
          failures.push(what);
          context.detail(`${what}: ${error instanceof CorelogError ? error.message : String(error)}`);
        }
      };
      await attempt('Context', async () => `${(await client.context()).workspaces.length} workspace(s)`);
      if (collection) {
        await attempt('Collections', async () => `${(await client.listCollections({ datasetId: collection.datasetId, limit: 5 })).collections.length} collection(s)`);
        await attempt('Imagery', async () => `${(await client.listImagery({ ...collectionQuery, limit: 50 })).length} interval(s)`);
        await attempt('Image metadata', async () => `${(await client.listImageMetadata({ ...collectionQuery, limit: 5 })).images.length} image record(s)`);
      }
      if (target) await attempt('Download', async () => `${formatBytes((await client.downloadImage(target, { width: 64 })).bytes.length)}`);
      for (const problem of problems) context.detail(`Worked around: ${problem}`);
      if (failures.length > 0) return { state: 'failed', summary: `Corelog’s client could not read: ${failures.join(', ')} (see below).` };
      if (problems.length > 0) return { state: 'noted', summary: `Corelog’s client read everything, working around ${problems.length} odd repl${problems.length === 1 ? 'y' : 'ies'}.` };
      return { state: 'passed', summary: 'Corelog’s client read everything with this connection’s settings.' };
    });
  }

  const absent = survey.conclusion();
  if (absent) run.detect(`${absent.text} Nothing to set: Corelog reads absent, null and empty alike.`);
  run.cannotCheck(`Upload encoding (multipart or raw bytes): only an upload shows which one Imago takes. Corelog sends: ${formatValue(api.uploadEncoding)}${api.uploadEncoding === 'multipart' ? `, part "${api.uploadPartName}"` : ''} (settings “${label('uploadEncoding')}”, “${label('uploadPartName')}”).`);
  run.cannotCheck(`The mime type parameter’s name and whether Imago requires it: only an upload shows it. Corelog sends: ${api.mimeTypeParam ? `${api.mimeTypeParam}=image/jpeg or image/png` : 'no mime type parameter'} (setting “${label('mimeTypeParam')}”).`);
  run.cannotCheck(`Whether uploads take imageryId: only an upload shows it. Corelog ${api.uploadSendsImageryId ? 'sends it' : 'does not send it; uploads pick the interval by depths or name'} (setting “${label('uploadSendsImageryId')}”).`);
  run.cannotCheck('Whether POST /imagery takes a keyed object or a bare array: Corelog finds out from its first save and keeps the form that worked; nothing to set.');
  run.cannotCheck('Whether an upload creates a missing interval, and which status a write to a read-only workspace gets: Corelog creates intervals before uploading, and shows any refusal in plain words.');
  return run.finish(http.nonReads);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** 86 400 000 → "24 h", 3 600 000 → "60 min", 300 000 → "5 min". */
function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} min`;
  const hours = minutes / 60;
  return `${Number.isInteger(hours) ? hours : hours.toFixed(1)} h`;
}

function describeHeader(header: ImagoApiOptions['tokenHeader']): string {
  return header === 'bearer' ? 'the Authorization (Bearer) header' : 'the imago-api-token header';
}
