/**
 * A loopback HTTP server for stateful fake cloud APIs (docs/architecture.md, "Testing"): the real SDK talks to it over
 * 127.0.0.1, so its serialisation and error parsing are exercised. Routes match on method, a path
 * pattern, and optionally a form/query `Action` (EC2's query protocol posts everything to `/`).
 * Every call goes through the fault plan and is written to the request log; every answer, injected
 * ones included, through the optional `decorate` hook.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { FaultPlan, type FaultSelector } from './fault-plan.js';
import { requestLogView, runWithFaults, type RequestLogEntry } from './faulted-call.js';
import { listenLoopback, readBody, send } from './loopback-http.js';
import { FakeHttpError, json, type FakeResponse } from './responses.js';
import { matchPath, type PathParams } from './route-pattern.js';

export interface FakeRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  params: PathParams;
  /** Query fields (the last value of a repeated one; `url.searchParams` has them all). */
  query: Record<string, string>;
  url: URL;
  /**
   * JSON bodies parsed; form bodies (`application/x-www-form-urlencoded`) as a field record;
   * anything else as text; `undefined` when empty. Unparseable JSON stays text.
   */
  body: unknown;
  rawBody: string;
  headers: IncomingHttpHeaders;
  /** The matched route's operation name. */
  operation: string;
}

export type FakeHandler = (request: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export interface FakeRoute {
  /** HTTP method, or `*` for any. */
  method: string;
  /** `/v1/servers/:id`; a last segment `*` matches the rest. */
  path: string;
  /** Matches a form-body or query field `Action` (EC2 / AWS query protocol). */
  action?: string;
  /** Any further condition, e.g. on a body field. */
  where?: (request: FakeRequest) => boolean;
  /** Names the call in the log and for fault rules; default the action, else `METHOD path`. */
  operation?: string;
}

export type { RequestLogEntry } from './faulted-call.js';

export interface FakeServerOptions {
  /** Seed for rate-based faults; default 1. */
  seed?: number;
  /** Answer for calls no route matches; default a JSON 404. */
  notFound?: FakeHandler;
  /**
   * Applied to every answer before it is sent: handlers', `notFound`'s, a crashed handler's 500 and
   * injected faults' (either phase), so a fake can add what its API puts on every response (e.g.
   * `RateLimit-*` headers) in one place. Not called for resets, which send nothing.
   */
  decorate?: FakeDecorator;
}

/** Gets the answer about to be sent and the call it answers; returns what is sent instead. */
export type FakeDecorator = (response: FakeResponse, request: FakeRequest) => FakeResponse;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface FakeServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly faults: FaultPlan;
  readonly log: readonly RequestLogEntry[];
  route(route: FakeRoute, handler: FakeHandler): FakeServer;
  get(path: string, handler: FakeHandler, operation?: string): FakeServer;
  post(path: string, handler: FakeHandler, operation?: string): FakeServer;
  put(path: string, handler: FakeHandler, operation?: string): FakeServer;
  patch(path: string, handler: FakeHandler, operation?: string): FakeServer;
  delete(path: string, handler: FakeHandler, operation?: string): FakeServer;
  /** Logged calls picked by `selector` (an operation name, or method / path / operation). */
  count(selector?: string | FaultSelector): number;
  clearLog(): void;
  /** Stops listening and destroys open connections (keep-alive ones included). */
  close(): Promise<void>;
}

interface RegisteredRoute {
  route: FakeRoute;
  operation: string;
  handler: FakeHandler;
}

export async function startFakeServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  const routes: RegisteredRoute[] = [];
  const faults = new FaultPlan(options.seed === undefined ? {} : { seed: options.seed });
  const log: RequestLogEntry[] = [];
  const notFound: FakeHandler =
    options.notFound ?? ((request) => json(404, { error: 'no such route', method: request.method, path: request.path }));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = (await readBody(req)).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const request: FakeRequest = {
      method,
      path: url.pathname,
      params: {},
      query: Object.fromEntries(url.searchParams),
      url,
      body: parseBody(rawBody, req.headers['content-type']),
      rawBody,
      headers: req.headers,
      operation: '',
    };
    const matched = findRoute(routes, request);
    const entry: RequestLogEntry = {
      method,
      path: url.pathname,
      search: url.search.slice(1),
      operation: matched?.operation,
      status: null,
      faulted: false,
    };

    const routed: FakeRequest = matched ? { ...request, params: matched.params, operation: matched.operation } : request;
    const call = { method, path: url.pathname, operation: matched?.operation };
    const response = await runWithFaults({ faults, log, entry, call, socket: req.socket, delay }, () =>
      runHandler(matched?.handler ?? notFound, routed, entry),
    );
    if (response) answer(res, entry, response, routed);
  }

  async function runHandler(handler: FakeHandler, request: FakeRequest, entry: RequestLogEntry): Promise<FakeResponse> {
    try {
      return await handler(request);
    } catch (error) {
      if (error instanceof FakeHttpError) return error.response;
      entry.error = describe(error);
      return json(500, { error: 'fake handler failed', message: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Decorates, records the status and sends. */
  function answer(res: ServerResponse, entry: RequestLogEntry, response: FakeResponse, request: FakeRequest): void {
    let sent = response;
    if (options.decorate) {
      try {
        sent = options.decorate(response, request);
      } catch (error) {
        entry.error = describe(error);
        sent = json(500, { error: 'fake decorate failed', message: error instanceof Error ? error.message : String(error) });
      }
    }
    entry.status = sent.status;
    send(res, sent);
  }

  const server = await listenLoopback(handle);
  const delay = (ms: number) => server.delay(ms);

  const api: FakeServer = {
    url: server.url,
    faults,
    route(route, handler) {
      const operation = route.operation ?? route.action ?? `${route.method.toUpperCase()} ${route.path}`;
      routes.push({ route, operation, handler });
      return api;
    },
    get: (path, handler, operation) => addMethod('GET', path, handler, operation),
    post: (path, handler, operation) => addMethod('POST', path, handler, operation),
    put: (path, handler, operation) => addMethod('PUT', path, handler, operation),
    patch: (path, handler, operation) => addMethod('PATCH', path, handler, operation),
    delete: (path, handler, operation) => addMethod('DELETE', path, handler, operation),
    ...requestLogView(log),
    close: () => server.close(),
  };

  function addMethod(method: Method, path: string, handler: FakeHandler, operation?: string): FakeServer {
    return api.route(operation === undefined ? { method, path } : { method, path, operation }, handler);
  }

  return api;
}

function findRoute(routes: readonly RegisteredRoute[], request: FakeRequest): (RegisteredRoute & { params: PathParams }) | undefined {
  for (const registered of routes) {
    const { route } = registered;
    if (route.method !== '*' && route.method.toUpperCase() !== request.method) continue;
    const params = matchPath(route.path, request.path);
    if (!params) continue;
    if (route.action !== undefined && actionOf(request) !== route.action) continue;
    if (route.where && !route.where({ ...request, params, operation: registered.operation })) continue;
    return { ...registered, params };
  }
  return undefined;
}

function actionOf(request: FakeRequest): string | undefined {
  const body = request.body;
  if (body !== null && typeof body === 'object' && typeof (body as Record<string, unknown>).Action === 'string') {
    return (body as Record<string, string>).Action;
  }
  return request.query.Action;
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw === '') return undefined;
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(raw));
  if (type === 'application/json' || type.endsWith('+json') || type === '') {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  }
  return raw;
}
