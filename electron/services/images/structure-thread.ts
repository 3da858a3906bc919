/**
 * Entry of a structure-check thread (a `worker_threads` thread of the service process): walks a
 * JPEG's coded data or a PNG's chunks (jpeg-structure.ts, png-structure.ts) off the main thread, so
 * the bridge stays responsive and walks run on spare cores beside libvips. See structure-threads.ts.
 * Bundled to dist/electron/structure-thread.cjs by scripts/build.mjs.
 */
import { parentPort } from 'node:worker_threads';
import { FileChanged, ImageDamage } from './image-damage';
import type { StructureReply, StructureRequest } from './structure-threads';
import { walkHere } from './structure-walk';

const port = parentPort;
if (port === null) throw new Error('structure-thread.ts runs as a worker thread');

port.on('message', (request: StructureRequest) => {
  const { structure, filePath } = request;
  walkHere(structure, filePath, { dcImage: request.dcImage === true, hash: request.hash === true }).then(
    (result) => {
      // The DC image's pixels are handed over, not copied.
      const transfer = result.dcImage === null ? [] : [result.dcImage.pixels.buffer as ArrayBuffer];
      port.postMessage({ id: request.id, ok: true, result } satisfies StructureReply, transfer);
    },
    (error: unknown) =>
      port.postMessage(
        (error instanceof ImageDamage
          ? { id: request.id, ok: false, damage: error.what }
          : error instanceof FileChanged
          ? { id: request.id, ok: false, changed: true }
          : { id: request.id, ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }) satisfies StructureReply,
      ),
  );
});
