/**
 * A plain HTTP relay in front of the Imago emulator for the archive-job tests: everything passes
 * through, except that the next upload's (`POST …/image`, exactly) reply can be held back for ever
 * or dropped (the connection reset after Imago stored the photo). The emulator's own
 * `dropResponseNext` matches paths by substring, so it cannot tell `/image` from `/imagery` and
 * `/image-metadata`; the promise under test is about the upload itself.
 */
import { createServer, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface UploadRelay {
  /** The Imago base URL to give the client (the relay's address, the emulator's base path). */
  baseUrl: string;
  /** Holds the reply of the `n`th upload from now; resolves once Imago has answered it (and stored the photo). */
  holdUpload(n: number): Promise<void>;
  /** Resets the connection of the next `count` uploads once Imago has answered them. */
  dropUploads(count: number): void;
  /** Upload replies dropped so far. */
  readonly dropped: number;
  close(): Promise<void>;
}

export async function startUploadRelay(target: string): Promise<UploadRelay> {
  const to = new URL(target);
  let uploads = 0;
  let holdAt = 0;
  let toDrop = 0;
  let dropped = 0;
  let onHeld: () => void = () => {};
  const held: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const upload = req.method === 'POST' && new URL(req.url ?? '/', 'http://relay').pathname === `${to.pathname}/image`;
    const n = upload ? ++uploads : 0;
    const upstream = request({ host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers }, (reply) => {
      if (upload && n === holdAt) {
        reply.resume();
        held.push(res);
        onHeld();
        return;
      }
      if (upload && toDrop > 0) {
        toDrop--;
        dropped++;
        reply.resume();
        reply.on('end', () => res.socket?.destroy());
        return;
      }
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${to.pathname}`,
    holdUpload(n) {
      holdAt = uploads + n;
      return new Promise((resolve) => (onHeld = resolve));
    },
    dropUploads(count) {
      toDrop = count;
    },
    get dropped() {
      return dropped;
    },
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
