/**
 * A stateful fake of the EC2 Query API (the part Stagely uses), on core's testing kit. The real
 * `@aws-sdk/client-ec2` talks to it over loopback HTTP with SigV4, so the SDK's serialisation,
 * signing and XML parsing are exercised. Shapes follow the SDK's model: form bodies
 * (`Action=...&Version=2016-11-15`, `Filter.N.Value.M`), XML answers in EC2's namespace and EC2's
 * error document. State: instances per region with a lifecycle (pending -> running with a public
 * IP; shutting-down -> terminated, kept visible as terminated), ClientToken idempotency, spot
 * requests, AMIs with the EBS snapshots behind them, key pairs, the type catalogue, MaxResults /
 * NextToken bounds, EC2's filter limits, launches that fail after RunInstances accepted them (a
 * StateReason), a throttling budget, an eventual-consistency window after create, and faults
 * before and after the handler. Every call is recorded with the fake's clock time and its params.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  FakeHttpError,
  InstanceLifecycle,
  paginateToken,
  PaginationError,
  startFakeServer,
  systemClock,
  type Clock,
  type FakeHandler,
  type FakeRequest,
  type FakeResponse,
  type FakeServer,
  type FaultHandle,
  type FaultSelector,
  type PhaseWords,
} from '@stagely/provider-core/testing';
import type { BackendInstance } from '@stagely/provider-core/conformance';
import { authFailure, clientError, faultAnswer, faultResponse, RUN_INSTANCES_FAULTS, throttled, type Ec2FaultKind } from './ec2-errors.js';
import { ec2Error, ec2Response, tagSet, type WireObject } from './ec2-xml.js';
import {
  CANONICAL_OWNER_ID,
  FAKE_ACCOUNT_ID,
  FAKE_INSTANCE_TYPES,
  FAKE_PUBLIC_IMAGES,
  FAKE_REGIONS,
  offeredIn,
  publicImageId,
  type Ec2Architecture,
  type FakeInstanceType,
} from './fixtures.js';
import { filters, parseQueryFields, QueryShapeError, records, str, strings, struct, wildcardMatch, type Ec2Filter, type QueryRecord } from './query-params.js';
import { TokenBucket } from './token-bucket.js';
import type { Ec2Throttling } from '../throttling.js';
import { Ec2ActionThrottle } from './ec2-throttling.js';
import { credentialScope, verifySignature, type FakeCredentials } from './sigv4.js';

export interface FakeEc2Options {
  /** Credentials the fake accepts (SigV4 is verified); default one pair, see FAKE_EC2_CREDENTIALS. */
  credentials?: FakeCredentials[];
  /** From RunInstances to `running`; default 50 ms. */
  bootDelayMs?: number;
  /** From running to a public IP; default 0. */
  ipDelayMs?: number;
  /** How long `shutting-down` lasts; default 20 ms. */
  terminateDelayMs?: number;
  /** From CreateImage to `available` (and its snapshot `completed`); default 20 ms. */
  imageDelayMs?: number;
  /** Largest page the fake answers, whatever MaxResults asks (EC2 may return fewer); default 1000. */
  maxPageSize?: number;
  /** A request budget (EC2's token bucket: `requests` refilled evenly over `windowMs`); default none. */
  rateLimit?: { requests: number; windowMs: number } | false;
  /** EC2's own throttling: a token bucket per action by category, and resource buckets (EC2_THROTTLING); default none. */
  throttling?: Ec2Throttling | false;
  /** The account's vCPU limit for on-demand instances (VcpuLimitExceeded beyond it); default 512. */
  vcpuLimit?: number;
  /** Key pair names in every region; default `stagely-test`. */
  keyPairs?: string[];
  /** Whether spot capacity exists; default true. */
  spotCapacity?: boolean;
  clock?: Clock;
  seed?: number;
}

export const FAKE_EC2_CREDENTIALS: Readonly<FakeCredentials> = Object.freeze({
  accessKeyId: 'AKIAFAKEEC2EXAMPLE01',
  secretAccessKey: 'fake-ec2-secret-key-do-not-use-0123456789',
});

/** An instance as the fake holds it, in EC2's words (what `record` returns). */
export interface FakeInstanceRecord {
  instanceId: string;
  region: string;
  state: string;
  instanceType: string;
  imageId: string;
  architecture: Ec2Architecture;
  tags: Record<string, string>;
  volumeId: string;
  volumeTags: Record<string, string>;
  keyName: string | null;
  subnetId: string;
  securityGroupIds: string[];
  /** Decoded user data, null when none. */
  userData: string | null;
  spot: boolean;
  clientToken: string | null;
  publicIp: string | null;
}

/** An instance as the conformance suite's `inspect` hook reports it. */
export type BackendInstanceView = BackendInstance;

/** The EC2 action behind each operation whose answer the conformance suite has lost. */
export const LOST_OPERATIONS = Object.freeze({ create: 'RunInstances', terminate: 'TerminateInstances', snapshot: 'CreateImage' } as const);

export interface FakeImageRecord {
  imageId: string;
  region: string;
  name: string;
  state: string;
  snapshotIds: string[];
  tags: Record<string, string>;
  sourceInstanceId: string;
  noReboot: boolean;
}

export interface FakeSnapshotRecord {
  snapshotId: string;
  region: string;
  state: string;
  tags: Record<string, string>;
  description: string;
}

/** Why EC2 ended a launch it had accepted (the instance's StateReason), e.g. `Server.InsufficientInstanceCapacity`. */
export interface FakeLaunchFailure {
  code: string;
  /** Default: EC2's wording for the code, prefixed by it. */
  message?: string;
  /** From RunInstances to shutting-down; default 0 (the first look sees it). */
  afterMs?: number;
}

/** A call the fake answered past authentication: its action, when on the fake's clock, and its params. */
export interface FakeEc2Call {
  action: string;
  at: number;
  params: QueryRecord;
}

