/**
 * The EC2 API as this provider uses it, on `@aws-sdk/client-ec2`: the only module that imports
 * the SDK. One client per region, each with the SDK's own retries off (`maxAttempts: 1`: core's
 * withRetry is the only loop), a request timeout, and an `abortSignal` on every command. Each
 * method is one request; its failure leaves as a StagelyError without the SDK's raw error (which
 * holds the signed request).
 */
import {
  CreateImageCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeAccountAttributesCommand,
  DescribeImagesCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeInstanceTypesCommand,
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  DescribeRegionsCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type _InstanceType,
  type Filter,
  type Image,
  type Instance,
  type InstanceStateChange,
  type InstanceTypeInfo,
  type KeyPairInfo,
  type RunInstancesCommandInput,
  type Snapshot,
  type Tag,
} from '@aws-sdk/client-ec2';
import { emit, isStagelyError, type EventSink, type Redactor } from '@stagely/provider-core/provider';
import type { Ec2Limiters } from '../action-limiters.js';
import { toStagelyError } from '../errors.js';

export type { Image as Ec2Image, Instance as Ec2Instance, InstanceTypeInfo as Ec2InstanceType, KeyPairInfo as Ec2KeyPair, Snapshot as Ec2Snapshot, Tag as Ec2Tag };
export type Ec2Filter = Filter;

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export interface Ec2ApiOptions {
  provider: string;
  /** A custom endpoint (fake, emulator, VPC endpoint) used for every region. */
  endpoint?: string | undefined;
  /** Absent: the SDK's default credential chain. */
  credentials?: StaticCredentials | undefined;
  requestTimeoutMs: number;
  /** MaxResults of the listing calls (DescribeInstances, DescribeImages): 5-1000, EC2's bounds. */
  pageSize: number;
  redact: Redactor;
  events?: EventSink | undefined;
  /** The provider's limiters, one per action: a request waits its action's turn; a throttled answer holds that action. */
  limiters?: Ec2Limiters | undefined;
}

/** One page of a token-paged list, as core's collectPages takes it. */
export interface TokenPage<T> {
  items: T[];
  next: string | undefined;
}

/** What RunInstances is asked (the SDK's input, without the counts, which are always 1). */
export type RunInstancesRequest = Omit<RunInstancesCommandInput, 'MinCount' | 'MaxCount' | 'InstanceType'> & { InstanceType: string };

export interface ImageQuery {
  imageIds?: string[];
  owners?: string[];
  filters?: Filter[];
}

export interface InstanceQuery {
  ids?: string[];
  filters?: Filter[];
}

export class Ec2Api {
  readonly #options: Ec2ApiOptions;
  readonly #clients = new Map<string, EC2Client>();

  constructor(options: Ec2ApiOptions) {
    this.#options = options;
  }

  async describeAccountAttributes(region: string, signal?: AbortSignal): Promise<void> {
    await this.#send('DescribeAccountAttributes', signal, (s) => this.#client(region).send(new DescribeAccountAttributesCommand({}), s));
  }

  async describeRegions(region: string, signal?: AbortSignal): Promise<string[]> {
    const out = await this.#send('DescribeRegions', signal, (s) => this.#client(region).send(new DescribeRegionsCommand({}), s));
    return (out.Regions ?? []).flatMap((r) => (r.RegionName ? [r.RegionName] : []));
  }

