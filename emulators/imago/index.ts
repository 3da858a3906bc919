/**
 * The Imago emulator: Seequent Imago's integrate/2 API as the reference describes it, on the
 * shared emulator kit. Every guess it takes is an option (see BEHAVIOUR.md) that tests or the
 * admin endpoint can switch at runtime.
 */
import { EmulatorClock } from '../kit/clock';
import { createEmulatorServer, HttpError, Router, type EmulatorServer } from '../kit/http-kit';
import type { ImagoApiContext } from './api-context';
import { addCatalogueRoutes } from './catalogue-routes';
import { addImageRoutes } from './image-routes';
import { addImageryRoutes } from './imagery-routes';
import { applyBehaviourUpdate, behaviourFromOptions, type ImagoBehaviour, type ImagoEmulatorOptions } from './options';
import { seedDemoSite } from './seed';
import { addSessionRoutes } from './session-routes';
import { UrlSigner } from './signed-url';
import { summarise, type ImagoWorld, type StoredImage, type Workspace } from './state';
import { ImagoStore } from './store';
import { randomUUID } from 'node:crypto';

export type { ImagoBehaviour, ImagoEmulatorOptions } from './options';
export { DEMO_PASSWORD, DEMO_USERNAME } from './seed';

export const IMAGO_BASE_PATH = '/integrate/2';

export interface ImagoEmulator {
  server: EmulatorServer;
  /** The behaviour options in force now. */
  readonly options: ImagoBehaviour;
  /** Changes behaviour options at runtime (same as `PATCH /__admin/imago/options`). */
  setOptions(update: Partial<ImagoBehaviour>): ImagoBehaviour;
  /** The live world, for tests to inspect (mutate through the API, not here). */
  readonly world: ImagoWorld;
  /** Counts per table. */
  summary(): ReturnType<typeof summarise>;
  /** The stored image record and the path of its bytes. */
  image(id: string): { record: StoredImage; path: string } | null;
  /** Ends every session server-side, as if Imago had revoked the tokens. */
  revokeSessions(): number;
  /** Writes pending state to disk now. */
  flush(): void;
  /** Stops the server, saves state and removes the temp image folder of in-memory mode. */
  close(): Promise<void>;
}

/** Short codes in the style of the 2021 C# client's `ApiErrorMessage.name` (e.g. `NO_IMAGERY_FOUND`). */
const ERROR_NAMES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'NOT_AUTHORISED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  422: 'UNPROCESSABLE',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_ERROR',
  503: 'UNAVAILABLE',
};

function errorBody(shape: ImagoBehaviour['errorBodyShape'], status: number, message: string): unknown {
  if (shape === 'error') return { error: message };
  if (shape === 'errors') return { errors: [{ name: ERROR_NAMES[status] ?? `HTTP_${status}`, message }] };
  return { message };
}

export async function createImagoEmulator(options: ImagoEmulatorOptions = {}): Promise<ImagoEmulator> {
  const clock = options.clock ?? new EmulatorClock();
  let behaviour = behaviourFromOptions(options);
  const store = new ImagoStore(options.dataDir ?? null);
  const seed = options.seed ?? true;
  if (store.isEmpty && seed) await seedDemoSite(store, clock.now());

  let server: EmulatorServer | null = null;
  const ctx: ImagoApiContext = {
    store,
    clock,
    behaviour: () => behaviour,
    signer: new UrlSigner(),
    baseUrl: () => server!.baseUrl,
  };

  const router = new Router();
  addSessionRoutes(router, ctx);
  addCatalogueRoutes(router, ctx);
  addImageryRoutes(router, ctx);
  addImageRoutes(router, ctx);

  const setOptions = (update: Partial<ImagoBehaviour>) => {
    behaviour = applyBehaviourUpdate(behaviour, update as Record<string, unknown>);
    return behaviour;
  };
  const revokeSessions = () => {
    const count = store.world.sessions.length;
    store.world.sessions = [];
    store.save();
    return count;
  };

  const adminRouter = new Router()
    .get('/imago/options', () => ({ status: 200, json: behaviour }))
    .patch('/imago/options', async (req) => {
      const update = await req.readJson();
      if (!update || typeof update !== 'object' || Array.isArray(update)) throw new HttpError(400, 'options update must be an object');
      try {
        return { status: 200, json: setOptions(update as Partial<ImagoBehaviour>) };
      } catch (error) {
        throw new HttpError(400, (error as Error).message);
      }
    })
    .get('/imago/state', () => ({
      status: 200,
      json: { ...summarise(store.world), workspaces: store.world.workspaces.map((w) => ({ id: w.id, name: w.name, readonly: w.readonly })) },
    }))
    .delete('/imago/sessions', () => ({ status: 200, json: { revoked: revokeSessions() } }))
    .post('/imago/accounts', async (req) => {
      const body = (await req.readJson()) as { username?: unknown; password?: unknown };
      if (typeof body?.username !== 'string' || typeof body.password !== 'string') throw new HttpError(400, 'username and password are required');
      const existing = store.world.accounts.find((a) => a.username === body.username);
      if (existing) existing.password = body.password;
      else store.world.accounts.push({ uid: randomUUID(), username: body.username, password: body.password });
      store.save();
      return { status: 200, json: { username: body.username } };
    })
    .post('/imago/workspaces', async (req) => {
      const body = (await req.readJson()) as { name?: unknown; readonly?: unknown; workspaceFolder?: unknown };
      if (typeof body?.name !== 'string' || !body.name) throw new HttpError(400, 'name is required');
      const workspace: Workspace = { id: randomUUID(), name: body.name, readonly: body.readonly === true };
      if (typeof body.workspaceFolder === 'string') workspace.workspaceFolder = body.workspaceFolder;
      store.world.workspaces.push(workspace);
      store.save();
      return { status: 200, json: workspace };
    })
    .patch('/imago/workspaces/:id', async (req, params) => {
      const workspace = store.world.workspaces.find((w) => w.id === params.id || w.name === params.id);
      if (!workspace) throw new HttpError(404, `no workspace ${params.id}`);
      const body = (await req.readJson()) as { readonly?: unknown };
      if (typeof body?.readonly !== 'boolean') throw new HttpError(400, 'readonly (boolean) is required');
      workspace.readonly = body.readonly;
      store.save();
      return { status: 200, json: workspace };
    })
    .get('/imago/images/:id', (_req, params) => {
      const record = store.world.images.find((i) => i.id === params.id);
      if (!record) throw new HttpError(404, `no image ${params.id}`);
      return { status: 200, json: record };
    });

  server = createEmulatorServer({
    name: 'imago',
    basePath: IMAGO_BASE_PATH,
    router,
    adminRouter,
    clock,
    adminEndpoints: options.adminEndpoints !== false,
    errorBody: (status, message) => errorBody(behaviour.errorBodyShape, status, message),
    reset: async () => {
      store.clear();
      behaviour = behaviourFromOptions(options);
      if (seed) await seedDemoSite(store, clock.now());
      store.save();
    },
  });
  const emulatorServer = server;

  return {
    server: emulatorServer,
    get options() {
      return behaviour;
    },
    setOptions,
    get world() {
      return store.world;
    },
    summary: () => summarise(store.world),
    image(id) {
      const record = store.world.images.find((i) => i.id === id);
      return record ? { record, path: store.imagePath(record) } : null;
    },
    revokeSessions,
    flush: () => store.flush(),
    async close() {
      await emulatorServer.close();
      store.close();
    },
  };
}
