/**
 * The one module that touches hcloud-js. It absorbs the SDK's sharp edges so that the rest of the
 * package sees typed data and StagelyErrors only:
 * - hcloud-js' response interceptor is replaced: it turns HTTP errors into an APIError that is not an
 *   Error and has no status or headers, and throws a TypeError on a non-JSON body (an HTML 502).
 *   Ours translates the axios error at once (errors.ts) and keeps nothing of it.
 * - hcloud-js has no retries (checked in its source); core's withRetry, in provider.ts, is the only loop.
 * - hcloud-js takes no AbortSignal: each call runs in an AsyncLocalStorage context whose signal a
 *   request interceptor puts on the request, so an abort cancels the HTTP request itself.
 * - Where hcloud-js' models drop fields (architecture, deprecation, labels) or break (a server
 *   without IPv4), the call is made through the same axios instance and parsed here (schemas.ts).
 * - `servers.build().create()` returns a Server whose own methods are broken: the body of the
 *   create response is read instead, and everything after it works by id.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ApiError, emit, isStagelyError, type EventSink, type Redactor } from '@stagely/provider-core/provider';
import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import hcloud, { type Client, type ListParams } from 'hcloud-js';
import type { z } from 'zod';
import { isAxiosError, toStagelyError } from '../errors.js';
import {
  createImageResponse,
  imageListResponse,
  imageResponse,
  serverListResponse,
  serverResponse,
  serverTypeListResponse,
  type ActionData,
  type HetznerArchitecture,
  type ImageData,
  type ServerData,
  type ServerTypeData,
} from './schemas.js';

export interface HetznerApiOptions {
  token: string;
  /** Base URL with `/v1`. */
  endpoint: string;
  timeoutMs: number;
  provider: string;
  redact: Redactor;
  events?: EventSink | undefined;
}

/** One page of a list and the number of the next one (null on the last page). */
export interface Page<T> {
  items: T[];
  nextPage: number | null;
}

export interface CreateServerRequest {
  name: string;
  serverType: string;
  location: string;
  /** An image name (`ubuntu-24.04`) or id. */
  image: string | number;
  sshKeyIds: number[];
  userData?: string | undefined;
  labels: Record<string, string>;
}

export interface LocationData {
  name: string;
  description: string;
}

export interface SystemImageData {
  id: number;
  name: string | null;
  osFlavor: string;
  osVersion: string | null;
  deprecated: boolean;
}

export interface SshKeyData {
  id: number;
  name: string;
  fingerprint: string;
}

/** Hetzner's largest page. */
const PER_PAGE = 50;
const STARTED = Symbol('stagely.requestStarted');

interface CallContext {
  operation: string;
  signal: AbortSignal | undefined;
  /** The last HTTP answer of this call, so a body hcloud-js cannot model is still read. */
  response?: { status: number; data: unknown };
}

type TimedConfig = InternalAxiosRequestConfig & { [STARTED]?: number };

export class HetznerApi {
  readonly #client: Client;
  readonly #calls = new AsyncLocalStorage<CallContext>();
  readonly #options: HetznerApiOptions;

  constructor(options: HetznerApiOptions) {
    this.#options = options;
    // hcloud-js joins the base URL and `/servers` itself; a trailing slash keeps `/v1` in place.
    this.#client = new hcloud.Client({ token: options.token, baseURL: `${options.endpoint}/`, timeout: options.timeoutMs, proxy: false });
    const http = this.#client.axios;
    http.interceptors.response.clear();
    http.interceptors.request.use((config: TimedConfig) => {
      const call = this.#calls.getStore();
      if (call?.signal && !config.signal) config.signal = call.signal;
      config[STARTED] = performance.now();
      return config;
    });
    http.interceptors.response.use(
      (response: AxiosResponse) => {
        this.#observe(response.config as TimedConfig, response.status, response.data);
        return response;
      },
      (error: unknown) => {
        const call = this.#calls.getStore();
        if (isAxiosError(error)) {
          const config = (error as { config?: TimedConfig }).config;
          if (config) this.#observe(config, error.response?.status, error.response?.data);
        }
        // Translated here, so that neither hcloud-js nor anything above ever holds the raw error.
        return Promise.reject(
          toStagelyError(error, {
            provider: options.provider,
            redact: options.redact,
            operation: call?.operation,
            signal: call?.signal,
            timeoutMs: options.timeoutMs,
          }),
        );
      },
    );
  }

