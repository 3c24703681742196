/**
 * The HTTP plumbing the kit's loopback servers share (the fake API server and the fault proxy):
 * listening on 127.0.0.1, delays that close() cancels, closing with keep-alive sockets open, reading
 * bodies, answering a FakeResponse, and resetting a connection the way a real network does.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { json, type FakeResponse } from './responses.js';

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  /** Resolves after `ms`, or never once the server closes (its caller then finds the socket destroyed). */
  delay(ms: number): Promise<void>;
  /** Stops listening, cancels delays and destroys open connections (keep-alive ones included). */
  close(): Promise<void>;
}

/** Serves `handle` on a free loopback port; a handler that throws is answered 500 when it can be. */
export async function listenLoopback(handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) send(res, json(500, { error: 'loopback server failed', message: String(error) }));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    delay: (ms) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, ms);
        timers.add(timer);
      }),
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}

/** A TCP RST where the platform can send one, so clients see ECONNRESET as from a real reset. */
export function resetConnection(socket: Socket): void {
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Writes `response`; a string or byte body as it is, anything else as JSON. */
export function send(res: ServerResponse, response: FakeResponse): void {
  if (res.destroyed) return;
  const { body } = response;
  const payload =
    body === undefined ? undefined : typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
  const headers: Record<string, string | number | readonly string[]> = { ...response.headers };
  const hasType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  if (payload !== undefined && !hasType && !(typeof body === 'string' || body instanceof Uint8Array)) {
    headers['content-type'] = 'application/json';
  }
  res.writeHead(response.status, headers as Record<string, string | number | string[]>);
  res.end(payload);
}
