/**
 * The one module that touches hcloud-js. It absorbs the SDK's sharp edges so that the rest of the
 * package sees typed data and StagelyErrors only:
 * - hcloud-js' response interceptor is replaced by core's instrumentAxios: hcloud-js turns HTTP errors
 *   into an APIError that is not an Error and has no status or headers, and throws a TypeError on a
 *   non-JSON body (an HTML 502). Core's interceptors also put the call's signal on each request
 *   (hcloud-js takes no AbortSignal), wait for the rate limiter and report `request` events.
 * - hcloud-js has no retries (checked in its source); core's withRetry, in provider.ts, is the only loop.
 * - Where hcloud-js' models drop fields (architecture, deprecation, labels, availability) or break (a
 *   server without IPv4, a list without `meta`), the call is made through the same axios instance and
 *   parsed here, item by item and leniently (schemas.ts).
 * - `servers.build().create()` returns a Server whose own methods are broken: the body of the
 *   create response is read instead, and everything after it works by id.
 */
import {
  ApiError,
  falseWhenNotFound,
  instrumentAxios,
  isStagelyError,
  issueField,
  nullWhenNotFound,
  type EventSink,
  type InstrumentedAxios,
  type Page,
  type RateLimiter,
  type Redactor,
} from '@stagely/provider-core/provider';
import hcloud, { type Client } from 'hcloud-js';
import * as v from 'valibot';
import { HETZNER_API, HETZNER_HTTP_ERRORS } from '../errors.js';
import {
  actionResponse,
  actionSchema,
  actionsResponse,
  createImageResponse,
  createServerResponse,
  imageResponse,
  imageSchema,
  locationSchema,
  metaSchema,
  serverResponse,
  serverSchema,
  serverTypeSchema,
  sshKeySchema,
  type ActionData,
  type HetznerArchitecture,
  type ImageData,
  type LocationData,
  type ServerData,
  type ServerTypeData,
  type SshKeyData,
} from './schemas.js';

export interface HetznerApiOptions {
  token: string;
  /** Base URL with `/v1`. */
  endpoint: string;
  timeoutMs: number;
  provider: string;
  redact: Redactor;
  events?: EventSink | undefined;
  limiter?: RateLimiter | undefined;
}

/** One page of a list and the number of the next one. */
export type HetznerPage<T> = Page<T, number>;

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

/** A server the create request made, and the action that boots it (null when the answer had none readable). */
export interface CreatedServer {
  server: ServerData;
  action: ActionData | null;
}

/** Hetzner's largest page. */
export const PER_PAGE = 50;
/** Action ids asked for in one `GET /actions` (the API's page size: an answer is never cut short). */
export const ACTIONS_PER_CALL = 25;

export class HetznerApi {
  readonly #client: Client;
  readonly #http: InstrumentedAxios;
  readonly #options: HetznerApiOptions;

