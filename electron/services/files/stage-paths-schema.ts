import { z } from 'zod';

/** What the preload sends when files are handed over: absolute paths of real File objects. */
export const stagePathsSchema = z
  .array(z.object({ path: z.string().min(1, 'a file without a path cannot be handed over').max(4096), name: z.string().max(1024) }).strict())
  .min(1)
  .max(2000);