  /** Instance types offered in `region` (LocationType region). */
  async describeInstanceTypeOfferings(region: string, nextToken: string | undefined, signal?: AbortSignal): Promise<TokenPage<string>> {
    const out = await this.#send('DescribeInstanceTypeOfferings', signal, (s) =>
      this.#client(region).send(new DescribeInstanceTypeOfferingsCommand({ LocationType: 'region', MaxResults: 1000, NextToken: nextToken }), s),
    );
    return { items: (out.InstanceTypeOfferings ?? []).flatMap((o) => (o.InstanceType ? [o.InstanceType] : [])), next: out.NextToken || undefined };
  }

  async describeInstanceTypes(region: string, types: string[], signal?: AbortSignal): Promise<InstanceTypeInfo[]> {
    const out = await this.#send('DescribeInstanceTypes', signal, (s) =>
      this.#client(region).send(new DescribeInstanceTypesCommand({ InstanceTypes: types as _InstanceType[] }), s),
    );
    return out.InstanceTypes ?? [];
  }

  /** A page of images; with `imageIds`, all of them at once (EC2 refuses MaxResults then). */
  async describeImages(region: string, query: ImageQuery, nextToken: string | undefined, signal?: AbortSignal): Promise<TokenPage<Image>> {
    const paged = query.imageIds === undefined;
    const out = await this.#send('DescribeImages', signal, (s) =>
      this.#client(region).send(
        new DescribeImagesCommand({
          ImageIds: query.imageIds,
          Owners: query.owners,
          Filters: query.filters,
          ...(paged ? { MaxResults: this.#options.pageSize, NextToken: nextToken } : {}),
        }),
        s,
      ),
    );
    return { items: out.Images ?? [], next: out.NextToken || undefined };
  }

  async runInstances(region: string, request: RunInstancesRequest, signal?: AbortSignal): Promise<Instance> {
    const out = await this.#send('RunInstances', signal, (s) =>
      this.#client(region).send(new RunInstancesCommand({ ...request, InstanceType: request.InstanceType as _InstanceType, MinCount: 1, MaxCount: 1 }), s),
    );
    const instance = out.Instances?.[0];
    if (!instance?.InstanceId) throw toStagelyError(new Error('RunInstances answered without an instance'), this.#context('RunInstances', signal));
    return instance;
  }

  /** A page of instances; with `ids`, all of them at once (EC2 refuses MaxResults then). */
  async describeInstances(region: string, query: InstanceQuery, nextToken: string | undefined, signal?: AbortSignal): Promise<TokenPage<Instance>> {
    const paged = query.ids === undefined;
    const out = await this.#send('DescribeInstances', signal, (s) =>
      this.#client(region).send(
        new DescribeInstancesCommand({ InstanceIds: query.ids, Filters: query.filters, ...(paged ? { MaxResults: this.#options.pageSize, NextToken: nextToken } : {}) }),
        s,
      ),
    );
    return { items: (out.Reservations ?? []).flatMap((r) => r.Instances ?? []), next: out.NextToken || undefined };
  }

  async terminateInstance(region: string, id: string, signal?: AbortSignal): Promise<InstanceStateChange | undefined> {
    const out = await this.#send('TerminateInstances', signal, (s) => this.#client(region).send(new TerminateInstancesCommand({ InstanceIds: [id] }), s));
    return out.TerminatingInstances?.find((change) => change.InstanceId === id);
  }

  async createImage(region: string, input: { instanceId: string; name: string; description: string; noReboot: boolean; tags: Tag[] }, signal?: AbortSignal): Promise<string> {
    const out = await this.#send('CreateImage', signal, (s) =>
      this.#client(region).send(
        new CreateImageCommand({
          InstanceId: input.instanceId,
          Name: input.name,
          Description: input.description,
          NoReboot: input.noReboot,
          // The AMI only: its snapshots are found through the description EC2 gives them
          // ("Created by CreateImage(i-...) for ami-..."), which every EC2 look-alike keeps too.
          TagSpecifications: [{ ResourceType: 'image', Tags: input.tags }],
        }),
        s,
      ),
    );
    if (!out.ImageId) throw toStagelyError(new Error('CreateImage answered without an image id'), this.#context('CreateImage', signal));
    return out.ImageId;
  }

  async deregisterImage(region: string, imageId: string, signal?: AbortSignal): Promise<void> {
    await this.#send('DeregisterImage', signal, (s) => this.#client(region).send(new DeregisterImageCommand({ ImageId: imageId }), s));
  }

  async describeSnapshots(region: string, query: { ids?: string[]; filters?: Filter[] }, signal?: AbortSignal): Promise<Snapshot[]> {
    const out = await this.#send('DescribeSnapshots', signal, (s) =>
      this.#client(region).send(new DescribeSnapshotsCommand({ SnapshotIds: query.ids, Filters: query.filters, OwnerIds: ['self'] }), s),
    );
    return out.Snapshots ?? [];
  }

  async deleteSnapshot(region: string, snapshotId: string, signal?: AbortSignal): Promise<void> {
    await this.#send('DeleteSnapshot', signal, (s) => this.#client(region).send(new DeleteSnapshotCommand({ SnapshotId: snapshotId }), s));
  }

  async describeKeyPairs(region: string, signal?: AbortSignal): Promise<KeyPairInfo[]> {
    const out = await this.#send('DescribeKeyPairs', signal, (s) => this.#client(region).send(new DescribeKeyPairsCommand({}), s));
    return out.KeyPairs ?? [];
  }

  /** Closes every client's sockets. */
  destroy(): void {
    for (const client of this.#clients.values()) client.destroy();
    this.#clients.clear();
  }

  #client(region: string): EC2Client {
    let client = this.#clients.get(region);
    if (!client) {
      const { endpoint, credentials, requestTimeoutMs } = this.#options;
      client = new EC2Client({
        region,
        maxAttempts: 1,
        // throwOnRequestTimeout: without it the handler only logs a warning and waits on.
        requestHandler: { requestTimeout: requestTimeoutMs, connectionTimeout: Math.min(requestTimeoutMs, 10_000), throwOnRequestTimeout: true },
        ...(endpoint === undefined ? {} : { endpoint }),
        // A fresh object: the SDK writes into the credentials it is given.
        ...(credentials === undefined ? {} : { credentials: { ...credentials } }),
      });
      this.#clients.set(region, client);
    }
    return client;
  }

  #context(operation: string, signal: AbortSignal | undefined) {
    const { provider, redact, requestTimeoutMs } = this.#options;
    return { provider, redact, operation, signal, timeoutMs: requestTimeoutMs };
  }

  /** One request (`operation` is its EC2 action): through its action's limiters, reported as a `request` event, its failure mapped. */
  async #send<T>(operation: string, signal: AbortSignal | undefined, call: (options: { abortSignal?: AbortSignal }) => Promise<T>): Promise<T> {
    const { provider, events, limiters } = this.#options;
    await limiters?.acquire(operation, signal);
    const started = performance.now();
    try {
      const out = await call(signal ? { abortSignal: signal } : {});
      emit(events, { type: 'request', provider, operation, durationMs: Math.round(performance.now() - started), status: 200 });
      return out;
    } catch (error) {
      const mapped = toStagelyError(error, this.#context(operation, signal));
      // EC2 sends no rate-limit headers: a throttled answer is all the limiter learns from.
      if (isStagelyError(mapped, 'RATE_LIMITED')) limiters?.onRateLimited(operation, mapped.retryAfterMs);
      const status = mapped.details.status;
      emit(events, { type: 'request', provider, operation, durationMs: Math.round(performance.now() - started), ...(typeof status === 'number' ? { status } : {}) });
      throw mapped;
    }
  }
}