  /** The API's word on a response status, for `request` events and the create's raw body. */
  #observe(config: TimedConfig, status: number | undefined, data: unknown): void {
    const call = this.#calls.getStore();
    if (call && status !== undefined) call.response = { status, data };
    const started = config[STARTED];
    emit(this.#options.events, {
      type: 'request',
      provider: this.#options.provider,
      operation: call?.operation ?? `${(config.method ?? 'get').toUpperCase()} ${config.url ?? ''}`,
      ...(started === undefined ? {} : { durationMs: Math.round(performance.now() - started) }),
      ...(status === undefined ? {} : { status }),
    });
  }

  /** Runs one API call with its signal and operation name; whatever fails comes out a StagelyError. */
  async #call<T>(operation: string, signal: AbortSignal | undefined, fn: (context: CallContext) => Promise<T>): Promise<T> {
    const context: CallContext = { operation, signal };
    try {
      return await this.#calls.run(context, () => fn(context));
    } catch (error) {
      throw toStagelyError(error, { provider: this.#options.provider, redact: this.#options.redact, operation, signal });
    }
  }

  async #get<S extends z.ZodType>(operation: string, signal: AbortSignal | undefined, url: string, params: Record<string, unknown>, schema: S): Promise<z.output<S>> {
    return this.#call(operation, signal, async () => {
      const response = await this.#client.axios.request({ url, method: 'GET', params, signal });
      return this.#parse(operation, schema, response.data);
    });
  }

  #parse<S extends z.ZodType>(operation: string, schema: S, data: unknown): z.output<S> {
    const parsed = schema.safeParse(data);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    throw new ApiError(
      `Unexpected response from the Hetzner API for ${operation}: ${issue.path.join('.') || 'body'} ${issue.message}`,
      undefined,
      { provider: this.#options.provider, details: { operation, unexpected: true } },
    );
  }

  // ---- account -------------------------------------------------------------------------------

  listLocations(page: number, signal?: AbortSignal): Promise<Page<LocationData>> {
    return this.#call('locations.list', signal, async () => {
      const list = await this.#client.locations.list(listParams(page));
      return { items: list.locations.map((l) => ({ name: l.name, description: l.description })), nextPage: list.nextPage ?? null };
    });
  }

  listServerTypes(page: number, signal?: AbortSignal): Promise<Page<ServerTypeData>> {
    return this.#get('server_types.list', signal, '/server_types', { page, per_page: PER_PAGE }, serverTypeListResponse).then((r) => ({
      items: r.server_types,
      nextPage: r.meta.pagination.next_page,
    }));
  }

  listSshKeys(page: number, signal?: AbortSignal): Promise<Page<SshKeyData>> {
    return this.#call('ssh_keys.list', signal, async () => {
      const list = await this.#client.sshKeys.list(listParams(page));
      return {
        items: list.sshKeys.map((k) => ({ id: k.id, name: k.name, fingerprint: k.fingerprint })),
        nextPage: list.nextPage ?? null,
      };
    });
  }

  // ---- images --------------------------------------------------------------------------------

  /** System images (Ubuntu, Debian, ...) built for `architecture`, deprecated ones included. */
  listSystemImages(architecture: HetznerArchitecture, page: number, signal?: AbortSignal): Promise<Page<SystemImageData>> {
    return this.#call('images.list', signal, async () => {
      const list = await this.#client.images.list({ ...listParams(page), type: 'system', architecture, includeDeprecated: true });
      return {
        items: list.images.map((i) => ({ id: i.id, name: i.name, osFlavor: i.osFlavor, osVersion: i.osVersion, deprecated: i.deprecated !== null })),
        nextPage: list.nextPage ?? null,
      };
    });
  }

  /** `null` when there is no such image. */
  async getImage(id: number, signal?: AbortSignal): Promise<ImageData | null> {
    return orNull(this.#get('images.get', signal, `/images/${id}`, {}, imageResponse).then((r) => r.image));
  }

  listImages(filter: { labelSelector: string; type: 'snapshot' }, page: number, signal?: AbortSignal): Promise<Page<ImageData>> {
    const params = { label_selector: filter.labelSelector, type: filter.type, page, per_page: PER_PAGE };
    return this.#get('images.list', signal, '/images', params, imageListResponse).then((r) => ({
      items: r.images,
      nextPage: r.meta.pagination.next_page,
    }));
  }

  /** Resolves to false when the image did not exist. */
  async deleteImage(id: number, signal?: AbortSignal): Promise<boolean> {
    return existed(this.#call('images.delete', signal, () => this.#client.images.delete(id)));
  }

  // ---- servers -------------------------------------------------------------------------------

  /** `null` when there is no such server. */
  getServer(id: number, signal?: AbortSignal): Promise<ServerData | null> {
    return orNull(this.#get('servers.get', signal, `/servers/${id}`, {}, serverResponse).then((r) => r.server));
  }

  listServers(filter: { labelSelector?: string; name?: string }, page: number, signal?: AbortSignal): Promise<Page<ServerData>> {
    const params = { label_selector: filter.labelSelector, name: filter.name, page, per_page: PER_PAGE };
    return this.#get('servers.list', signal, '/servers', params, serverListResponse).then((r) => ({
      items: r.servers,
      nextPage: r.meta.pagination.next_page,
    }));
  }

  /** Returns once Hetzner accepted the server; it boots in the background. */
  createServer(request: CreateServerRequest, signal?: AbortSignal): Promise<ServerData> {
    return this.#call('servers.create', signal, async (context) => {
      const builder = this.#client.servers
        .build(request.name)
        .serverType(request.serverType)
        .location(request.location)
        .image(request.image)
        .labels(request.labels);
      for (const id of request.sshKeyIds) builder.sshKey(id);
      if (request.userData !== undefined) builder.userData(request.userData);
      try {
        await builder.create();
      } catch (error) {
        // hcloud-js can throw while modelling a created server (e.g. one without IPv4): the
        // server exists then, and the body says which it is.
        const answered = context.response;
        if (!answered || answered.status >= 300 || isStagelyError(error)) throw error;
      }
      return this.#parse('servers.create', serverResponse, context.response?.data).server;
    });
  }

  /** The id of the delete action, or null when the server did not exist. */
  async deleteServer(id: number, signal?: AbortSignal): Promise<number | null> {
    try {
      const action = await this.#call('servers.delete', signal, () => this.#client.servers.delete(id));
      return action.id;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  /** Starts a snapshot of the server; the image is `creating` until the action succeeds. */
  createSnapshot(serverId: number, description: string, labels: Record<string, string>, signal?: AbortSignal): Promise<{ image: ImageData; action: ActionData }> {
    const operation = 'servers.create_image';
    return this.#call(operation, signal, async () => {
      const response = await this.#client.axios.request({
        url: `/servers/${serverId}/actions/create_image`,
        method: 'POST',
        data: { type: 'snapshot', description, labels },
        signal,
      });
      return this.#parse(operation, createImageResponse, response.data);
    });
  }

  getAction(id: number, signal?: AbortSignal): Promise<ActionData> {
    return this.#call('actions.get', signal, async () => {
      const action = await this.#client.actions.get(id);
      return { id: action.id, command: action.command, status: action.status, error: action.error ?? null };
    });
  }
}

function listParams(page: number): ListParams {
  return { page, perPage: PER_PAGE };
}

function isNotFound(error: unknown): boolean {
  return isStagelyError(error, 'NOT_FOUND');
}

async function orNull<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

async function existed(promise: Promise<unknown>): Promise<boolean> {
  try {
    await promise;
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}
