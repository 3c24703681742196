/**
 * AwsProvider: the CloudProvider for AWS EC2, on `@aws-sdk/client-ec2` through `sdk/ec2-api.ts`.
 * Every call validates locally first (no request for bad input), then makes its requests through
 * core's retry loop, the only one (the SDK's is off). A create carries an EC2 ClientToken, one per
 * createInstance call and reused by its retries, so a lost answer never makes two instances.
 * Readiness is core's waiter, one per provider: overlapping waits share one DescribeInstances per
 * round (readiness.ts says what a look tells it).
 */
import {
  abortedError,
  ApiError,
  bestEffort,
  collectPages,
  CONTRACT_VERSION,
  createOnce,
  createReadinessWaiter,
  readinessWaiterOptions,
  createRedactor,
  emit,
  InvalidInputError,
  isStagelyError,
  pollOperation,
  resolveInstanceSpec,
  throwIfAborted,
  withRetry,
  type Architecture,
  type Capabilities,
  type CloudProvider,
  type EventSink,
  type Instance,
  type InstanceSpec,
  type ListFilter,
  type Op,
  type Page,
  type ProbeAnswer,
  type ProviderContext,
  type RateLimiterOptions,
  type ReadinessSource,
  type ReadinessWaiter,
  type ReadinessWaiterOptions,
  type Redactor,
  type ResolvedSpec,
  type RetryPolicy,
  type Snapshot,
  type SshKey,
  type StagelyError,
  type WaitOptions,
  filterTags,
} from '@stagely/provider-core/provider';
import { randomBytes, randomUUID } from 'node:crypto';
import { createEc2Limiters } from './action-limiters.js';
import { Ec2Catalog, type Ec2Architecture } from './catalog.js';
import { parseAwsConfig, REGION_PATTERN, type AwsConfig, type ResolvedAwsConfig } from './config.js';
import { snapshotIdsOf, toInstance, toSnapshot } from './instance.js';
import { FILTER_VALUES_PER_CALL, readinessOf } from './readiness.js';
import { Ec2Api, type Ec2Image, type Ec2Instance, type RunInstancesRequest } from './sdk/ec2-api.js';
import { hasTags, instanceTags, literalFilterValue, managedFilters, managedTags, NAME_TAG, tagRecord } from './tags.js';

export const PROVIDER_NAME = 'aws';

export const AWS_CAPABILITIES: Capabilities = Object.freeze({
  architectures: Object.freeze(['amd64', 'arm64'] as const),
  spot: true,
  snapshots: true,
  sshKeys: true,
});