export interface FakeEc2 {
  /** `http://127.0.0.1:<port>`: the endpoint to give the SDK (every region is served here). */
  readonly url: string;
  readonly endpoint: string;
  readonly credentials: FakeCredentials;
  readonly accountId: string;
  /** The kit's server: its fault plan, request log (operation = the EC2 action) and `count()`. */
  readonly http: FakeServer;
  /** The `amz-sdk-request` header of every signed call (`attempt=1; max=1` when the SDK does not retry). */
  readonly sdkAttempts: readonly string[];
  /**
   * The next `times` calls (default 1) picked by `selector` fail with `kind`. `quota`, `capacity`
   * and `spot-capacity` pick RunInstances unless a selector is given.
   */
  injectFault(kind: Ec2FaultKind, times?: number, selector?: FaultSelector): FaultHandle;
  /**
   * The next `times` calls of `action` are carried out, but the answer is lost: the client gets
   * `respond` instead (default a 500 InternalError; `'reset'`: a reset connection).
   */
  loseResponse(action: string, options?: { times?: number; respond?: FakeResponse | 'reset'; delayMs?: number }): FaultHandle;
  clearFaults(): void;
  /**
   * The next `times` instances RunInstances makes (default 1) are accepted, then end as EC2 ends a
   * failed launch: pending, shutting-down and terminated with `failure` as their StateReason.
   */
  failLaunches(failure: FakeLaunchFailure, times?: number): void;
  /** From RunInstances to `running` for instances made from now on (boots differ from one to the next). */
  setBootDelay(ms: number): void;
  /** Calls answered past authentication, oldest first, optionally of one action. */
  calls(action?: string): readonly FakeEc2Call[];
  /** Instances created from now on answer InvalidInstanceID.NotFound for `ms` after their create. */
  notFoundFor(ms: number): void;
  /**
   * A budget of `requests` per `windowMs` (a bucket that size, refilled evenly over the window);
   * beyond it EC2's `RequestLimitExceeded`. `undefined` or `false` lifts it.
   */
  rateLimit(budget: { requests: number; windowMs: number } | undefined | false): void;
  setSpotCapacity(available: boolean): void;
  /** An instance Stagely does not manage (no managed-by tag), straight into the state. */
  seedInstance(options?: { region?: string; tags?: Record<string, string>; instanceType?: string }): { id: string; name: string };
  addKeyPair(name: string): { keyPairId: string; fingerprint: string };
  /**
   * What the fake holds for an instance, in the contract's words (the conformance suite's
   * `inspect`): state, tags without `Name`, the key pair, decoded user data, type, region, AMI id,
   * architecture, spot. Null when it holds none.
   */
  inspect(instanceId: string): BackendInstanceView | null;
  /** The raw record, in EC2's words (terminated instances included), or undefined. */
  record(instanceId: string): FakeInstanceRecord | undefined;
  instances(): FakeInstanceRecord[];
  images(): FakeImageRecord[];
  snapshots(): FakeSnapshotRecord[];
  close(): Promise<void>;
}

const WORDS: PhaseWords = {
  pending: 'pending',
  running: 'running',
  stopping: 'stopping',
  stopped: 'stopped',
  terminating: 'shutting-down',
  terminated: 'terminated',
};
const CONTRACT_STATES: Record<string, BackendInstanceView['state']> = {
  pending: 'pending',
  running: 'running',
  stopping: 'stopping',
  stopped: 'stopped',
  'shutting-down': 'terminating',
  terminated: 'terminated',
};
const STATE_CODES: Record<string, number> = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 };
const MAX_USER_DATA = 16 * 1024;
const MAX_TAGS = 50;
const VPC_ID = 'vpc-0a1b2c3d4e5f60001';
const DEFAULT_GROUP = { groupId: 'sg-0a1b2c3d4e5f60001', groupName: 'default' };
/**
 * EC2's filter limits (its FilterLimitExceeded answers): 200 values in one call, over all its
 * filters, and 255 characters a value.
 */
