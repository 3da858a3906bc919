/**
 * `/session`: sign in (POST, and PUT as the [OLD] clients did), check, sign out. Tokens expire
 * a fixed `tokenLifetimeSeconds` after issue, measured on the emulator clock.
 */
import { randomUUID } from 'node:crypto';
import { HttpError, type EmulatorRequest, type Router } from '../kit/http-kit';
import { authenticate, tokenOf, type ImagoApiContext } from './api-context';
import type { ImagoBehaviour } from './options';

export function addSessionRoutes(router: Router, ctx: ImagoApiContext): void {
  const signIn = async (req: EmulatorRequest) => {
    const body = (await req.readJson(64 * 1024)) as { username?: unknown; password?: unknown } | null;
    if (!body || typeof body !== 'object' || typeof body.username !== 'string' || typeof body.password !== 'string') {
      throw new HttpError(422, 'username and password are required');
    }
    const world = ctx.store.world;
    const account = world.accounts.find((a) => a.username === body.username && a.password === body.password);
    if (!account) throw new HttpError(401, 'Invalid username or password');
    const issuedAt = ctx.clock.now();
    const token = randomUUID();
    // Expired sessions are dropped here so the table does not grow forever.
    world.sessions = world.sessions.filter((s) => s.expiresAt > issuedAt);
    world.sessions.push({ token, uid: account.uid, issuedAt, expiresAt: issuedAt + ctx.behaviour().tokenLifetimeSeconds * 1000 });
    ctx.store.save();
    // The Date header on the emulator clock, as a real server's says its own time (an expiry it states is on that clock).
    return { status: 200, headers: { date: new Date(issuedAt).toUTCString() }, json: sessionReply(ctx.behaviour(), account.uid, token, issuedAt) };
  };

  router
    .post('/session', signIn)
    .put('/session', signIn)
    .get('/session', (req) => ({ status: 200, json: { uid: authenticate(ctx, req).uid } }))
    .delete('/session', (req) => {
      authenticate(ctx, req);
      const token = tokenOf(ctx, req);
      ctx.store.world.sessions = ctx.store.world.sessions.filter((s) => s.token !== token);
      ctx.store.save();
      return { status: 200 };
    });
}

/** The sign-in reply in the shape `sessionReplyShape` picks (BEHAVIOUR.md). */
function sessionReply(behaviour: ImagoBehaviour, uid: string, token: string, issuedAt: number): unknown {
  switch (behaviour.sessionReplyShape) {
    case 'token-key':
      return { uid, token };
    case 'data-wrapped':
      return { data: { uid, apiToken: token } };
    case 'no-uid':
      return { apiToken: token };
    case 'states-expiry':
      return { uid, apiToken: token, expiresIn: behaviour.tokenLifetimeSeconds, expiresAt: new Date(issuedAt + behaviour.tokenLifetimeSeconds * 1000).toISOString() };
    default:
      return { uid, apiToken: token };
  }
}
