/**
 * The one module that touches dots-wrapper. It absorbs the SDK's sharp edges so that the rest of
 * the package sees checked data and StagelyErrors only:
 * - dots-wrapper throws raw AxiosErrors that carry the token (config.headers, toJSON()). Its axios
 *   instance goes through core's axios helper, which translates every failure at once with
 *   DigitalOcean's error table (errors.ts), keeps nothing of it, puts the call's signal on each
 *   request (dots-wrapper takes none), emits `request` events and makes every request wait for the
 *   provider's rate limiter.
 * - dots-wrapper has no retries and no interceptors of its own (checked in its source, 3.12.12);
 *   core's retry loop, in provider.ts, is the only one.
 * - Its client does not expose its axios instance, so the client is built from dots-wrapper's own
 *   `createApiClient` factory with a `createContext` that keeps the instance it makes.
 * - Environment proxies are ignored: the endpoint is the one configured.
 * - Answers are checked against the API reference's shapes (schemas.ts) before anything reads them.
 */
import {
  ApiError,
  falseWhenNotFound,
  instrumentAxios,
  issueField,
  nullWhenNotFound,
  type AxiosInstanceLike,
  type EventSink,
  type InstrumentedAxios,
  type Page,
  type RateLimiter,
  type Redactor,
} from '@stagely/provider-core/provider';
import { modules } from 'dots-wrapper';
import * as v from 'valibot';
import { digitalOceanErrorOptions } from '../errors.js';
import {
  accountResponse,
  actionListResponse,
  actionResponse,
  dropletCreateResponse,
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
  limiter?: RateLimiter | undefined;
}

/** One page of a list, with the number of the next one (core's Page, numbered). */
export type NumberedPage<T> = Page<T, number>;

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

/** What a create's 202 answers: the Droplet, and its create action when `links.actions` names one. */
export interface CreatedDroplet {
  droplet: DropletData;
  createActionId: number | undefined;
}

/** DigitalOcean's largest page. */
export const PER_PAGE = 200;

type Client = ReturnType<typeof modules.common.createApiClient> extends (input: never) => infer C ? C : never;

export class DigitalOceanApi {
  readonly #client: Client;
  readonly #http: InstrumentedAxios;
  readonly #options: DigitalOceanApiOptions;