  constructor(options: HetznerApiOptions) {
    this.#options = options;
    // hcloud-js joins the base URL and `/servers` itself; a trailing slash keeps `/v1` in place.
    this.#client = new hcloud.Client({ token: options.token, baseURL: `${options.endpoint}/`, timeout: options.timeoutMs, proxy: false });
    this.#http = instrumentAxios(this.#client.axios, {
      provider: options.provider,
      api: HETZNER_API,
      events: options.events,
      limiter: options.limiter,
      redact: options.redact,
      timeoutMs: options.timeoutMs,
      errors: HETZNER_HTTP_ERRORS,
      replaceResponseInterceptors: true,
    });
  }

  async #get<S extends v.GenericSchema>(operation: string, signal: AbortSignal | undefined, url: string, params: Record<string, unknown>, schema: S): Promise<v.InferOutput<S>> {
    return this.#http.call(operation, signal, async () => {
      const response = await this.#client.axios.request({ url, method: 'GET', params, signal });
      return this.#parse(operation, schema, response.data);
    });
  }

  /** One page of a list, parsed item by item: an item without an id or name is skipped, not fatal. */
  async #list<S extends v.GenericSchema>(
    operation: string,
    signal: AbortSignal | undefined,
    url: string,
    key: string,
    params: Record<string, unknown>,
    page: number | undefined,
    item: S,
  ): Promise<HetznerPage<v.InferOutput<S>>> {
    return this.#http.call(operation, signal, async () => {
      const response = await this.#client.axios.request({ url, method: 'GET', params: { ...params, page: page ?? 1, per_page: PER_PAGE }, signal });
      const data = response.data as Record<string, unknown> | null | undefined;
      const list = data?.[key];
      if (!Array.isArray(list)) throw this.#unexpected(operation, `the answer has no "${key}" list`);
      const meta = v.safeParse(metaSchema, data?.meta);
      if (!meta.success) throw this.#unexpected(operation, 'the answer has no meta.pagination.next_page, so the list cannot be paged');
      const items = list.flatMap((entry: unknown) => {
        const parsed = v.safeParse(item, entry);
        return parsed.success ? [parsed.output] : [];
      });
      return { items, next: meta.output.pagination.next_page };
    });
  }

  #parse<S extends v.GenericSchema>(operation: string, schema: S, data: unknown): v.InferOutput<S> {
    const parsed = v.safeParse(schema, data);
    if (parsed.success) return parsed.output;
    const issue = parsed.issues[0];
    throw this.#unexpected(operation, `${issueField(issue) || 'body'} ${issue.message}`);
  }

  #unexpected(operation: string, what: string): ApiError {
    return new ApiError(`Unexpected response from the Hetzner API for ${operation}: ${what}`, undefined, {
      provider: this.#options.provider,
      details: { operation, unexpected: true },
    });
  }

  // ---- account -------------------------------------------------------------------------------

  listLocations(page: number | undefined, signal?: AbortSignal): Promise<HetznerPage<LocationData>> {
    return this.#list('locations.list', signal, '/locations', 'locations', {}, page, locationSchema);
  }

  listServerTypes(page: number | undefined, signal?: AbortSignal): Promise<HetznerPage<ServerTypeData>> {
    return this.#list('server_types.list', signal, '/server_types', 'server_types', {}, page, serverTypeSchema);
  }

  listSshKeys(page: number | undefined, signal?: AbortSignal): Promise<HetznerPage<SshKeyData>> {
    return this.#list('ssh_keys.list', signal, '/ssh_keys', 'ssh_keys', {}, page, sshKeySchema);
  }

  // ---- images --------------------------------------------------------------------------------

  /** System images (Ubuntu, Debian, ...) built for `architecture`, deprecated ones included. */
  listSystemImages(architecture: HetznerArchitecture, page: number | undefined, signal?: AbortSignal): Promise<HetznerPage<ImageData>> {
    return this.#list('images.list', signal, '/images', 'images', { type: 'system', architecture, include_deprecated: true }, page, imageSchema);
  }

  /** `null` when there is no such image. */
  async getImage(id: number, signal?: AbortSignal): Promise<ImageData | null> {
    return nullWhenNotFound(this.#get('images.get', signal, `/images/${id}`, {}, imageResponse).then((r) => r.image));
  }

  listImages(filter: { labelSelector: string; type: 'snapshot' }, page: number | undefined, signal?: AbortSignal): Promise<HetznerPage<ImageData>> {
    return this.#list('images.list', signal, '/images', 'images', { label_selector: filter.labelSelector, type: filter.type }, page, imageSchema);
  }

  /** Resolves to false when the image did not exist. */
  async deleteImage(id: number, signal?: AbortSignal): Promise<boolean> {
    return falseWhenNotFound(this.#http.call('images.delete', signal, () => this.#client.images.delete(id)));
  }

  // ---- servers -------------------------------------------------------------------------------

  /** `null` when there is no such server. */
  getServer(id: number, signal?: AbortSignal): Promise<ServerData | null> {
    return nullWhenNotFound(this.#get('servers.get', signal, `/servers/${id}`, {}, serverResponse).then((r) => r.server));
  }

  listServers(filter: { labelSelector?: string; name?: string }, page: number | undefined, signal?: AbortSignal): Promise<HetznerPage<ServerData>> {
    return this.#list('servers.list', signal, '/servers', 'servers', { label_selector: filter.labelSelector, name: filter.name }, page, serverSchema);
  }

  /** Returns once Hetzner accepted the server, with the action that boots it in the background. */
  createServer(request: CreateServerRequest, signal?: AbortSignal): Promise<CreatedServer> {
    return this.#http.call('servers.create', signal, async (context) => {
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
      const created = this.#parse('servers.create', createServerResponse, context.response?.data);
      return { server: created.server, action: created.action ?? null };
    });
  }

  /** The id of the delete action, or null when the server did not exist. */
  async deleteServer(id: number, signal?: AbortSignal): Promise<number | null> {
    try {
      const action = await this.#http.call('servers.delete', signal, () => this.#client.servers.delete(id));
      return action.id;
    } catch (error) {
      if (isStagelyError(error, 'NOT_FOUND')) return null;
      throw error;
    }
  }

  /** Starts a snapshot of the server; the image is `creating` until the action succeeds. Only the ids are read. */
  createSnapshot(serverId: number, description: string, labels: Record<string, string>, signal?: AbortSignal): Promise<{ imageId: number; actionId: number }> {
    const operation = 'servers.create_image';
    return this.#http.call(operation, signal, async () => {
      const response = await this.#client.axios.request({
        url: `/servers/${serverId}/actions/create_image`,
        method: 'POST',
        data: { type: 'snapshot', description, labels },
        signal,
      });
      const created = this.#parse(operation, createImageResponse, response.data);
      return { imageId: created.image.id, actionId: created.action.id };
    });
  }

  getAction(id: number, signal?: AbortSignal): Promise<ActionData> {
    return this.#get('actions.get', signal, `/actions/${id}`, {}, actionResponse).then((r) => r.action);
  }

  /**
   * `GET /actions?id=1&id=2`: up to ACTIONS_PER_CALL actions in one request (the API repeats `id`;
   * axios would write `id[]`, so the query is built here). An id the answer leaves out is unknown.
   */
  getActions(ids: readonly number[], signal?: AbortSignal): Promise<ActionData[]> {
    if (ids.length > ACTIONS_PER_CALL) throw new RangeError(`getActions: at most ${ACTIONS_PER_CALL} ids, got ${ids.length}`);
    const query = new URLSearchParams(ids.map((id): [string, string] => ['id', String(id)])).toString();
    return this.#get('actions.list', signal, `/actions?${query}`, {}, actionsResponse).then((r) =>
      r.actions.flatMap((entry) => {
        const parsed = v.safeParse(actionSchema, entry);
        return parsed.success ? [parsed.output] : [];
      }),
    );
  }
}
