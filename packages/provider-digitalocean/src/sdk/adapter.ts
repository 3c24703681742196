/**
 * The one module that touches dots-wrapper. It absorbs the SDK's sharp edges so that the rest of
 * the package sees checked data and StagelyErrors only:
 * - dots-wrapper throws raw AxiosErrors that carry the token (config.headers, toJSON()). A
 *   response interceptor on its axios instance translates every failure at once (errors.ts) and
 *   keeps nothing of it.
 * - dots-wrapper has no retries and no interceptors of its own (checked in its source, 3.12.12);
 *   core's withRetry, in provider.ts, is the only loop.
 * - Its client does not expose its axios instance, so the client is built from dots-wrapper's own
 *   `createApiClient` factory with a `createContext` that keeps the instance it makes.
 * - It takes no AbortSignal: each call runs in an AsyncLocalStorage context whose signal a request
 *   interceptor puts on the request, so an abort cancels the HTTP request itself.
 * - Environment proxies are ignored: the endpoint is the one configured.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ApiError, emit, isStagelyError, type EventSink, type Redactor } from '@stagely/provider-core/provider';
import type { AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { modules } from 'dots-wrapper';
import type { z } from 'zod';
import { isAxiosError, toStagelyError } from '../errors.js';
import {
  accountResponse,
  actionListResponse,
  actionResponse,
  dropletListResponse,
  dropletResponse,
  dropletSnapshotListResponse,
  imageListResponse,
  imageResponse,
  regionListResponse,
  sizeListResponse,
  sshKeyListResponse,
  type ActionData,
  type DropletData,
  type DropletSnapshotData,
  type ImageData,
  type RegionData,
  type SizeData,
  type SshKeyData,
} from './schemas.js';

export interface DigitalOceanApiOptions {
  token: string;
  /** Base URL with `/v2`. */
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

export interface CreateDropletRequest {
  name: string;
  size: string;
  region: string;
  /** A slug (`ubuntu-24-04-x64`) or an image id (a snapshot). */
  image: string | number;
  sshKeyIds: number[];
  userData?: string | undefined;
  tags: string[];
}

/** DigitalOcean's largest page. */
export const PER_PAGE = 200;
const STARTED = Symbol('stagely.requestStarted');

interface CallContext {
  operation: string;
  signal: AbortSignal | undefined;
}

type TimedConfig = InternalAxiosRequestConfig & { [STARTED]?: number };
type Client = ReturnType<typeof modules.common.createApiClient> extends (input: never) => infer C ? C : never;

export class DigitalOceanApi {
  readonly #client: Client;
  readonly #http: AxiosInstance;
  readonly #calls = new AsyncLocalStorage<CallContext>();
  readonly #options: DigitalOceanApiOptions;