  constructor(options: DigitalOceanApiOptions) {
    this.#options = options;
    let http: (AxiosInstanceLike & { defaults: { proxy?: unknown } }) | undefined;
    const createApiClient = modules.common.createApiClient({
      modules,
      createContext: (input) => {
        const context = modules.common.createContext(input);
        // dots-wrapper's axios types resolve in CommonJS mode, core's shape is structural: one instance.
        http = context.httpClient as unknown as typeof http;
        return context;
      },
    });
    this.#client = createApiClient({ token: options.token, endpoint: options.endpoint, requestTimeoutInMs: options.timeoutMs });
    if (!http) throw new Error('dots-wrapper did not create its HTTP client');
    http.defaults.proxy = false;
    this.#http = instrumentAxios(http, {
      provider: options.provider,
      ...digitalOceanErrorOptions(options.provider, options.redact),
      events: options.events,
      limiter: options.limiter,
      redact: options.redact,
      timeoutMs: options.timeoutMs,
    });
  }

  /**
   * Runs one API call (`operation` is the reference's operationId) with its signal, and checks the
   * answer's body with `schema`; whatever fails comes out a StagelyError.
   */
  #call<S extends v.GenericSchema>(operation: string, signal: AbortSignal | undefined, schema: S, send: () => Promise<{ data: unknown }>): Promise<v.InferOutput<S>> {
    return this.#http.call(operation, signal, async () => this.#parse(operation, schema, (await send()).data));
  }

  /** A call whose answer has no body to read (204). */
  async #send(operation: string, signal: AbortSignal | undefined, send: () => Promise<unknown>): Promise<void> {
    await this.#http.call(operation, signal, send);
  }

  #parse<S extends v.GenericSchema>(operation: string, schema: S, data: unknown): v.InferOutput<S> {
    const parsed = v.safeParse(schema, data);
    if (parsed.success) return parsed.output;
    const issue = parsed.issues[0];
    throw new ApiError(
      `Unexpected response from the DigitalOcean API for ${operation}: ${issueField(issue) || 'body'} ${issue.message}`,
      undefined,
      { provider: this.#options.provider, details: { operation, unexpected: true } },
    );
  }

  // ---- account and catalogue -----------------------------------------------------------------

  async getAccount(signal?: AbortSignal): Promise<void> {
    await this.#call('account_get', signal, accountResponse, () => this.#client.account.getAccount());
  }

  async listRegions(page: number, signal?: AbortSignal): Promise<NumberedPage<RegionData>> {
    const r = await this.#call('regions_list', signal, regionListResponse, () => this.#client.region.listRegions({ page, per_page: PER_PAGE }));
    return { items: r.regions, next: nextPage(r.links, page) };
  }

  async listSizes(page: number, signal?: AbortSignal): Promise<NumberedPage<SizeData>> {
    const r = await this.#call('sizes_list', signal, sizeListResponse, () => this.#client.size.listSizes({ page, per_page: PER_PAGE }));
    return { items: r.sizes, next: nextPage(r.links, page) };
  }

  async listSshKeys(page: number, signal?: AbortSignal): Promise<NumberedPage<SshKeyData>> {
    const r = await this.#call('sshKeys_list', signal, sshKeyListResponse, () => this.#client.sshKey.listSshKeys({ page, per_page: PER_PAGE }));
    return { items: r.ssh_keys, next: nextPage(r.links, page) };
  }

  // ---- images --------------------------------------------------------------------------------

  /** DigitalOcean's public distribution images (Ubuntu, Debian, ...). */
  async listDistributionImages(page: number, signal?: AbortSignal): Promise<NumberedPage<ImageData>> {
    const r = await this.#call('images_list', signal, imageListResponse, () => this.#client.image.listImages({ page, per_page: PER_PAGE, type: 'distribution' }));
    return { items: r.images, next: nextPage(r.links, page) };
  }

  /** The account's own snapshots: private images of type `snapshot` (backups left out). */
  async listSnapshots(page: number, signal?: AbortSignal): Promise<NumberedPage<ImageData>> {
    const r = await this.#call('images_list', signal, imageListResponse, () => this.#client.image.listImages({ page, per_page: PER_PAGE, user_images: true }));
    return { items: r.images.filter((i) => i.type === 'snapshot' && i.public !== true), next: nextPage(r.links, page) };
  }

  /** By id or a public image's slug; `null` when there is no such image. */
  getImage(ref: number | string, signal?: AbortSignal): Promise<ImageData | null> {
    const request = typeof ref === 'number' ? { image_id: ref } : { slug: ref };
    return nullWhenNotFound(this.#call('images_get', signal, imageResponse, () => this.#client.image.getImage(request)).then((r) => r.image));
  }

  /** Resolves to false when the image did not exist. */
  deleteImage(id: number, signal?: AbortSignal): Promise<boolean> {
    return falseWhenNotFound(this.#send('images_delete', signal, () => this.#client.image.deleteImage({ image_id: id })));
  }

  // ---- droplets ------------------------------------------------------------------------------

  async listDroplets(filter: { tagName: string }, page: number, signal?: AbortSignal): Promise<NumberedPage<DropletData>> {
    const r = await this.#call('droplets_list', signal, dropletListResponse, () =>
      this.#client.droplet.listDroplets({ page, per_page: PER_PAGE, tag_name: filter.tagName }),
    );
    return { items: r.droplets, next: nextPage(r.links, page) };
  }

  /** `null` when DigitalOcean answers 404 (no such Droplet, or not visible yet). */
  getDroplet(id: number, signal?: AbortSignal): Promise<DropletData | null> {
    return nullWhenNotFound(this.#call('droplets_get', signal, dropletResponse, () => this.#client.droplet.getDroplet({ droplet_id: id })).then((r) => r.droplet));
  }

  /** Returns once DigitalOcean accepted the Droplet (202); it boots in the background, its create action tells how that goes. */
  async createDroplet(request: CreateDropletRequest, signal?: AbortSignal): Promise<CreatedDroplet> {
    const body = {
      name: request.name,
      size: request.size,
      region: request.region,
      image: request.image,
      ssh_keys: request.sshKeyIds,
      tags: request.tags,
      ...(request.userData === undefined ? {} : { user_data: request.userData }),
    };
    const r = await this.#call('droplets_create', signal, dropletCreateResponse, () => this.#client.droplet.createDroplet(body));
    return { droplet: r.droplet, createActionId: r.links?.actions?.find((a) => a.rel === 'create')?.id };
  }

  /** Resolves to false when the Droplet did not exist (404). */
  deleteDroplet(id: number, signal?: AbortSignal): Promise<boolean> {
    return falseWhenNotFound(this.#send('droplets_destroy', signal, () => this.#client.droplet.deleteDroplet({ droplet_id: id })));
  }

  /** Starts the `snapshot` action; the snapshot exists once the action completed. */
  async snapshotDroplet(id: number, name: string, signal?: AbortSignal): Promise<ActionData> {
    const r = await this.#call('dropletActions_post', signal, actionResponse, () => this.#client.droplet.snapshotDroplet({ droplet_id: id, name }));
    return r.action;
  }

  async listDropletActions(id: number, page: number, signal?: AbortSignal): Promise<NumberedPage<ActionData>> {
    const r = await this.#call('dropletActions_list', signal, actionListResponse, () =>
      this.#client.droplet.listDropletActions({ droplet_id: id, page, per_page: PER_PAGE }),
    );
    return { items: r.actions, next: nextPage(r.links, page) };
  }

  async listDropletSnapshots(id: number, page: number, signal?: AbortSignal): Promise<NumberedPage<DropletSnapshotData>> {
    const r = await this.#call('droplets_list_snapshots', signal, dropletSnapshotListResponse, () =>
      this.#client.droplet.listDropletSnapshots({ droplet_id: id, page, per_page: PER_PAGE }),
    );
    return { items: r.snapshots, next: nextPage(r.links, page) };
  }

  /** The account's actions, newest first, one page of up to 200. */
  async listActions(page: number, signal?: AbortSignal): Promise<NumberedPage<ActionData>> {
    const r = await this.#call('actions_list', signal, actionListResponse, () => this.#client.action.listActions({ page, per_page: PER_PAGE }));
    return { items: r.actions, next: nextPage(r.links, page) };
  }

  getAction(id: number, signal?: AbortSignal): Promise<ActionData> {
    return this.#call('actions_get', signal, actionResponse, () => this.#client.action.getAction({ action_id: id })).then((r) => r.action);
  }
}

/** The page after `current` when `links.pages.next` names one (the reference's page_links). */
function nextPage(links: { pages?: { next?: string | undefined } | undefined } | undefined, current: number): number | null {
  const page = Number(/[?&]page=(\d+)/.exec(links?.pages?.next ?? '')?.[1]);
  return Number.isInteger(page) && page > current ? page : null;
}