export const FILTER_VALUES_PER_CALL = 200;
const MAX_FILTER_VALUE_LENGTH = 255;
/** EC2's StateReason messages for the launch failures the fake is told of. */
const LAUNCH_FAILURE_MESSAGES: Record<string, string> = {
  'Server.InsufficientInstanceCapacity': 'Insufficient capacity to satisfy launch request',
  'Server.InternalError': 'Internal error on launch',
  'Client.VolumeLimitExceeded': 'Volume limit exceeded',
  'Client.InternalError': 'Client error on launch',
  'Client.InvalidSnapshot.NotFound': 'The requested snapshot was not found',
};
const USER_SHUTDOWN = { code: 'Client.UserInitiatedShutdown', message: 'Client.UserInitiatedShutdown: User initiated shutdown' };
const ID = (prefix: string) => new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`);
const INSTANCE_ID = ID('i');
const IMAGE_ID = ID('ami');
const SNAPSHOT_ID = ID('snap');

interface InstanceState {
  id: string;
  region: string;
  zone: string;
  reservationId: string;
  lifecycle: InstanceLifecycle;
  type: FakeInstanceType;
  imageId: string;
  tags: Record<string, string>;
  volumeId: string;
  volumeTags: Record<string, string>;
  keyName: string | null;
  subnetId: string;
  securityGroupIds: string[];
  userData: string | null;
  spot: boolean;
  spotRequestId: string | null;
  clientToken: string | null;
  launchTime: Date;
  privateIp: string;
  publicIp: string;
  hiddenUntil: number;
  /** A launch EC2 will end (failLaunches): when, and the StateReason it gives. */
  launchFailure: { at: number; code: string; message: string } | undefined;
  /** Set once the launch failed: the StateReason then shown. */
  stateReason: { code: string; message: string } | undefined;
}

/** What a launch decides; the rest of an instance's state the fake assigns. */
type NewInstance = Omit<
  InstanceState,
  'id' | 'lifecycle' | 'volumeId' | 'spotRequestId' | 'launchTime' | 'privateIp' | 'publicIp' | 'hiddenUntil' | 'launchFailure' | 'stateReason'
>;

interface ImageState {
  id: string;
  region: string;
  name: string;
  description: string;
  ownerId: string;
  architecture: Ec2Architecture;
  creationDate: string;
  availableAt: number;
  public: boolean;
  snapshotIds: string[];
  tags: Record<string, string>;
  sourceInstanceId: string;
  noReboot: boolean;
}

interface SnapshotState {
  id: string;
  region: string;
  volumeId: string;
  description: string;
  startTime: Date;
  completedAt: number;
  sizeGb: number;
  tags: Record<string, string>;
}

interface KeyPairState {
  id: string;
  name: string;
  fingerprint: string;
  createdAt: Date;
}

interface TokenRecord {
  fingerprint: string;
  instanceIds: string[];
  reservationId: string;
}

export async function startFakeEc2(options: FakeEc2Options = {}): Promise<FakeEc2> {
  const clock = options.clock ?? systemClock;
  const credentials = options.credentials ?? [FAKE_EC2_CREDENTIALS];
  let bootDelayMs = options.bootDelayMs ?? 50;
  const terminateDelayMs = options.terminateDelayMs ?? 20;
  const imageDelayMs = options.imageDelayMs ?? 20;
  const maxPageSize = options.maxPageSize ?? 1000;
  const vcpuLimit = options.vcpuLimit ?? 512;
  let bucket: TokenBucket | undefined;
  let spotCapacity = options.spotCapacity ?? true;
  let notFoundMs = 0;
  const launchFailures: FakeLaunchFailure[] = [];
  const callLog: FakeEc2Call[] = [];

  const setBudget = (budget: { requests: number; windowMs: number } | undefined | false) => {
    bucket = budget ? new TokenBucket({ limit: budget.requests, refillPerSecond: (budget.requests * 1000) / budget.windowMs }, clock) : undefined;
  };
  setBudget(options.rateLimit);
  const throttle = options.throttling ? new Ec2ActionThrottle(options.throttling, clock) : undefined;

  const http = await startFakeServer({
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    notFound: () => ec2Error(400, 'InvalidAction', 'The action is not valid for this web service.'),
  });

  const instances = new Map<string, InstanceState>();
  const images = new Map<string, ImageState>();
  const snapshots = new Map<string, SnapshotState>();
  const keyPairs = new Map<string, KeyPairState>();
  const tokens = new Map<string, TokenRecord>();
  const sdkAttempts: string[] = [];
  let nextAddress = 1;

  const newId = (prefix: string) => `${prefix}-${randomBytes(9).toString('hex').slice(0, 17)}`;

  for (const region of FAKE_REGIONS) {
    for (const image of FAKE_PUBLIC_IMAGES) {
      const id = publicImageId(image, region.name);
      images.set(id, {
        id,
        region: region.name,
        name: image.name,
        description: image.description,
        ownerId: image.ownerId,
        architecture: image.architecture,
        creationDate: image.creationDate,
        availableAt: 0,
        public: true,
        snapshotIds: [],
        tags: {},
        sourceInstanceId: '',
        noReboot: false,
      });
    }
  }

  function addKeyPair(name: string): KeyPairState {
    const key: KeyPairState = {
      id: newId('key'),
      name,
      fingerprint: createHash('sha256').update(name).digest('base64').replace(/=+$/, '='),
      createdAt: new Date(clock.now()),
    };
    keyPairs.set(name, key);
    return key;
  }
  for (const name of options.keyPairs ?? ['stagely-test']) addKeyPair(name);

  // ---- state helpers ---------------------------------------------------------------------------

  const stateName = (instance: InstanceState) => {
    endFailedLaunch(instance);
    return instance.lifecycle.word(WORDS);
  };

  /** A failed launch goes to shutting-down at its time, exactly (state is derived from the clock). */
  function endFailedLaunch(instance: InstanceState): void {
    const failure = instance.launchFailure;
    if (!failure || clock.now() < failure.at) return;
    instance.launchFailure = undefined;
    const phase = instance.lifecycle.phase;
    if (phase === 'terminating' || phase === 'terminated') return;
    instance.lifecycle = new InstanceLifecycle({ ...timings(), clock, createdAt: instance.lifecycle.createdAt, terminateRequestedAt: failure.at });
    instance.stateReason = { code: failure.code, message: failure.message };
  }

  const timings = () => ({ bootDelayMs, ipDelayMs: options.ipDelayMs ?? 0, terminateDelayMs });
  const visible = (instance: InstanceState) => clock.now() >= instance.hiddenUntil;

  function subnetOf(zone: string): string {
    return `subnet-${createHash('sha256').update(zone).digest('hex').slice(0, 17)}`;
  }

  function subnets(region: string): Map<string, string> {
    const region_ = FAKE_REGIONS.find((r) => r.name === region)!;
    return new Map(region_.zones.map((zone) => [subnetOf(zone), zone]));
  }

  function instanceWire(instance: InstanceState): WireObject {
    const state = stateName(instance);
    const ip = instance.lifecycle.hasPublicIp ? instance.publicIp : undefined;
    const running = state === 'running' || state === 'pending' || state === 'stopping';
    const ending = state === 'terminated' || state === 'shutting-down';
    return {
      instanceId: instance.id,
      imageId: instance.imageId,
      instanceState: { code: STATE_CODES[state] ?? 0, name: state },
      privateDnsName: running ? `ip-${instance.privateIp.replace(/\./g, '-')}.ec2.internal` : '',
      dnsName: ip ? `ec2-${ip.replace(/\./g, '-')}.compute-1.amazonaws.com` : '',
      reason: ending ? (instance.stateReason?.message ?? 'User initiated') : '',
      keyName: instance.keyName ?? undefined,
      amiLaunchIndex: 0,
      productCodes: [],
      instanceType: instance.type.name,
      launchTime: instance.launchTime,
      placement: { availabilityZone: instance.zone, groupName: '', tenancy: 'default' },
      monitoring: { state: 'disabled' },
      subnetId: running ? instance.subnetId : undefined,
      vpcId: running ? VPC_ID : undefined,
      privateIpAddress: running ? instance.privateIp : undefined,
      ipAddress: ip,
      sourceDestCheck: true,
      groupSet: instance.securityGroupIds.map((groupId) => ({ groupId, groupName: groupId === DEFAULT_GROUP.groupId ? 'default' : groupId })),
      // EC2 says `pending` while pending, and why once an instance is on its way out.
      stateReason: state === 'pending' ? { code: 'pending', message: 'pending' } : ending ? (instance.stateReason ?? USER_SHUTDOWN) : undefined,
      architecture: instance.type.architecture,
      rootDeviceType: 'ebs',
      rootDeviceName: '/dev/sda1',
      blockDeviceMapping:
        state === 'terminated'
          ? []
          : [{ deviceName: '/dev/sda1', ebs: { volumeId: instance.volumeId, status: 'attached', attachTime: instance.launchTime, deleteOnTermination: true } }],
      instanceLifecycle: instance.spot ? 'spot' : undefined,
      spotInstanceRequestId: instance.spotRequestId ?? undefined,
      virtualizationType: 'hvm',
      clientToken: instance.clientToken ?? '',
      tagSet: tagSet(instance.tags),
      hypervisor: 'xen',
      ebsOptimized: false,
      enaSupport: true,
      cpuOptions: { coreCount: Math.max(1, instance.type.vcpus / 2), threadsPerCore: instance.type.vcpus > 1 ? 2 : 1 },
      metadataOptions: { state: 'applied', httpTokens: 'required', httpPutResponseHopLimit: 2, httpEndpoint: 'enabled' },
      bootMode: instance.type.architecture === 'arm64' ? 'uefi' : 'uefi-preferred',
      platformDetails: 'Linux/UNIX',
    };
  }

  function reservationWire(reservationId: string, members: InstanceState[]): WireObject {
    return { reservationId, ownerId: FAKE_ACCOUNT_ID, groupSet: [], instancesSet: members.map(instanceWire) };
  }

  function imageState(image: ImageState): string {
    return clock.now() >= image.availableAt ? 'available' : 'pending';
  }

  function imageWire(image: ImageState): WireObject {
    return {
      imageId: image.id,
      imageLocation: image.public ? `${image.ownerId}/${image.name}` : `${FAKE_ACCOUNT_ID}/${image.name}`,
      imageState: imageState(image),
      imageOwnerId: image.ownerId,
      creationDate: image.creationDate,
      isPublic: image.public,
      architecture: image.architecture,
      imageType: 'machine',
      name: image.name,
      description: image.description,
      rootDeviceType: 'ebs',
      rootDeviceName: '/dev/sda1',
      blockDeviceMapping: [
        {
          deviceName: '/dev/sda1',
          ebs: {
            snapshotId: image.snapshotIds[0] ?? `snap-${image.id.slice(4)}`,
            volumeSize: 8,
            deleteOnTermination: true,
            volumeType: 'gp3',
            encrypted: false,
          },
        },
      ],
      virtualizationType: 'hvm',
      hypervisor: 'xen',
      enaSupport: true,
      sriovNetSupport: 'simple',
      bootMode: image.architecture === 'arm64' ? 'uefi' : 'uefi-preferred',
      platformDetails: 'Linux/UNIX',
      usageOperation: 'RunInstances',
      tagSet: tagSet(image.tags),
      sourceInstanceId: image.sourceInstanceId || undefined,
    };
  }

  function snapshotWire(snapshot: SnapshotState): WireObject {
    const done = clock.now() >= snapshot.completedAt;
    return {
      snapshotId: snapshot.id,
      volumeId: snapshot.volumeId,
      status: done ? 'completed' : 'pending',
      startTime: snapshot.startTime,
      progress: done ? '100%' : '0%',
      ownerId: FAKE_ACCOUNT_ID,
      volumeSize: snapshot.sizeGb,
      description: snapshot.description,
      encrypted: false,
      storageTier: 'standard',
      tagSet: tagSet(snapshot.tags),
    };
  }

  function newInstance(input: NewInstance): InstanceState {
    const n = nextAddress++;
    const now = clock.now();
    const instance: InstanceState = {
      ...input,
      id: newId('i'),
      lifecycle: new InstanceLifecycle({ ...timings(), clock }),
      volumeId: newId('vol'),
      spotRequestId: input.spot ? `sir-${randomBytes(4).toString('hex')}` : null,
      launchTime: new Date(Math.floor(now / 1000) * 1000),
      privateIp: `172.31.${(n >> 8) & 255}.${n & 255}`,
      publicIp: `54.${160 + ((n >> 16) & 63)}.${(n >> 8) & 255}.${n & 255}`,
      hiddenUntil: now + notFoundMs,
      launchFailure: undefined,
      stateReason: undefined,
    };
    instances.set(instance.id, instance);
    return instance;
  }

  // ---- request plumbing ------------------------------------------------------------------------

  interface Call {
    params: QueryRecord;
    region: string;
  }

  function route(action: string, handler: (call: Call) => WireObject | FakeResponse): void {
    const wrapped: FakeHandler = (request) => {
      const signed = authenticate(request);
      if ('status' in signed) return signed;
      if ((bucket && !bucket.take()) || (throttle && !throttle.take(action, request.body as Record<string, string>))) return throttled();
      let params: QueryRecord;
      try {
        params = parseQueryFields(request.body as Record<string, string>);
      } catch (error) {
        if (error instanceof QueryShapeError) return ec2Error(400, 'InvalidParameterValue', error.message);
        throw error;
      }
      callLog.push({ action, at: clock.now(), params });
      try {
        const result = handler({ params, region: signed.region });
        return 'status' in result && typeof result.status === 'number' ? (result as FakeResponse) : ec2Response(action, result as WireObject);
      } catch (error) {
        if (error instanceof PaginationError) return ec2Error(400, 'InvalidParameterValue', error.message);
        throw error;
      }
    };
    http.route({ method: 'POST', path: '/', action }, wrapped);
  }

  function authenticate(request: FakeRequest): { region: string } | FakeResponse {
    const attempt = request.headers['amz-sdk-request'];
    if (typeof attempt === 'string') sdkAttempts.push(attempt);
    const check = verifySignature(
      { method: request.method, path: request.url.pathname, search: request.url.search.slice(1), headers: request.headers, rawBody: request.rawBody },
      credentials,
      // The SDK signs with the real time, whatever clock drives the fake's state.
      Date.now(),
    );
    if (!check.ok) return authFailure();
    if (check.service !== 'ec2') return authFailure();
    if (!FAKE_REGIONS.some((r) => r.name === check.region)) {
      return ec2Error(401, 'AuthFailure', `Credential should be scoped to a valid region, not '${check.region}'.`);
    }
    return { region: check.region };
  }

  /** EC2's MaxResults bounds: an integer from `min` to `max`; not together with an id list. */
  function checkPaging(params: QueryRecord, bounds: { min: number; max: number }, idsGiven: boolean): void {
    const maxResults = str(params, 'MaxResults');
    if (maxResults === undefined) return;
    if (idsGiven) throw clientError('InvalidParameterCombination', 'The parameter ids cannot be used with the parameter maxResults');
    const n = Number(maxResults);
    if (!Number.isInteger(n) || n < bounds.min || n > bounds.max) {
      throw clientError('InvalidParameterValue', `Value ( ${maxResults} ) for parameter maxResults is invalid. Parameter may be between ${bounds.min} and ${bounds.max}.`);
    }
  }

  /** A page of `items` for MaxResults / NextToken, never larger than the fake's page size. */
  function pageOf<T>(params: QueryRecord, items: readonly T[], bounds: { min: number; max: number }, idsGiven: boolean): { items: T[]; nextToken: string | undefined } {
    checkPaging(params, bounds, idsGiven);
    const maxResults = str(params, 'MaxResults');
    const token = str(params, 'NextToken');
    if (idsGiven && maxResults === undefined && token === undefined) return { items: [...items], nextToken: undefined };
    const size = Math.min(maxResults === undefined ? maxPageSize : Number(maxResults), maxPageSize);
    try {
      return paginateToken(items, { token, maxResults: size });
    } catch (error) {
      if (error instanceof PaginationError) throw clientError('InvalidParameterValue', `Invalid NextToken value: ${token ?? ''}`);
      throw error;
    }
  }

  /** The call's filters, refused past EC2's limits as EC2 refuses them. */
  function filtersOf(params: QueryRecord): Ec2Filter[] {
    const list = filters(params);
    if (list.reduce((sum, f) => sum + f.values.length, 0) > FILTER_VALUES_PER_CALL) {
      throw clientError('FilterLimitExceeded', `The maximum number of filter values specified on a single call is ${FILTER_VALUES_PER_CALL}`);
    }
    if (list.some((f) => f.values.some((value) => value.length > MAX_FILTER_VALUE_LENGTH))) {
      throw clientError('FilterLimitExceeded', `The maximum length for a filter value is ${MAX_FILTER_VALUE_LENGTH} characters`);
    }
    return list;
  }

  function tagFilter(filter: Ec2Filter, tags: Record<string, string>): boolean | undefined {
    if (filter.name.startsWith('tag:')) {
      const value = tags[filter.name.slice(4)];
      return value !== undefined && filter.values.some((pattern) => wildcardMatch(pattern, value));
    }
    if (filter.name === 'tag-key') return filter.values.some((pattern) => Object.keys(tags).some((key) => wildcardMatch(pattern, key)));
    return undefined;
  }

  /** Applies `filter` with `fields` (filter name -> the item's values); unknown names are refused. */
  function matchFilters(list: readonly Ec2Filter[], tags: Record<string, string>, fields: Record<string, string | string[] | undefined>): boolean {
    return list.every((filter) => {
      const byTag = tagFilter(filter, tags);
      if (byTag !== undefined) return byTag;
      if (!Object.hasOwn(fields, filter.name)) throw clientError('InvalidParameterValue', `The filter '${filter.name}' is invalid`);
      const raw = fields[filter.name];
      const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
      return filter.values.some((pattern) => values.some((value) => wildcardMatch(pattern, value)));
    });
  }

  function checkTags(tags: Record<string, string>): void {
    for (const [key, value] of Object.entries(tags)) {
      if (key.length === 0 || key.length > 128) throw clientError('InvalidParameterValue', `Tag key exceeds the maximum length of 128 characters`);
      if (value.length > 256) throw clientError('InvalidParameterValue', `Tag value exceeds the maximum length of 256 characters`);
      if (key.toLowerCase().startsWith('aws:')) throw clientError('InvalidParameterValue', `Tag keys starting with 'aws:' are reserved for internal use`);
    }
    if (Object.keys(tags).length > MAX_TAGS) throw clientError('TagLimitExceeded', `The maximum number of tags per resource is ${MAX_TAGS}`);
  }

  function tagsOf(record: QueryRecord | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    for (const tag of records(record, 'Tag')) out[str(tag, 'Key') ?? ''] = str(tag, 'Value') ?? '';
    return out;
  }

  /** TagSpecification.N by resource type; a type that makes no sense for the call is refused. */
  function tagSpecifications(params: QueryRecord, allowed: readonly string[]): Map<string, Record<string, string>> {
    const out = new Map<string, Record<string, string>>();
    for (const spec of records(params, 'TagSpecification')) {
      const type = str(spec, 'ResourceType') ?? '';
      if (!allowed.includes(type)) throw clientError('InvalidParameterValue', `'${type}' is not a valid taggable resource type for this operation.`);
      const tags = tagsOf(spec);
      checkTags(tags);
      out.set(type, { ...out.get(type), ...tags });
    }
    return out;
  }

  function liveInstance(id: string, region: string): InstanceState | undefined {
    const instance = instances.get(id);
    return instance && instance.region === region ? instance : undefined;
  }

  function checkInstanceIds(ids: readonly string[]): void {
    const bad = ids.filter((id) => !INSTANCE_ID.test(id));
    if (bad.length > 0) throw clientError('InvalidInstanceID.Malformed', `Invalid id: "${bad[0]}"`);
  }

  function resolveImage(ref: string, region: string): ImageState {
    let id = ref;
    if (ref.startsWith('resolve:ssm:')) {
      const parameter = ref.slice('resolve:ssm:'.length);
      const found = FAKE_PUBLIC_IMAGES.find((image) => image.ssmParameter === parameter);
      if (!found) throw clientError('InvalidParameterValue', `Invalid value '${ref}' for parameter imageId: the SSM parameter does not exist or you are not authorized to access it.`);
      id = publicImageId(found, region);
    }
    if (!IMAGE_ID.test(id)) throw clientError('InvalidAMIID.Malformed', `Invalid id: "${id}" (expecting "ami-...")`);
    const image = images.get(id);
    if (!image || image.region !== region) throw clientError('InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`);
    if (imageState(image) !== 'available') throw clientError('InvalidAMIID.Unavailable', `The image id '[${id}]' is not available`);
    return image;
  }

  // ---- actions -----------------------------------------------------------------------------------

  route('DescribeAccountAttributes', () => ({
    accountAttributeSet: [
      { attributeName: 'supported-platforms', attributeValueSet: [{ attributeValue: 'VPC' }] },
      { attributeName: 'default-vpc', attributeValueSet: [{ attributeValue: VPC_ID }] },
      { attributeName: 'max-instances', attributeValueSet: [{ attributeValue: '20' }] },
    ],
  }));

  route('DescribeRegions', ({ params }) => {
    const names = strings(params, 'RegionName');
    const unknown = names.find((name) => !FAKE_REGIONS.some((r) => r.name === name));
    if (unknown) throw clientError('InvalidParameterValue', `Invalid region: ${unknown}`);
    const list = FAKE_REGIONS.filter((r) => names.length === 0 || names.includes(r.name));
    return {
      regionInfo: list.map((r) => ({ regionName: r.name, regionEndpoint: `ec2.${r.name}.amazonaws.com`, optInStatus: 'opt-in-not-required' })),
    };
  });

  route('DescribeAvailabilityZones', ({ region }) => ({
    availabilityZoneInfo: FAKE_REGIONS.find((r) => r.name === region)!.zones.map((zone, i) => ({
      zoneName: zone,
      zoneState: 'available',
      regionName: region,
      zoneId: `${region.split('-').map((p) => p[0]).join('')}${region.at(-1)}-az${i + 1}`,
      zoneType: 'availability-zone',
      optInStatus: 'opt-in-not-required',
    })),
  }));

  route('DescribeInstanceTypes', ({ params, region }) => {
    const names = strings(params, 'InstanceType');
    const unknown = names.filter((name) => !FAKE_INSTANCE_TYPES.some((t) => t.name === name));
    if (unknown.length > 0) throw clientError('InvalidInstanceType', `The following supplied instance types do not exist: [${unknown.join(', ')}]`);
    const list = filtersOf(params);
    const items = FAKE_INSTANCE_TYPES.filter((t) => offeredIn(t, region))
      .filter((t) => names.length === 0 || names.includes(t.name))
      .filter((t) =>
        matchFilters(list, {}, {
          'instance-type': t.name,
          'processor-info.supported-architecture': t.architecture,
          'current-generation': String(t.currentGeneration),
        }),
      );
    const page = pageOf(params, items, { min: 5, max: 100 }, false);
    return {
      instanceTypeSet: page.items.map((t) => ({
        instanceType: t.name,
        currentGeneration: t.currentGeneration,
        supportedUsageClasses: t.currentGeneration ? ['on-demand', 'spot'] : ['on-demand'],
        supportedRootDeviceTypes: ['ebs'],
        supportedVirtualizationTypes: ['hvm'],
        bareMetal: false,
        hypervisor: 'nitro',
        processorInfo: { supportedArchitectures: [t.architecture], sustainedClockSpeedInGhz: t.architecture === 'arm64' ? 2.5 : 3.1, manufacturer: t.architecture === 'arm64' ? 'AWS' : 'Intel' },
        vCpuInfo: { defaultVCpus: t.vcpus, defaultCores: Math.max(1, t.vcpus / 2), defaultThreadsPerCore: t.vcpus > 1 ? 2 : 1 },
        memoryInfo: { sizeInMiB: t.memoryMiB },
        instanceStorageSupported: false,
        ebsInfo: { ebsOptimizedSupport: 'default', encryptionSupport: 'supported', nvmeSupport: 'required' },
        networkInfo: { networkPerformance: 'Up to 5 Gigabit', maximumNetworkInterfaces: 3, ipv4AddressesPerInterface: 4, ipv6AddressesPerInterface: 4, ipv6Supported: true, enaSupport: 'required' },
        hibernationSupported: false,
        burstablePerformanceSupported: t.name.startsWith('t'),
        dedicatedHostsSupported: false,
        autoRecoverySupported: true,
        supportedBootModes: t.architecture === 'arm64' ? ['uefi'] : ['legacy-bios', 'uefi'],
      })),
      nextToken: page.nextToken,
    };
  });

  route('DescribeInstanceTypeOfferings', ({ params, region }) => {
    const locationType = str(params, 'LocationType') ?? 'region';
    if (!['region', 'availability-zone', 'availability-zone-id'].includes(locationType)) {
      throw clientError('InvalidParameterValue', `Invalid value '${locationType}' for LocationType`);
    }
    const zones = FAKE_REGIONS.find((r) => r.name === region)!.zones;
    const locations = locationType === 'region' ? [region] : zones;
    const list = filtersOf(params);
    const items = FAKE_INSTANCE_TYPES.filter((t) => offeredIn(t, region)).flatMap((t) =>
      locations
        .filter((location) => matchFilters(list, {}, { 'instance-type': t.name, location }))
        .map((location) => ({ instanceType: t.name, locationType, location })),
    );
    const page = pageOf(params, items, { min: 5, max: 1000 }, false);
    return { instanceTypeOfferingSet: page.items, nextToken: page.nextToken };
  });

  route('DescribeKeyPairs', ({ params }) => {
    const names = strings(params, 'KeyName');
    const missing = names.find((name) => !keyPairs.has(name));
    if (missing) throw clientError('InvalidKeyPair.NotFound', `The key pair '${missing}' does not exist`);
    const list = filtersOf(params);
    const items = [...keyPairs.values()]
      .filter((key) => names.length === 0 || names.includes(key.name))
      .filter((key) => matchFilters(list, {}, { 'key-name': key.name, 'key-pair-id': key.id, fingerprint: key.fingerprint }));
    return {
      keySet: items.map((key) => ({ keyPairId: key.id, keyFingerprint: key.fingerprint, keyName: key.name, keyType: 'ed25519', tagSet: [], createTime: key.createdAt })),
    };
  });

  route('RunInstances', ({ params, region }) => {
    const clientToken = str(params, 'ClientToken');
    if (clientToken !== undefined && (clientToken.length > 64 || !/^[\x20-\x7e]*$/.test(clientToken))) {
      throw clientError('InvalidParameterValue', 'The client token must be at most 64 ASCII characters');
    }
    const fingerprint = clientToken === undefined ? '' : fingerprintOf(params, region);
    if (clientToken !== undefined) {
      const earlier = tokens.get(`${region}/${clientToken}`);
      if (earlier) {
        if (earlier.fingerprint !== fingerprint) {
          throw clientError('IdempotentParameterMismatch', 'The client token you have provided is associated with a resource that was created with different parameters.');
        }
        return reservationWire(earlier.reservationId, earlier.instanceIds.map((id) => instances.get(id)!));
      }
    }

    const minCount = Number(str(params, 'MinCount'));
    const maxCount = Number(str(params, 'MaxCount'));
    if (!Number.isInteger(minCount) || !Number.isInteger(maxCount) || minCount < 1 || maxCount < minCount) {
      throw clientError('InvalidParameterValue', 'MinCount and MaxCount must be positive integers with MinCount <= MaxCount');
    }
    const imageRef = str(params, 'ImageId');
    if (imageRef === undefined) throw clientError('MissingParameter', 'The request must contain the parameter ImageId');
    const typeName = str(params, 'InstanceType') ?? 'm1.small';
    const type = FAKE_INSTANCE_TYPES.find((t) => t.name === typeName);
    if (!type) throw clientError('InvalidParameterValue', `Invalid value '${typeName}' for InstanceType.`);
    if (!offeredIn(type, region)) {
      throw clientError('Unsupported', `The requested configuration is currently not supported. Please check the documentation for supported configurations.`);
    }
    const image = resolveImage(imageRef, region);
    if (image.architecture !== type.architecture) {
      throw clientError(
        'InvalidParameterValue',
        `The architecture '${type.architecture}' of the specified instance type does not match the architecture '${image.architecture}' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again.`,
      );
    }
    const keyName = str(params, 'KeyName') ?? null;
    if (keyName !== null && !keyPairs.has(keyName)) throw clientError('InvalidKeyPair.NotFound', `The key pair '${keyName}' does not exist`);
    const zones = subnets(region);
    const subnetId = str(params, 'SubnetId') ?? [...zones.keys()][0]!;
    const zone = zones.get(subnetId);
    if (!zone) throw clientError('InvalidSubnetID.NotFound', `The subnet ID '${subnetId}' does not exist`);
    const groups = strings(params, 'SecurityGroupId');
    const unknownGroup = groups.find((g) => g !== DEFAULT_GROUP.groupId);
    if (unknownGroup) throw clientError('InvalidGroup.NotFound', `The security group '${unknownGroup}' does not exist in VPC '${VPC_ID}'`);
    const userData = decodeUserData(str(params, 'UserData'));
    const tagging = tagSpecifications(params, ['instance', 'volume', 'spot-instances-request', 'network-interface']);

    const market = struct(params, 'InstanceMarketOptions');
    const spot = str(market, 'MarketType') === 'spot';
    if (spot) {
      const spotOptions = struct(market, 'SpotOptions');
      const interruption = str(spotOptions, 'InstanceInterruptionBehavior');
      if (str(spotOptions, 'SpotInstanceType') === 'one-time' && interruption !== undefined && interruption !== 'terminate') {
        throw clientError('InvalidParameterCombination', 'A one-time Spot Instance request can only be interrupted by termination');
      }
      const maxPrice = str(spotOptions, 'MaxPrice');
      if (maxPrice !== undefined && Number(maxPrice) < type.price / 3) {
        throw clientError('SpotMaxPriceTooLow', `Your Spot request price of ${maxPrice} is lower than the minimum required Spot request fulfillment price of ${(type.price / 3).toFixed(4)}.`);
      }
      if (!spotCapacity) throw new FakeHttpError(faultResponse('spot-capacity'));
    }
    const usedVcpus = [...instances.values()].filter((i) => i.region === region && !i.spot && !['terminated', 'shutting-down'].includes(stateName(i))).reduce((sum, i) => sum + i.type.vcpus, 0);
    if (!spot && usedVcpus + type.vcpus * maxCount > vcpuLimit) throw new FakeHttpError(faultResponse('quota'));

    const reservationId = newId('r');
    const made = Array.from({ length: maxCount }, () =>
      newInstance({
        region,
        zone,
        type,
        imageId: image.id,
        tags: tagging.get('instance') ?? {},
        volumeTags: tagging.get('volume') ?? {},
        keyName,
        subnetId,
        securityGroupIds: groups.length > 0 ? groups : [DEFAULT_GROUP.groupId],
        userData,
        spot,
        clientToken: clientToken ?? null,
        reservationId,
      }),
    );
    for (const instance of made) {
      const failure = launchFailures.shift();
      if (failure) {
        const message = failure.message ?? `${failure.code}: ${LAUNCH_FAILURE_MESSAGES[failure.code] ?? 'The instance failed to launch'}`;
        instance.launchFailure = { at: instance.lifecycle.createdAt + (failure.afterMs ?? 0), code: failure.code, message };
      }
    }
    if (clientToken !== undefined) tokens.set(`${region}/${clientToken}`, { fingerprint, instanceIds: made.map((i) => i.id), reservationId });
    return reservationWire(reservationId, made);
  });

  route('DescribeInstances', ({ params, region }) => {
    const ids = strings(params, 'InstanceId');
    checkInstanceIds(ids);
    checkPaging(params, { min: 5, max: 1000 }, ids.length > 0);
    const list = filtersOf(params);
    const missing = ids.filter((id) => {
      const instance = liveInstance(id, region);
      return !instance || !visible(instance);
    });
    if (missing.length > 0) {
      throw clientError('InvalidInstanceID.NotFound', `The instance ID${missing.length > 1 ? 's' : ''} '${missing.join(', ')}' do${missing.length > 1 ? '' : 'es'} not exist`);
    }
    const chosen = [...instances.values()]
      .filter((i) => i.region === region && visible(i))
      .filter((i) => ids.length === 0 || ids.includes(i.id))
      .filter((i) =>
        matchFilters(list, i.tags, {
          'instance-id': i.id,
          'instance-state-name': stateName(i),
          'instance-state-code': String(STATE_CODES[stateName(i)]),
          'instance-type': i.type.name,
          'instance-lifecycle': i.spot ? 'spot' : undefined,
          'reservation-id': i.reservationId,
          'client-token': i.clientToken ?? undefined,
          'availability-zone': i.zone,
          'image-id': i.imageId,
          'key-name': i.keyName ?? undefined,
          architecture: i.type.architecture,
        }),
      );
    // Reservations keep their launch order; a page holds whole reservations.
    const reservations = new Map<string, InstanceState[]>();
    for (const instance of chosen) reservations.set(instance.reservationId, [...(reservations.get(instance.reservationId) ?? []), instance]);
    const page = pageOf(params, [...reservations.entries()], { min: 5, max: 1000 }, ids.length > 0);
    return { reservationSet: page.items.map(([id, members]) => reservationWire(id, members)), nextToken: page.nextToken };
  });

  route('TerminateInstances', ({ params, region }) => {
    const ids = strings(params, 'InstanceId');
    if (ids.length === 0) throw clientError('MissingParameter', 'The request must contain the parameter InstanceId');
    checkInstanceIds(ids);
    const missing = ids.filter((id) => !liveInstance(id, region));
    if (missing.length > 0) throw clientError('InvalidInstanceID.NotFound', `The instance ID '${missing.join(', ')}' does not exist`);
    return {
      instancesSet: ids.map((id) => {
        const instance = instances.get(id)!;
        const previous = stateName(instance);
        instance.lifecycle.terminate();
        const current = stateName(instance);
        return {
          instanceId: id,
          currentState: { code: STATE_CODES[current] ?? 0, name: current },
          previousState: { code: STATE_CODES[previous] ?? 0, name: previous },
        };
      }),
    };
  });

  route('CreateImage', ({ params, region }) => {
    const instanceId = str(params, 'InstanceId') ?? '';
    checkInstanceIds([instanceId]);
    const instance = liveInstance(instanceId, region);
    if (!instance) throw clientError('InvalidInstanceID.NotFound', `The instance ID '${instanceId}' does not exist`);
    const state = stateName(instance);
    if (state !== 'running' && state !== 'stopped') throw clientError('IncorrectInstanceState', `The instance '${instanceId}' is not in a state from which it can be imaged.`);
    const name = str(params, 'Name') ?? '';
    if (!/^[a-zA-Z0-9()[\] ./\-'@_]{3,128}$/.test(name)) {
      throw clientError('InvalidAMIName.Malformed', `AMI names must be between 3 and 128 characters long, and may contain letters, numbers, '(', ')', '.', '-', '/' and '_'`);
    }
    if ([...images.values()].some((image) => image.region === region && image.ownerId === FAKE_ACCOUNT_ID && image.name === name)) {
      throw clientError('InvalidAMIName.Duplicate', `AMI name ${name} is already in use by AMI ...`);
    }
    const tagging = tagSpecifications(params, ['image', 'snapshot']);
    const now = clock.now();
    const imageId = newId('ami');
    const snapshot: SnapshotState = {
      id: newId('snap'),
      region,
      volumeId: instance.volumeId,
      description: `Created by CreateImage(${instanceId}) for ${imageId}`,
      startTime: new Date(now),
      completedAt: now + imageDelayMs,
      sizeGb: 8,
      tags: tagging.get('snapshot') ?? {},
    };
    snapshots.set(snapshot.id, snapshot);
    images.set(imageId, {
      id: imageId,
      region,
      name,
      description: str(params, 'Description') ?? '',
      ownerId: FAKE_ACCOUNT_ID,
      architecture: instance.type.architecture,
      creationDate: new Date(now).toISOString(),
      availableAt: now + imageDelayMs,
      public: false,
      snapshotIds: [snapshot.id],
      tags: tagging.get('image') ?? {},
      sourceInstanceId: instanceId,
      noReboot: str(params, 'NoReboot') === 'true',
    });
    return { imageId };
  });

  route('DescribeImages', ({ params, region }) => {
    const ids = strings(params, 'ImageId');
    const malformed = ids.find((id) => !IMAGE_ID.test(id));
    if (malformed) throw clientError('InvalidAMIID.Malformed', `Invalid id: "${malformed}" (expecting "ami-...")`);
    const missing = ids.filter((id) => images.get(id)?.region !== region);
    if (missing.length > 0) throw clientError('InvalidAMIID.NotFound', `The image id '[${missing.join(', ')}]' does not exist`);
    const owners = strings(params, 'Owner').map((owner) => (owner === 'self' ? FAKE_ACCOUNT_ID : owner === 'amazon' ? 'amazon' : owner));
    const list = filtersOf(params);
    const items = [...images.values()]
      .filter((image) => image.region === region && (ids.length > 0 || image.public || image.ownerId === FAKE_ACCOUNT_ID))
      .filter((image) => ids.length === 0 || ids.includes(image.id))
      .filter((image) => owners.length === 0 || owners.includes(image.ownerId))
      .filter((image) =>
        matchFilters(list, image.tags, {
          name: image.name,
          architecture: image.architecture,
          'owner-id': image.ownerId,
          'image-id': image.id,
          state: imageState(image),
          'is-public': String(image.public),
          'image-type': 'machine',
          'root-device-type': 'ebs',
          'virtualization-type': 'hvm',
          description: image.description,
        }),
      );
    const page = pageOf(params, items, { min: 5, max: 1000 }, ids.length > 0);
    return { imagesSet: page.items.map(imageWire), nextToken: page.nextToken };
  });

  route('DeregisterImage', ({ params, region }) => {
    const id = str(params, 'ImageId') ?? '';
    if (!IMAGE_ID.test(id)) throw clientError('InvalidAMIID.Malformed', `Invalid id: "${id}" (expecting "ami-...")`);
    const image = images.get(id);
    if (!image || image.region !== region) throw clientError('InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`);
    if (image.ownerId !== FAKE_ACCOUNT_ID) throw clientError('AuthFailure', `Not authorized for image:${id}`);
    images.delete(id);
    // DeleteAssociatedSnapshots is left out on purpose: what callers must do themselves is tested.
    return { return: true };
  });

  route('DescribeSnapshots', ({ params, region }) => {
    const ids = strings(params, 'SnapshotId');
    const malformed = ids.find((id) => !SNAPSHOT_ID.test(id));
    if (malformed) throw clientError('InvalidSnapshotID.Malformed', `Invalid id: "${malformed}" (expecting "snap-...")`);
    const missing = ids.filter((id) => snapshots.get(id)?.region !== region);
    if (missing.length > 0) throw clientError('InvalidSnapshot.NotFound', `The snapshot '${missing.join(', ')}' does not exist.`);
    const list = filtersOf(params);
    const items = [...snapshots.values()]
      .filter((s) => s.region === region && (ids.length === 0 || ids.includes(s.id)))
      .filter((s) => matchFilters(list, s.tags, { 'snapshot-id': s.id, description: s.description, status: clock.now() >= s.completedAt ? 'completed' : 'pending', 'volume-id': s.volumeId, 'owner-id': FAKE_ACCOUNT_ID }));
    const page = pageOf(params, items, { min: 5, max: 1000 }, ids.length > 0);
    return { snapshotSet: page.items.map(snapshotWire), nextToken: page.nextToken };
  });

  route('DeleteSnapshot', ({ params, region }) => {
    const id = str(params, 'SnapshotId') ?? '';
    if (!SNAPSHOT_ID.test(id)) throw clientError('InvalidSnapshotID.Malformed', `Invalid id: "${id}" (expecting "snap-...")`);
    const snapshot = snapshots.get(id);
    if (!snapshot || snapshot.region !== region) throw clientError('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
    const user = [...images.values()].find((image) => image.snapshotIds.includes(id));
    if (user) throw clientError('InvalidSnapshot.InUse', `The snapshot ${id} is currently in use by ${user.id}`);
    snapshots.delete(id);
    return {};
  });

  // ---- controls --------------------------------------------------------------------------------

  function record(instance: InstanceState): FakeInstanceRecord {
    return {
      instanceId: instance.id,
      region: instance.region,
      state: stateName(instance),
      instanceType: instance.type.name,
      imageId: instance.imageId,
      architecture: instance.type.architecture,
      tags: { ...instance.tags },
      volumeId: instance.volumeId,
      volumeTags: { ...instance.volumeTags },
      keyName: instance.keyName,
      subnetId: instance.subnetId,
      securityGroupIds: [...instance.securityGroupIds],
      userData: instance.userData,
      spot: instance.spot,
      clientToken: instance.clientToken,
      publicIp: instance.lifecycle.hasPublicIp ? instance.publicIp : null,
    };
  }

  const onRun: FaultSelector = { operation: 'RunInstances' };
  return {
    url: http.url,
    endpoint: http.url,
    credentials: credentials[0]!,
    accountId: FAKE_ACCOUNT_ID,
    http,
    sdkAttempts,
    injectFault(kind, times = 1, selector) {
      const answer = faultAnswer(kind);
      const pick = selector ?? (RUN_INSTANCES_FAULTS.has(kind) ? onRun : {});
      return http.faults.add({ ...pick, times, ...(answer === 'reset' ? { reset: true } : { respond: answer }) });
    },
    loseResponse(action, { times = 1, respond = faultResponse('server-error'), delayMs = 0 } = {}) {
      return http.faults.add({ operation: action, times, phase: 'after', latencyMs: delayMs, ...(respond === 'reset' ? { reset: true } : { respond }) });
    },
    clearFaults: () => http.faults.clear(),
    failLaunches(failure, times = 1) {
      if (!(failure.afterMs === undefined || failure.afterMs >= 0)) throw new RangeError('failLaunches: afterMs must be >= 0');
      for (let i = 0; i < times; i++) launchFailures.push({ ...failure });
    },
    setBootDelay(ms) {
      if (!(ms >= 0)) throw new RangeError('setBootDelay(ms): ms must be >= 0');
      bootDelayMs = ms;
    },
    calls: (action) => (action === undefined ? [...callLog] : callLog.filter((call) => call.action === action)),
    notFoundFor(ms) {
      if (!(ms >= 0)) throw new RangeError('notFoundFor(ms): ms must be >= 0');
      notFoundMs = ms;
    },
    rateLimit: setBudget,
    setSpotCapacity(available) {
      spotCapacity = available;
    },
    seedInstance(seed = {}) {
      const region = seed.region ?? 'us-east-1';
      const regionInfo = FAKE_REGIONS.find((r) => r.name === region);
      const type = FAKE_INSTANCE_TYPES.find((t) => t.name === (seed.instanceType ?? 't3.small'));
      if (!regionInfo || !type) throw new RangeError('seedInstance: unknown region or instance type');
      const image = FAKE_PUBLIC_IMAGES.find((i) => i.architecture === type.architecture && i.ownerId === CANONICAL_OWNER_ID)!;
      const name = `unmanaged-${randomBytes(3).toString('hex')}`;
      const zone = regionInfo.zones[0]!;
      const instance = newInstance({
        region,
        zone,
        type,
        imageId: publicImageId(image, region),
        tags: seed.tags ?? { Name: name, owner: 'someone-else' },
        volumeTags: {},
        keyName: null,
        subnetId: subnetOf(zone),
        securityGroupIds: [DEFAULT_GROUP.groupId],
        userData: null,
        spot: false,
        clientToken: null,
        reservationId: newId('r'),
      });
      instance.hiddenUntil = 0;
      return { id: instance.id, name: instance.tags.Name ?? name };
    },
    addKeyPair(name) {
      const key = addKeyPair(name);
      return { keyPairId: key.id, fingerprint: key.fingerprint };
    },
    inspect(instanceId) {
      const instance = instances.get(instanceId);
      if (!instance) return null;
      const { Name: _name, ...tags } = instance.tags;
      return {
        id: instance.id,
        state: CONTRACT_STATES[stateName(instance)] ?? 'unknown',
        tags,
        sshKeys: instance.keyName === null ? [] : [instance.keyName],
        userData: instance.userData,
        type: instance.type.name,
        region: instance.region,
        image: instance.imageId,
        architecture: instance.type.architecture === 'arm64' ? 'arm64' : 'amd64',
        spot: instance.spot,
      };
    },
    record(instanceId) {
      const instance = instances.get(instanceId);
      return instance ? record(instance) : undefined;
    },
    instances: () => [...instances.values()].map(record),
    images: () =>
      [...images.values()]
        .filter((image) => image.ownerId === FAKE_ACCOUNT_ID)
        .map((image) => ({
          imageId: image.id,
          region: image.region,
          name: image.name,
          state: imageState(image),
          snapshotIds: [...image.snapshotIds],
          tags: { ...image.tags },
          sourceInstanceId: image.sourceInstanceId,
          noReboot: image.noReboot,
        })),
    snapshots: () =>
      [...snapshots.values()].map((s) => ({
        snapshotId: s.id,
        region: s.region,
        state: clock.now() >= s.completedAt ? 'completed' : 'pending',
        tags: { ...s.tags },
        description: s.description,
      })),
    close: () => http.close(),
  };
}

/** What RunInstances was asked, without the token: the same token must come with the same request. */
function fingerprintOf(params: QueryRecord, region: string): string {
  const { ClientToken: _token, Action: _action, Version: _version, ...rest } = params;
  return createHash('sha256').update(region).update(canonicalJson(rest)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function decodeUserData(encoded: string | undefined): string | null {
  if (encoded === undefined) return null;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded) || encoded.length % 4 !== 0) {
    throw clientError('InvalidParameterValue', 'Invalid BASE64 encoding of user data.');
  }
  const decoded = Buffer.from(encoded, 'base64');
  if (decoded.length > MAX_USER_DATA) throw clientError('InvalidParameterValue', `User data is limited to ${MAX_USER_DATA} bytes`);
  return decoded.toString('utf8');
}