  constructor(options: DigitalOceanApiOptions) {
    this.#options = options;
    let http: AxiosInstance | undefined;
    const createApiClient = modules.common.createApiClient({
      modules,
      createContext: (input) => {
        const context = modules.common.createContext(input);
        // dots-wrapper's axios types resolve in CommonJS mode, this module's in ES mode: one instance.
        http = context.httpClient as unknown as AxiosInstance;
        return context;
      },
    });
    this.#client = createApiClient({ token: options.token, endpoint: options.endpoint, requestTimeoutInMs: options.timeoutMs });
    if (!http) throw new Error('dots-wrapper did not create its HTTP client');
    this.#http = http;
    this.#http.defaults.proxy = false;
    this.#http.interceptors.request.use((config: TimedConfig) => {
      const call = this.#calls.getStore();
      if (call?.signal && !config.signal) config.signal = call.signal;
      config[STARTED] = performance.now();
      return config;
    });
    this.#http.interceptors.response.use(
      (response: AxiosResponse) => {
        this.#observe(response.config as TimedConfig, response.status);
        return response;
      },
      (error: unknown) => {
        const call = this.#calls.getStore();
        if (isAxiosError(error)) {
          const config = (error as { config?: TimedConfig }).config;
          if (config) this.#observe(config, error.response?.status);
        }
        // Translated here, so that neither dots-wrapper nor anything above ever holds the raw error.
        return Promise.reject(toStagelyError(error, this.#errorContext(call)));
      },
    );
  }

  #errorContext(call: CallContext | undefined) {
    return {
      provider: this.#options.provider,
      redact: this.#options.redact,
      operation: call?.operation,
      signal: call?.signal,
      timeoutMs: this.#options.timeoutMs,
    };
  }

  /** A `request` event per HTTP answer (or failure to get one). */
  #observe(config: TimedConfig, status: number | undefined): void {
    const call = this.#calls.getStore();
    const started = config[STARTED];
    emit(this.#options.events, {
      type: 'request',
      provider: this.#options.provider,
      operation: call?.operation ?? `${(config.method ?? 'get').toUpperCase()} ${config.url ?? ''}`,
      ...(started === undefined ? {} : { durationMs: Math.round(performance.now() - started) }),
      ...(status === undefined ? {} : { status }),
    });
  }

  /**
   * Runs one API call (`operation` is the reference's operationId) with its signal, and checks the
   * answer's body with `schema`; whatever fails comes out a StagelyError.
   */
  async #call<S extends z.ZodType>(operation: string, signal: AbortSignal | undefined, schema: S, send: () => Promise<{ data: unknown }>): Promise<z.output<S>> {
    const context: CallContext = { operation, signal };
    try {
      const response = await this.#calls.run(context, send);
      return this.#parse(operation, schema, response.data);
    } catch (error) {
      throw toStagelyError(error, this.#errorContext(context));
    }
  }

  /** A call whose answer has no body to read (204). */
  async #send(operation: string, signal: AbortSignal | undefined, send: () => Promise<unknown>): Promise<void> {
    const context: CallContext = { operation, signal };
    try {
      await this.#calls.run(context, send);
    } catch (error) {
      throw toStagelyError(error, this.#errorContext(context));
    }
  }

  #parse<S extends z.ZodType>(operation: string, schema: S, data: unknown): z.output<S> {
    const parsed = schema.safeParse(data);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    throw new ApiError(
      `Unexpected response from the DigitalOcean API for ${operation}: ${issue.path.join('.') || 'body'} ${issue.message}`,
      undefined,
      { provider: this.#options.provider, details: { operation, unexpected: true } },
    );
  }

  // ---- account and catalogue -----------------------------------------------------------------

  async getAccount(signal?: AbortSignal): Promise<void> {
    await this.#call('account_get', signal, accountResponse, () => this.#client.account.getAccount());
  }

  async listRegions(page: number, signal?: AbortSignal): Promise<Page<RegionData>> {
    const r = await this.#call('regions_list', signal, regionListResponse, () => this.#client.region.listRegions({ page, per_page: PER_PAGE }));
    return { items: r.regions, nextPage: nextPage(r.links, page) };
  }

  async listSizes(page: number, signal?: AbortSignal): Promise<Page<SizeData>> {
    const r = await this.#call('sizes_list', signal, sizeListResponse, () => this.#client.size.listSizes({ page, per_page: PER_PAGE }));
    return { items: r.sizes, nextPage: nextPage(r.links, page) };
  }

  async listSshKeys(page: number, signal?: AbortSignal): Promise<Page<SshKeyData>> {
    const r = await this.#call('sshKeys_list', signal, sshKeyListResponse, () => this.#client.sshKey.listSshKeys({ page, per_page: PER_PAGE }));
    return { items: r.ssh_keys, nextPage: nextPage(r.links, page) };
  }

  // ---- images --------------------------------------------------------------------------------

  /** DigitalOcean's public distribution images (Ubuntu, Debian, ...). */
  async listDistributionImages(page: number, signal?: AbortSignal): Promise<Page<ImageData>> {
    const r = await this.#call('images_list', signal, imageListResponse, () => this.#client.image.listImages({ page, per_page: PER_PAGE, type: 'distribution' }));
    return { items: r.images, nextPage: nextPage(r.links, page) };
  }

  /** The account's own snapshots: private images of type `snapshot` (backups left out). */
  async listSnapshots(page: number, signal?: AbortSignal): Promise<Page<ImageData>> {
    const r = await this.#call('images_list', signal, imageListResponse, () => this.#client.image.listImages({ page, per_page: PER_PAGE, user_images: true }));
    return { items: r.images.filter((i) => i.type === 'snapshot' && i.public !== true), nextPage: nextPage(r.links, page) };
  }

  /** By id or a public image's slug; `null` when there is no such image. */
  getImage(ref: number | string, signal?: AbortSignal): Promise<ImageData | null> {
    const request = typeof ref === 'number' ? { image_id: ref } : { slug: ref };
    return orNull(this.#call('images_get', signal, imageResponse, () => this.#client.image.getImage(request)).then((r) => r.image));
  }

  /** Resolves to false when the image did not exist. */
  deleteImage(id: number, signal?: AbortSignal): Promise<boolean> {
    return existed(this.#send('images_delete', signal, () => this.#client.image.deleteImage({ image_id: id })));
  }

  // ---- droplets ------------------------------------------------------------------------------

  async listDroplets(filter: { tagName: string }, page: number, signal?: AbortSignal): Promise<Page<DropletData>> {
    const r = await this.#call('droplets_list', signal, dropletListResponse, () =>
      this.#client.droplet.listDroplets({ page, per_page: PER_PAGE, tag_name: filter.tagName }),
    );
    return { items: r.droplets, nextPage: nextPage(r.links, page) };
  }

  /** `null` when DigitalOcean answers 404 (no such Droplet, or not visible yet). */
  getDroplet(id: number, signal?: AbortSignal): Promise<DropletData | null> {
    return orNull(this.#call('droplets_get', signal, dropletResponse, () => this.#client.droplet.getDroplet({ droplet_id: id })).then((r) => r.droplet));
  }

  /** Returns once DigitalOcean accepted the Droplet (202); it boots in the background. */
  async createDroplet(request: CreateDropletRequest, signal?: AbortSignal): Promise<DropletData> {
    const body = {
      name: request.name,
      size: request.size,
      region: request.region,
      image: request.image,
      ssh_keys: request.sshKeyIds,
      tags: request.tags,
      ...(request.userData === undefined ? {} : { user_data: request.userData }),
    };
    const r = await this.#call('droplets_create', signal, dropletResponse, () => this.#client.droplet.createDroplet(body));
    return r.droplet;
  }

  /** Resolves to false when the Droplet did not exist (404). */
  deleteDroplet(id: number, signal?: AbortSignal): Promise<boolean> {
    return existed(this.#send('droplets_destroy', signal, () => this.#client.droplet.deleteDroplet({ droplet_id: id })));
  }

  /** Starts the `snapshot` action; the snapshot exists once the action completed. */
  async snapshotDroplet(id: number, name: string, signal?: AbortSignal): Promise<ActionData> {
    const r = await this.#call('dropletActions_post', signal, actionResponse, () => this.#client.droplet.snapshotDroplet({ droplet_id: id, name }));
    return r.action;
  }

  async listDropletActions(id: number, page: number, signal?: AbortSignal): Promise<Page<ActionData>> {
    const r = await this.#call('dropletActions_list', signal, actionListResponse, () =>
      this.#client.droplet.listDropletActions({ droplet_id: id, page, per_page: PER_PAGE }),
    );
    return { items: r.actions, nextPage: nextPage(r.links, page) };
  }

  async listDropletSnapshots(id: number, page: number, signal?: AbortSignal): Promise<Page<DropletSnapshotData>> {
    const r = await this.#call('droplets_list_snapshots', signal, dropletSnapshotListResponse, () =>
      this.#client.droplet.listDropletSnapshots({ droplet_id: id, page, per_page: PER_PAGE }),
    );
    return { items: r.snapshots, nextPage: nextPage(r.links, page) };
  }

  getAction(id: number, signal?: AbortSignal): Promise<ActionData> {
    return this.#call('actions_get', signal, actionResponse, () => this.#client.action.getAction({ action_id: id })).then((r) => r.action);
  }
}

/** The page after `current` when `links.pages.next` names one (the reference's page_links). */
function nextPage(links: { pages?: { next?: string | undefined } | undefined } | undefined, current: number): number | null {
  const next = links?.pages?.next;
  if (next === undefined) return null;
  const page = Number(new URL(next, 'http://localhost').searchParams.get('page'));
  return Number.isInteger(page) && page > current ? page : null;
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
