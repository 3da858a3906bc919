/**
 * What every Imago route needs: the store, the clock, the current behaviour options, and the
 * checks they share (who is calling, may they write here, how to read the query).
 */
import type { EmulatorClock } from '../kit/clock';
import { HttpError, type EmulatorRequest, type QueryParams } from '../kit/http-kit';
import type { ImagoBehaviour } from './options';
import { queryParams } from './search';
import type { Account, Workspace } from './state';
import type { ImagoStore } from './store';
import type { UrlSigner } from './signed-url';

export interface ImagoApiContext {
  store: ImagoStore;
  clock: EmulatorClock;
  behaviour(): ImagoBehaviour;
  signer: UrlSigner;
  /** e.g. `http://127.0.0.1:4010/integrate/2`, for the signed links. */
  baseUrl(): string;
}

export function query(ctx: ImagoApiContext, req: EmulatorRequest): QueryParams {
  return queryParams(req.url.searchParams, ctx.behaviour().caseInsensitiveParams);
}

/** The token from `Authorization: Bearer …`, or the [OLD] `imago-api-token` header when allowed. */
export function tokenOf(ctx: ImagoApiContext, req: EmulatorRequest): string | null {
  const auth = req.headers.authorization;
  if (typeof auth === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (match) return match[1]!;
  }
  const old = req.headers['imago-api-token'];
  if (ctx.behaviour().acceptOldTokenHeader && typeof old === 'string' && old) return old;
  return null;
}

/** The signed-in account, or 401: no token, unknown token, signed out, or expired. */
export function authenticate(ctx: ImagoApiContext, req: EmulatorRequest): Account {
  refuseWhenSlowingDown(ctx);
  const token = tokenOf(ctx, req);
  if (!token) throw new HttpError(401, 'Not authorised: no API token was sent');
  const world = ctx.store.world;
  const session = world.sessions.find((s) => s.token === token);
  if (!session) throw new HttpError(401, 'Not authorised: the API token is not valid');
  if (ctx.clock.now() >= session.expiresAt) {
    world.sessions = world.sessions.filter((s) => s !== session);
    ctx.store.save();
    throw new HttpError(401, 'Not authorised: the API token has expired');
  }
  const account = world.accounts.find((a) => a.uid === session.uid);
  if (!account) throw new HttpError(401, 'Not authorised: the account no longer exists');
  return account;
}

/** Refuses writes to a readonly workspace with the configured status (default 403). */
export function assertWritable(ctx: ImagoApiContext, workspace: Workspace): void {
  if (workspace.readonly) {
    throw new HttpError(ctx.behaviour().readonlyStatus, `Workspace "${workspace.name}" is read-only for this account`);
  }
}

export function unknownName(ctx: ImagoApiContext, message: string): HttpError {
  return new HttpError(ctx.behaviour().unknownNameStatus, message);
}

export function ambiguous(ctx: ImagoApiContext, message: string): HttpError {
  return new HttpError(ctx.behaviour().ambiguityStatus, message);
}

/** Runs a multi-item write all-or-nothing: a refused item leaves the world as it was. */
export async function transaction<T>(ctx: ImagoApiContext, fn: () => T | Promise<T>): Promise<T> {
  const before = structuredClone(ctx.store.world);
  try {
    const result = await fn();
    ctx.store.save();
    return result;
  } catch (error) {
    ctx.store.world = before;
    throw error;
  }
}

export const isoNow = (ctx: ImagoApiContext) => ctx.clock.nowIso();

/**
 * `slowDown`: every authenticated call is refused as an overloaded or rate-limiting front end
 * refuses it — 429 without or with `Retry-After` (1 s), or 503 without it (reference: rate limits
 * are not documented).
 */
function refuseWhenSlowingDown(ctx: ImagoApiContext): void {
  const mode = ctx.behaviour().slowDown;
  if (mode === '429') throw new HttpError(429, 'Too many requests');
  if (mode === '429-retry-after') throw new HttpError(429, 'Too many requests', { 'retry-after': '1' });
  if (mode === '503') throw new HttpError(503, 'Service unavailable: the server is busy');
}
