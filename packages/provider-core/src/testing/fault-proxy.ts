/**
 * A fault-injecting forwarding proxy (docs/architecture.md, "Testing"): HTTP in, a real backend
 * behind (an emulator such as moto, or one of our fakes), with the same FaultPlan as the fake
 * server. A `before` fault keeps the call from the backend; an `after` fault lets the backend carry
 * it out and then holds, replaces or loses the answer, so the faults and lost-response checks run
 * in front of any backend.
 */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { FaultPlan, type FaultSelector } from './fault-plan.js';
import { requestLogView, runWithFaults, type RequestLogEntry } from './faulted-call.js';
import { listenLoopback, readBody, send } from './loopback-http.js';
import { json, type FakeHeaders, type FakeResponse } from './responses.js';

/** What the proxy knows of a call when it names it. */
export interface ProxiedCall {
  method: string;
  path: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface FaultProxyOptions {
  /** The backend, e.g. `http://127.0.0.1:5000`; a path prefix on it is kept. */
  target: string;
  /**
   * Names a call for fault selectors and the log. Default: the AWS query protocol's `Action` (form
   * body or query), else the JSON protocol's `X-Amz-Target` operation, else none.
   */
  operationOf?: (call: ProxiedCall) => string | undefined;
  /** Seed for rate-based faults; default 1. */
  seed?: number;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: point the client here instead of at the backend. */
  readonly url: string;
  readonly faults: FaultPlan;
  readonly log: readonly RequestLogEntry[];
  /** Logged calls picked by `selector` (an operation name, or method / path / operation). */
  count(selector?: string | FaultSelector): number;
  clearLog(): void;
  close(): Promise<void>;
}

/** Hop-by-hop headers (RFC 9110 §7.6.1) and framing the proxy recomputes. */
const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'content-length']);

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  if (target.protocol !== 'http:') throw new RangeError(`startFaultProxy: target must be an http: URL, got ${target.protocol}`);
  const operationOf = options.operationOf ?? awsOperation;
  const faults = new FaultPlan(options.seed === undefined ? {} : { seed: options.seed });
  const log: RequestLogEntry[] = [];

  const server = await listenLoopback(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const operation = operationOf({ method, path: url.pathname, url, headers: req.headers, body });
    const entry: RequestLogEntry = { method, path: url.pathname, search: url.search.slice(1), operation, status: null, faulted: false };
    const response = await runWithFaults(
      { faults, log, entry, call: { method, path: url.pathname, operation }, socket: req.socket, delay: (ms) => server.delay(ms) },
      () => forward(target, req, url, body, entry),
    );
    if (!response) return;
    entry.status = response.status;
    send(res, response);
  });

  return {
    url: server.url,
    faults,
    ...requestLogView(log),
    close: () => server.close(),
  };
}

/** Sends the call on to the backend and reads its whole answer; a backend that cannot be reached is a 502. */
function forward(target: URL, req: IncomingMessage, url: URL, body: Buffer, entry: RequestLogEntry): Promise<FakeResponse> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !NOT_FORWARDED.has(name)) headers[name] = value;
  }
  headers['content-length'] = String(body.length);
  const prefix = target.pathname.replace(/\/$/, '');
  return new Promise((resolve) => {
    const outgoing = httpRequest(
      { hostname: target.hostname, port: target.port, method: req.method, path: `${prefix}${url.pathname}${url.search}`, headers },
      (incoming) => {
        readBody(incoming).then(
          (answer) => resolve({ status: incoming.statusCode ?? 502, headers: relayedHeaders(incoming.headers), body: answer }),
          (error: unknown) => resolve(backendFailed(entry, error)),
        );
      },
    );
    outgoing.on('error', (error) => resolve(backendFailed(entry, error)));
    outgoing.end(body);
  });
}

function relayedHeaders(headers: IncomingHttpHeaders): FakeHeaders {
  const relayed: FakeHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !NOT_FORWARDED.has(name)) relayed[name] = value;
  }
  return relayed;
}

function backendFailed(entry: RequestLogEntry, error: unknown): FakeResponse {
  entry.error = error instanceof Error ? error.message : String(error);
  return json(502, { error: 'fault proxy: the backend did not answer', message: entry.error });
}

/** `Action` of the AWS query protocol (EC2), or the operation of the JSON protocol's `X-Amz-Target`. */
export function awsOperation(call: ProxiedCall): string | undefined {
  const type = String(call.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    const action = new URLSearchParams(call.body.toString('utf8')).get('Action');
    if (action) return action;
  }
  const query = call.url.searchParams.get('Action');
  if (query) return query;
  const amzTarget = call.headers['x-amz-target'];
  return typeof amzTarget === 'string' ? amzTarget.split('.').at(-1) : undefined;
}
