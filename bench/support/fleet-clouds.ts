/**
 * The clouds a fleet is applied on: each provider's fake started with that cloud's published rate
 * limit enforced by the fake, and the provider loaded through core's registry with its real SDK
 * over loopback (the mock: in process, no limit, since no cloud publishes one for it). Each says
 * which of its operations create, delete and list instances, what its budgets are (the bound), and
 * what it answered (the fake's request log; the mock's request events).
 */
import { createRegistry, type CloudProvider, type EventSink, type StagelyEvent } from '@stagely/provider-core';
import { EC2_THROTTLING, FAKE_EC2_CREDENTIALS, ec2ActionCategory, startFakeEc2 } from '@stagely/provider-aws/testing';
import { DIGITALOCEAN_RATE_LIMIT, startFakeDigitalOcean } from '@stagely/provider-digitalocean/testing';
import { HETZNER_RATE_LIMIT, startFakeHetzner } from '@stagely/provider-hetzner/testing';
import { slidingWindow, tokenBucket, type RateBudget } from './rate-bound.js';

export const FLEET_CLOUDS = ['hetzner', 'digitalocean', 'aws', 'mock'] as const;
export type FleetCloudName = (typeof FLEET_CLOUDS)[number];

export interface AnsweredRequest {
  operation: string;
  status: number | null;
}

export interface FleetCloud {
  name: FleetCloudName;
  provider: CloudProvider;
  /** The limit the cloud enforces, in words. */
  limit: string;
  /** The operations that create, delete and list instances, and those that read one instance or action (status). */
  operations: { create: string; delete: string; list: string; status: readonly string[] };
  /** Most instances one listing page returns. */
  pageSize: number;
  /** The cloud's budgets that count any of `operations`. */
  budgets(operations: Iterable<string>): RateBudget[];
  /** Every request the cloud answered so far, oldest first. */
  requests(): readonly AnsweredRequest[];
  /** The status of an answer that refused a request for the rate limit. */
  refusalStatus: number;
  close(): Promise<void>;
}

export interface FleetCloudOptions {
  hosts: number;
  bootMs: number;
  /** Receives the provider's events (core's `request`, `retry`, `rateLimit`...). */
  events: EventSink;
  /** The mock's state file; in memory without. */
  stateFile?: string;
}

const all = () => true;

/** What a kit-built fake answered, from its request log. */
const answeredBy = (fake: { http: { log: readonly { operation: string | undefined; status: number | null }[] } }) => (): AnsweredRequest[] =>
  fake.http.log.map((e) => ({ operation: e.operation ?? '?', status: e.status }));

function registry(events: EventSink) {
  // The importer resolves from bench/, as an application's own would.
  return createRegistry({ importer: (s) => import(s), events });
}

export async function startFleetCloud(name: FleetCloudName, options: FleetCloudOptions): Promise<FleetCloud> {
  const { hosts, bootMs, events } = options;
  switch (name) {
    case 'hetzner': {
      const fake = await startFakeHetzner({ bootDelayMs: bootMs, rateLimit: HETZNER_RATE_LIMIT, serverLimit: hosts + 10 });
      const provider = await registry(events).get('hetzner', { token: fake.token, endpoint: fake.endpoint });
      const { limit, refillPerSecond } = HETZNER_RATE_LIMIT;
      return {
        name,
        provider,
        limit: `${limit} requests, ${refillPerSecond} regained a second (the project's bucket)`,
        operations: { create: 'servers.create', delete: 'servers.delete', list: 'servers.list', status: ['servers.get', 'actions.get', 'servers.actions.get'] },
        pageSize: 50,
        budgets: () => [tokenBucket(`${limit} + ${refillPerSecond}/s, every request`, limit, refillPerSecond, all)],
        requests: answeredBy(fake),
        refusalStatus: 429,
        close: () => fake.close(),
      };
    }
    case 'digitalocean': {
      const fake = await startFakeDigitalOcean({ bootDelayMs: bootMs, rateLimit: DIGITALOCEAN_RATE_LIMIT, dropletLimit: hosts + 10 });
      const provider = await registry(events).get('digitalocean', { token: fake.token, endpoint: fake.endpoint });
      const { perMinute, perHour } = DIGITALOCEAN_RATE_LIMIT;
      return {
        name,
        provider,
        limit: `${perMinute} requests a minute and ${perHour} an hour (sliding windows)`,
        operations: { create: 'droplets_create', delete: 'droplets_destroy', list: 'droplets_list', status: ['droplets_get', 'actions_get', 'dropletActions_list'] },
        pageSize: 200,
        budgets: () => [slidingWindow(`${perMinute} a minute`, perMinute, 60_000, all), slidingWindow(`${perHour} an hour`, perHour, 3_600_000, all)],
        requests: answeredBy(fake),
        refusalStatus: 429,
        close: () => fake.close(),
      };
    }
    case 'aws': {
      const fake = await startFakeEc2({ bootDelayMs: bootMs, throttling: EC2_THROTTLING, vcpuLimit: hosts * 16 });
      const provider = await registry(events).get('aws', { ...FAKE_EC2_CREDENTIALS, endpoint: fake.endpoint, region: 'us-east-1' });
      return {
        name,
        provider,
        limit: 'a request bucket per action (Describe* 100 + 20/s; RunInstances, TerminateInstances 50 + 5/s), resource buckets (RunInstances 1000 instances + 2/s, TerminateInstances 1000 + 20/s)',
        operations: { create: 'RunInstances', delete: 'TerminateInstances', list: 'DescribeInstances', status: [] },
        pageSize: 1000,
        budgets: (operations) => ec2Budgets(operations),
        requests: answeredBy(fake),
        refusalStatus: 503,
        close: () => fake.close(),
      };
    }
    case 'mock': {
      const answered: AnsweredRequest[] = [];
      const sink: EventSink = (event: StagelyEvent) => {
        if (event.type === 'request') answered.push({ operation: event.operation, status: event.status ?? null });
        events(event);
      };
      const config = { bootDelayMs: bootMs, ...(options.stateFile ? { stateFile: options.stateFile } : {}) };
      const provider = await registry(sink).get('mock', config);
      return {
        name,
        provider,
        limit: 'none (no cloud publishes one)',
        operations: { create: 'instances.create', delete: 'instances.delete', list: 'instances.list', status: ['instances.get'] },
        pageSize: 100,
        budgets: () => [],
        requests: () => answered,
        refusalStatus: 429,
        close: async () => {},
      };
    }
  }
}

/** EC2 evaluates each action on its own bucket; RunInstances and TerminateInstances also spend instances. */
function ec2Budgets(operations: Iterable<string>): RateBudget[] {
  const budgets: RateBudget[] = [];
  for (const action of new Set(operations)) {
    const category = ec2ActionCategory(action);
    const { limit, refillPerSecond } = EC2_THROTTLING.request[category];
    budgets.push(tokenBucket(`${action} (${category}, ${limit} + ${refillPerSecond}/s)`, limit, refillPerSecond, (op) => op === action));
    const resource = EC2_THROTTLING.resource[action];
    if (resource) {
      // One instance per call: the contract creates and terminates one instance at a time.
      budgets.push(tokenBucket(`${action} instances (${resource.limit} + ${resource.refillPerSecond}/s)`, resource.limit, resource.refillPerSecond, (op) => op === action));
    }
  }
  return budgets;
}
