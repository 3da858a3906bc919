/** The messages browser mode exchanges over its WebSocket (the renderer side is in renderer/src/bridge). */
import { z } from 'zod';
import type { Result } from '../../common/result';

export const bridgeMessageSchema = z.object({
  type: z.literal('call'),
  id: z.number().int().nonnegative(),
  method: z.string().max(100),
  input: z.unknown().optional(),
});

export type BridgeServerMessage =
  | { type: 'result'; id: number; result: Result<unknown> }
  | { type: 'event'; event: string; payload: unknown };