/** EC2 ids: a prefix and 8 (older) or 17 hex digits. */
const INSTANCE_ID = /^i-([0-9a-f]{8}|[0-9a-f]{17})$/;
const IMAGE_ID = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;
/** EC2 takes at most 16 KiB of user data, before base64. */
const MAX_USER_DATA_BYTES = 16 * 1024;
/** AMI names: 3-128 characters of these. */
const AMI_NAME = /^[a-zA-Z0-9()[\] ./\-'@_]{3,128}$/;
/** Making an AMI of a large volume takes many minutes. */
const IMAGE_TIMEOUT_MS = 60 * 60_000;
/** Live states: listing leaves out `terminated`, server-side. */
const LISTED_STATES = ['pending', 'running', 'shutting-down', 'stopping', 'stopped'];
/** Ties an AMI to the createSnapshot call that made it, so a retried call finds it. */
const REQUEST_TAG = 'stagely-request';
/** The instance an AMI was made from (SourceInstanceId is not always reported). */
const SOURCE_TAG = 'stagely-instance';

/** Everything a create of a spec would do, resolved with reads only (validateSpec stops here). */
interface LaunchPlan {
  name: string;
  region: string;
  architecture: Architecture;
  type: string;
  imageId: string;
  spot: boolean;
  keyName: string | undefined;
  userData: string | undefined;
  tags: Array<{ Key: string; Value: string }>;
  warnings: string[];
}

/**
 * For tests and benches only: the readiness waiter's clock, its batching pace and a status-call
 * counter; the rate limiters' clock and jitter.
 */
export interface AwsProviderInternals {
  readiness?: Pick<ReadinessWaiterOptions, 'scheduler' | 'batchIntervalMs' | 'onPoll'>;
  rateLimiter?: Pick<RateLimiterOptions, 'scheduler' | 'random'>;
}

export class AwsProvider implements CloudProvider {
  readonly contractVersion = CONTRACT_VERSION;
  readonly name = PROVIDER_NAME;
  readonly capabilities = AWS_CAPABILITIES;

  readonly #config: ResolvedAwsConfig;
  readonly #events: EventSink | undefined;
  readonly #redact: Redactor;
  readonly #api: Ec2Api;
  readonly #catalog: Ec2Catalog;
  readonly #waiter: ReadinessWaiter;
  /** Regions this provider created in besides its own: instance ids do not name their region. */
  readonly #regionOf = new Map<string, string>();

  constructor(config: ResolvedAwsConfig, context: ProviderContext = {}, internals: AwsProviderInternals = {}) {
    this.#config = config;
    this.#events = context.events;
    this.#redact = createRedactor([config.secretAccessKey, config.sessionToken, config.accessKeyId]);
    this.#api = new Ec2Api({
      provider: PROVIDER_NAME,
      endpoint: config.endpoint,
      credentials:
        config.accessKeyId !== undefined && config.secretAccessKey !== undefined
          ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey, sessionToken: config.sessionToken }
          : undefined,
      requestTimeoutMs: config.requestTimeoutMs,
      pageSize: config.pageSize,
      redact: this.#redact,
      events: context.events,
      // EC2's buckets, one per action, each kept below; a configured rateLimit caps every one of them.
      limiters: config.rateLimit === false ? undefined : createEc2Limiters({ provider: PROVIDER_NAME, ceiling: config.rateLimit, ...internals.rateLimiter }),
    });
    const home = config.region;
    this.#catalog = new Ec2Catalog(
      {
        // Shared by concurrent callers, so read without any one caller's signal.
        regions: () => this.#retry('DescribeRegions', undefined, (s) => this.#api.describeRegions(home, s)),
        offerings: (region) => this.#allPages('DescribeInstanceTypeOfferings', undefined, (token, s) => this.#api.describeInstanceTypeOfferings(region, token, s)),
        typeArchitectures: async (region, type) => {
          try {
            const [info] = await this.#retry('DescribeInstanceTypes', undefined, (s) => this.#api.describeInstanceTypes(region, [type], s));
            return (info?.ProcessorInfo?.SupportedArchitectures ?? []) as Ec2Architecture[];
          } catch (error) {
            if (isStagelyError(error, 'INVALID_INPUT') && error.details.ec2Code === 'InvalidInstanceType') return null;
            throw error;
          }
        },
        images: (region, query, signal) =>
          query.imageIds
            ? this.#retry('DescribeImages', signal, async (s) => (await this.#api.describeImages(region, query, undefined, s)).items)
            : this.#allPages('DescribeImages', signal, (token, s) => this.#api.describeImages(region, query, token, s)),
      },
      { provider: PROVIDER_NAME, sizes: config.sizes },
    );
    const source: ReadinessSource = {
      probe: (id, op) => this.#probe(id, op.signal),
      probeMany: (ids, op) => this.#probeMany(ids, op.signal),
      probeManyIdsPerCall: FILTER_VALUES_PER_CALL,
    };
    // Right after RunInstances, DescribeInstances may not know the id yet: the waiter's not-found grace rides it out.
    this.#waiter = createReadinessWaiter({ ...readinessWaiterOptions(PROVIDER_NAME, source, config, context), ...internals.readiness });
  }

  async validateCredentials(o: Op = {}): Promise<void> {
    await this.#retry('DescribeAccountAttributes', o.signal, (s) => this.#api.describeAccountAttributes(this.#config.region, s));
  }

  async validateSpec(spec: InstanceSpec, o: Op = {}): Promise<ResolvedSpec> {
    const plan = await this.#plan(spec, o.signal);
    return { type: plan.type, region: plan.region, architecture: plan.architecture, image: plan.imageId, spot: plan.spot, warnings: [...plan.warnings] };
  }

  async createInstance(spec: InstanceSpec, o: Op = {}): Promise<Instance> {
    const { signal } = o;
    const plan = await this.#plan(spec, signal);
    const request: RunInstancesRequest = {
      ImageId: plan.imageId,
      InstanceType: plan.type,
      ...(plan.keyName === undefined ? {} : { KeyName: plan.keyName }),
      ...(plan.userData === undefined ? {} : { UserData: Buffer.from(plan.userData, 'utf8').toString('base64') }),
      ...(this.#config.subnetId === undefined ? {} : { SubnetId: this.#config.subnetId }),
      ...(this.#config.securityGroupIds === undefined ? {} : { SecurityGroupIds: this.#config.securityGroupIds }),
      TagSpecifications: [
        { ResourceType: 'instance', Tags: plan.tags },
        { ResourceType: 'volume', Tags: plan.tags },
      ],
      MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
    };
    const warnings = [...plan.warnings];
    let made: Ec2Instance;
    if (plan.spot) {
      try {
        made = await this.#runOnce(plan.region, { ...request, InstanceMarketOptions: SPOT_ONE_TIME }, signal);
      } catch (error) {
        if (!this.#config.spotFallback || !isNoSpotCapacity(error)) throw error;
        const message = `no spot capacity for ${plan.type} in ${plan.region} (${(error as StagelyError).details.ec2Code as string}); provisioned an on-demand instance`;
        warnings.push(message);
        emit(this.#events, { type: 'warning', provider: PROVIDER_NAME, message });
        made = await this.#runOnce(plan.region, request, signal);
      }
    } else {
      made = await this.#runOnce(plan.region, request, signal);
    }
    const instance = toInstance(made, PROVIDER_NAME, plan.region, warnings);
    this.#remember(instance.id, plan.region);
    // The boot is timed from here: what the waiter learns boot times from.
    this.#waiter.created(instance);
    for (const message of plan.warnings) emit(this.#events, { type: 'warning', provider: PROVIDER_NAME, message, instanceId: instance.id });
    return instance;
  }

  async getInstance(id: string, o: Op = {}): Promise<Instance | null> {
    const instanceId = parseInstanceId(id, 'id');
    const region = this.#regionFor(instanceId);
    const found = await this.#describeOne(region, instanceId, o.signal);
    return found ? toInstance(found, PROVIDER_NAME, region) : null;
  }

  async listInstances(filter: ListFilter = {}, o: Op = {}): Promise<Instance[]> {
    const wanted = filterTags(filter, PROVIDER_NAME);
    const filters = [...managedFilters(wanted, 'filter.tags', PROVIDER_NAME), { Name: 'instance-state-name', Values: LISTED_STATES }];
    const out: Instance[] = [];
    for (const region of this.#regions()) {
      const found = await this.#allPages('DescribeInstances', o.signal, (token, s) => this.#api.describeInstances(region, { filters }, token, s));
      // Checked again here: EC2 filter values are patterns, and listing must never return what is not ours.
      for (const item of found) {
        const instance = toInstance(item, PROVIDER_NAME, region);
        if (instance.state !== 'terminated' && hasTags(instance.tags, { ...wanted, 'managed-by': 'stagely' })) out.push(instance);
      }
    }
    return out;
  }

  async terminateInstance(id: string, o: Op = {}): Promise<void> {
    const instanceId = parseInstanceId(id, 'id');
    const region = this.#regionFor(instanceId);
    try {
      // EC2 answers shutting-down (terminating) or terminated: neither runs any more.
      await this.#retry('TerminateInstances', o.signal, (s) => this.#api.terminateInstance(region, instanceId, s));
    } catch (error) {
      // Unknown, or terminated long ago: already gone.
      if (isStagelyError(error, 'NOT_FOUND')) return;
      throw error;
    }
  }

  waitUntilReady(id: string, o: WaitOptions = {}): Promise<Instance> {
    return this.#waiter.wait(parseInstanceId(id, 'id'), o);
  }

  async createSnapshot(instanceId: string, name: string, o: Op = {}): Promise<Snapshot> {
    const { signal } = o;
    const id = parseInstanceId(instanceId, 'instanceId');
    if (typeof name !== 'string' || !AMI_NAME.test(name)) {
      throw new InvalidInputError('name', `An AMI name is 3-128 letters, digits, spaces or ( ) [ ] . / - ' @ _, got ${JSON.stringify(name)}`, { provider: PROVIDER_NAME });
    }
    throwIfAborted(signal, PROVIDER_NAME);
    const region = this.#regionFor(id);
    const marker = randomBytes(8).toString('hex');
    const tags = managedTags({ [REQUEST_TAG]: marker, [SOURCE_TAG]: id });
    // CreateImage takes no token: a retry after an ambiguous failure first looks for the AMI
    // carrying this call's marker (core's createOnce, find strategy).
    const imageId = await createOnce<string>({
      provider: PROVIDER_NAME,
      operation: 'CreateImage',
      strategy: 'find',
      create: (s) => this.#api.createImage(region, { instanceId: id, name, description: `Stagely snapshot of ${id}`, noReboot: true, tags }, s),
      find: async (s) => {
        const page = await this.#api.describeImages(region, { owners: ['self'], filters: [{ Name: `tag:${REQUEST_TAG}`, Values: [marker] }] }, undefined, s);
        return page.items[0]?.ImageId ?? null;
      },
      remove: (made) => this.#deleteImage(region, made, undefined),
      idOf: (made) => made,
      marker: `tag ${REQUEST_TAG}=${marker}`,
      signal,
      events: this.#events,
      retry: this.#config.retry,
    });
    try {
      const image = await this.#waitForImage(region, imageId, signal);
      this.#remember(imageId, region);
      return toSnapshot(image, PROVIDER_NAME, region);
    } catch (error) {
      // A snapshot that is not returned is not left behind (an abort, a failed or slow AMI).
      await bestEffort(() => this.#deleteImage(region, imageId, undefined), {
        provider: PROVIDER_NAME,
        what: `removing AMI ${imageId} and its EBS snapshots`,
        events: this.#events,
      });
      throw signal?.aborted ? abortedError(signal, PROVIDER_NAME) : error;
    }
  }

  async listSnapshots(o: Op = {}): Promise<Snapshot[]> {
    const filters = managedFilters({}, 'filter.tags', PROVIDER_NAME);
    const out: Snapshot[] = [];
    for (const region of this.#regions()) {
      const images = await this.#allPages('DescribeImages', o.signal, (token, s) => this.#api.describeImages(region, { owners: ['self'], filters }, token, s));
      out.push(...images.filter((image) => image.State !== 'deregistered').map((image) => toSnapshot(image, PROVIDER_NAME, region)));
    }
    return out;
  }

  async deleteSnapshot(id: string, o: Op = {}): Promise<void> {
    if (typeof id !== 'string' || !IMAGE_ID.test(id)) {
      throw new InvalidInputError('id', `Snapshots are AMIs: ids look like ami-0123456789abcdef0, got ${JSON.stringify(id)}`, { provider: PROVIDER_NAME });
    }
    await this.#deleteImage(this.#regionFor(id), id, o.signal);
  }

  async listSshKeys(o: Op = {}): Promise<SshKey[]> {
    const keys = await this.#retry('DescribeKeyPairs', o.signal, (s) => this.#api.describeKeyPairs(this.#config.region, s));
    return keys.map((key) => ({ id: key.KeyPairId ?? key.KeyName ?? '', name: key.KeyName ?? '', fingerprint: key.KeyFingerprint ?? '' }));
  }

  // ---- internals -----------------------------------------------------------------------------

  /**
   * Resolves a spec as a create would, with reads only: the shared path of validateSpec and
   * createInstance, so both throw the same typed error for the same spec.
   */
  async #plan(spec: InstanceSpec, signal: AbortSignal | undefined): Promise<LaunchPlan> {
    throwIfAborted(signal, PROVIDER_NAME);
    const resolved = resolveInstanceSpec(spec, { region: this.#config.region, provider: PROVIDER_NAME });
    if (!REGION_PATTERN.test(resolved.region)) {
      throw new InvalidInputError('region', `AWS regions look like us-east-1, got "${resolved.region}"`, { provider: PROVIDER_NAME });
    }
    const tags = instanceTags(resolved.tags, resolved.name, PROVIDER_NAME);
    if (resolved.userData !== undefined && Buffer.byteLength(resolved.userData, 'utf8') > MAX_USER_DATA_BYTES) {
      throw new InvalidInputError('userData', `EC2 accepts at most ${MAX_USER_DATA_BYTES} bytes of user data`, { provider: PROVIDER_NAME });
    }
    if (resolved.sshKeys.length > 1) {
      throw new InvalidInputError(
        'sshKeys',
        `EC2 launches an instance with one key pair; got ${resolved.sshKeys.length} (${resolved.sshKeys.join(', ')}). Give one, and install others through userData`,
        { provider: PROVIDER_NAME },
      );
    }
    await this.#catalog.checkRegion(resolved.region, signal);
    const type = this.#catalog.typeFor(resolved.size, resolved.architecture);
    await this.#catalog.checkInstanceType(type, resolved.architecture, resolved.region, signal);
    const image = await this.#catalog.resolveImage(resolved.image, resolved.architecture, resolved.region, signal);
    const keyName = resolved.sshKeys[0];
    if (keyName !== undefined) await this.#checkKeyPair(keyName, resolved.region, signal);
    return {
      name: resolved.name,
      region: resolved.region,
      architecture: resolved.architecture,
      type: type.name,
      imageId: image.imageId,
      spot: resolved.spot,
      keyName,
      userData: resolved.userData,
      tags,
      warnings: [],
    };
  }

  async #checkKeyPair(name: string, region: string, signal: AbortSignal | undefined): Promise<void> {
    const keys = await this.#retry('DescribeKeyPairs', signal, (s) => this.#api.describeKeyPairs(region, s));
    if (keys.some((key) => key.KeyName === name)) return;
    const known = keys.flatMap((key) => (key.KeyName ? [key.KeyName] : [])).sort();
    throw new InvalidInputError('sshKeys[0]', `No EC2 key pair named "${name}" in ${region}. Key pairs: ${known.length > 0 ? known.join(', ') : 'none'}`, {
      provider: PROVIDER_NAME,
      details: { alternatives: known },
    });
  }

  /**
   * RunInstances exactly once in effect (core's createOnce, token strategy): one ClientToken for
   * this call, reused by every retry, so EC2 answers a resent request with the instance the first one
   * made and ambiguous failures (a lost answer, a reset, a 5xx) are safe to retry. After an abort
   * or a last ambiguous failure, core's cleanup terminates what the token made.
   */
  #runOnce(region: string, request: RunInstancesRequest, signal: AbortSignal | undefined): Promise<Ec2Instance> {
    const clientToken = randomUUID();
    const sent: RunInstancesRequest = { ...request, ClientToken: clientToken };
    const name = instanceName(request);
    return createOnce({
      provider: PROVIDER_NAME,
      operation: 'RunInstances',
      strategy: 'idempotencyToken',
      create: (s) => this.#api.runInstances(region, sent, s),
      // Cleanup only: what the token made, looked up by name and token; if EC2 does not show it yet
      // (eventual consistency), the same request once more, which EC2 answers with it.
      find: async () => (await this.#madeWithToken(region, name, clientToken))[0] ?? (await this.#api.runInstances(region, sent, undefined)),
      // Every instance carrying the token: EC2 makes one; an emulator that ignores ClientToken may have made more.
      remove: async (made) => {
        const ids = new Set([made.InstanceId!, ...(await this.#madeWithToken(region, name, clientToken)).map((i) => i.InstanceId!)]);
        for (const id of ids) await this.#api.terminateInstance(region, id);
      },
      idOf: (made) => made.InstanceId ?? clientToken,
      marker: `ClientToken ${clientToken}`,
      signal,
      events: this.#events,
      retry: this.#config.retry,
    });
  }

  /** Live instances named `name` that a RunInstances with `clientToken` made (one request, no retries). */
  async #madeWithToken(region: string, name: string, clientToken: string): Promise<Ec2Instance[]> {
    const filters = [{ Name: `tag:${NAME_TAG}`, Values: [literalFilterValue(name)] }, { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] }];
    const page = await this.#api.describeInstances(region, { filters }, undefined, undefined);
    return page.items.filter((i) => i.ClientToken === clientToken && i.InstanceId);
  }

  /** One instance, or null when EC2 does not know the id. */
  async #describeOne(region: string, instanceId: string, signal: AbortSignal | undefined): Promise<Ec2Instance | null> {
    try {
      const page = await this.#retry('DescribeInstances', signal, (s) => this.#api.describeInstances(region, { ids: [instanceId] }, undefined, s));
      return page.items.find((i) => i.InstanceId === instanceId) ?? null;
    } catch (error) {
      if (isStagelyError(error, 'NOT_FOUND')) return null;
      throw error;
    }
  }

  /** One instance's status for the waiter: the one DescribeInstances getInstance makes, read for hints. */
  async #probe(instanceId: string, signal: AbortSignal | undefined): Promise<ProbeAnswer> {
    const region = this.#regionFor(instanceId);
    const found = await this.#describeOne(region, instanceId, signal);
    return found ? readinessOf(found, PROVIDER_NAME, region, this.#redact) : null;
  }

  /**
   * Many instances' status: per region, one DescribeInstances per FILTER_VALUES_PER_CALL ids, paged.
   * An `instance-id` filter, not InstanceIds: with InstanceIds one id EC2 does not show yet (eventual
   * consistency after RunInstances) fails the whole call with InvalidInstanceID.NotFound; a filter
   * leaves it out, which the waiter reads as "not yet".
   */
  async #probeMany(ids: readonly string[], signal: AbortSignal | undefined): Promise<Map<string, ProbeAnswer>> {
    const byRegion = new Map<string, string[]>();
    for (const id of ids) {
      const region = this.#regionFor(id);
      byRegion.set(region, [...(byRegion.get(region) ?? []), id]);
    }
    const out = new Map<string, ProbeAnswer>();
    for (const [region, regionIds] of byRegion) {
      for (let start = 0; start < regionIds.length; start += FILTER_VALUES_PER_CALL) {
        const chunk = regionIds.slice(start, start + FILTER_VALUES_PER_CALL);
        const asked = new Set(chunk);
        const filters = [{ Name: 'instance-id', Values: chunk }];
        const found = await this.#allPages('DescribeInstances', signal, (token, s) => this.#api.describeInstances(region, { filters }, token, s));
        for (const item of found) if (item.InstanceId && asked.has(item.InstanceId)) out.set(item.InstanceId, readinessOf(item, PROVIDER_NAME, region, this.#redact));
      }
    }
    return out;
  }

  /** Polls an AMI until it is available (core's pollOperation); a failed AMI is an ApiError. */
  #waitForImage(region: string, imageId: string, signal: AbortSignal | undefined): Promise<Ec2Image> {
    return pollOperation(
      async (s) => {
        const image = await this.#describeImage(region, imageId, s);
        if (image?.State === 'available') return image;
        if (image && (image.State === 'failed' || image.State === 'error' || image.State === 'invalid')) {
          throw new ApiError(`AMI ${imageId} failed: ${this.#redact(image.StateReason?.Message ?? image.State)}`, undefined, { provider: PROVIDER_NAME, details: { imageId, state: image.State } });
        }
        return undefined;
      },
      {
        provider: PROVIDER_NAME,
        operation: 'CreateImage',
        what: `AMI ${imageId}`,
        intervalMs: this.#config.operationPollMs,
        timeoutMs: IMAGE_TIMEOUT_MS,
        signal,
        events: this.#events,
        retry: this.#config.retry,
        details: { imageId },
      },
    );
  }

  /** One request (callers retry): the AMI, or null when this account has no such AMI. */
  async #describeImage(region: string, imageId: string, signal: AbortSignal | undefined): Promise<Ec2Image | null> {
    try {
      const page = await this.#api.describeImages(region, { imageIds: [imageId], owners: ['self'] }, undefined, signal);
      return page.items.find((i) => i.ImageId === imageId) ?? null;
    } catch (error) {
      if (isStagelyError(error, 'NOT_FOUND')) return null;
      throw error;
    }
  }

  /**
   * Deregisters an AMI and deletes the EBS snapshots behind it, which EC2 would otherwise keep
   * (and bill). Idempotent: a second call, or one after a partial failure, finds the snapshots by
   * their tags and the AMI id in their description.
   */
  async #deleteImage(region: string, imageId: string, signal: AbortSignal | undefined): Promise<void> {
    const image = await this.#retry('DescribeImages', signal, (s) => this.#describeImage(region, imageId, s));
    let snapshotIds: string[];
    if (image) {
      if (tagRecord(image.Tags)['managed-by'] !== 'stagely') {
        throw new InvalidInputError('id', `AMI ${imageId} is not managed by Stagely`, { provider: PROVIDER_NAME });
      }
      snapshotIds = snapshotIdsOf(image);
      await this.#retry('DeregisterImage', signal, async (s) => {
        try {
          await this.#api.deregisterImage(region, imageId, s);
        } catch (error) {
          if (!isStagelyError(error, 'NOT_FOUND')) throw error;
        }
      });
    } else {
      const leftovers = await this.#retry('DescribeSnapshots', signal, (s) =>
        this.#api.describeSnapshots(region, { filters: [{ Name: 'description', Values: [`Created by CreateImage(*) for ${imageId}`] }] }, s),
      );
      snapshotIds = leftovers.flatMap((snapshot) => (snapshot.SnapshotId ? [snapshot.SnapshotId] : []));
    }
    for (const snapshotId of snapshotIds) {
      await this.#retry('DeleteSnapshot', signal, async (s) => {
        try {
          await this.#api.deleteSnapshot(region, snapshotId, s);
        } catch (error) {
          if (isStagelyError(error, 'NOT_FOUND')) return;
          // Right after DeregisterImage, EC2 may still see the snapshot as in use for a moment.
          if (isStagelyError(error, 'CONFLICT') && error.details.ec2Code === 'InvalidSnapshot.InUse') {
            throw new ApiError(error.message, 503, { provider: PROVIDER_NAME, details: { ...error.details } });
          }
          throw error;
        }
      });
    }
  }

  #remember(id: string, region: string): void {
    if (region !== this.#config.region) this.#regionOf.set(id, region);
  }

  #regionFor(id: string): string {
    return this.#regionOf.get(id) ?? this.#config.region;
  }

  /** The provider's region and every other region it created in. */
  #regions(): string[] {
    return [...new Set([this.#config.region, ...this.#regionOf.values()])];
  }

  #policy(operation: string, signal: AbortSignal | undefined): RetryPolicy {
    return { ...this.#config.retry, signal, events: this.#events, provider: PROVIDER_NAME, operation };
  }

  #retry<T>(operation: string, signal: AbortSignal | undefined, call: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    return withRetry(() => call(signal), this.#policy(operation, signal));
  }

  /** Every page of a token-paged list (core's collectPages), each page with its own retries. */
  #allPages<T>(operation: string, signal: AbortSignal | undefined, fetchPage: (token: string | undefined, signal: AbortSignal | undefined) => Promise<Page<T, string>>): Promise<T[]> {
    return collectPages(fetchPage, { provider: PROVIDER_NAME, operation, signal, events: this.#events, retry: this.#config.retry });
  }
}

/** A provider from an unvalidated config (the registry does this through the plugin). */
export function createAwsProvider(config: AwsConfig = {}, context: ProviderContext = {}, internals: AwsProviderInternals = {}): AwsProvider {
  return new AwsProvider(parseAwsConfig(config), context, internals);
}

/** A one-time spot request: the instance is terminated, not stopped, when EC2 takes it back. */
const SPOT_ONE_TIME = { MarketType: 'spot', SpotOptions: { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' } } as const;

/** The Name tag a launch request sets. */
function instanceName(request: RunInstancesRequest): string {
  const tags = request.TagSpecifications?.find((spec) => spec.ResourceType === 'instance')?.Tags ?? [];
  return tags.find((tag) => tag.Key === NAME_TAG)?.Value ?? '';
}

function parseInstanceId(id: unknown, field: string): string {
  if (typeof id !== 'string' || !INSTANCE_ID.test(id)) {
    throw new InvalidInputError(field, `EC2 instance ids look like i-0123456789abcdef0, got ${JSON.stringify(id)}`, { provider: PROVIDER_NAME });
  }
  return id;
}


/** EC2 has no spot capacity for this request (or not at this price): on-demand may still work. */
function isNoSpotCapacity(error: unknown): boolean {
  if (!isStagelyError(error)) return false;
  const code = error.details.ec2Code;
  return error.code === 'CAPACITY' || code === 'MaxSpotInstanceCountExceeded';
}
