/**
 * A throwaway HTTP server on 127.0.0.1 for tests of the HTTP layer: `serve(handler)` starts it and
 * gives its origin; `stopServer()` (in afterEach) cuts its connections and closes it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

let server: Server | null = null;

export async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function stopServer(): Promise<void> {
  const current = server;
  server = null;
  if (current) {
    current.closeAllConnections();
    await new Promise((resolve) => current.close(resolve));
  }
}
