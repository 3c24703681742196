/**
 * The checks groups share: typed errors by code, instance shape, nothing left behind, and no
 * secret in anything an error or event exposes.
 */
import { inspect } from 'node:util';
import { expect } from 'vitest';
import { ARCHITECTURES, INSTANCE_STATES, MANAGED_BY_TAG, MANAGED_BY_VALUE, type CloudProvider, type Instance } from '../contract/contract.js';
import { isStagelyError, type ErrorCode, type StagelyError } from '../contract/errors.js';
import type { BackendInstance } from './options.js';

function describeValue(value: unknown): string {
  if (isStagelyError(value)) return `${value.name} ${value.code}: ${value.message}`;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  return inspect(value, { depth: 2 });
}

/** Awaits `promise`, expects it to reject with a StagelyError of `code`, and returns that error. */
export async function expectStagelyError(promise: Promise<unknown>, code: ErrorCode, what = 'the call'): Promise<StagelyError> {
  let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await promise };
  } catch (error) {
    outcome = { ok: false, error };
  }
  if (outcome.ok) {
    expect.fail(`expected ${what} to reject with ${code}, but it resolved with ${describeValue(outcome.value)}`);
  }
  const { error } = outcome;
  if (!isStagelyError(error)) {
    expect.fail(`expected ${what} to reject with a StagelyError ${code}, but it threw ${describeValue(error)}`);
  }
  expect(error.code, `${what} rejected with ${describeValue(error)}`).toBe(code);
  return error;
}

/** An InvalidInputError whose `field` is `field` or a path under it (`tags` matches `tags.env`). */
export async function expectInvalidInput(promise: Promise<unknown>, field: string, what?: string): Promise<StagelyError> {
  const error = await expectStagelyError(promise, 'INVALID_INPUT', what);
  const named = error.details.field;
  expect(typeof named, `InvalidInputError.details.field of ${describeValue(error)}`).toBe('string');
  const matches = named === field || (named as string).startsWith(`${field}.`) || (named as string).startsWith(`${field}[`);
  expect(matches, `expected the error to name field "${field}", it named "${String(named)}"`).toBe(true);
  return error;
}

/** The error named the feature it does not support. */
export async function expectNotSupported(promise: Promise<unknown>, what?: string): Promise<StagelyError> {
  const error = await expectStagelyError(promise, 'NOT_SUPPORTED', what);
  expect(typeof error.details.feature, 'NotSupportedError.details.feature').toBe('string');
  return error;
}

/**
 * Nothing an error exposes holds a secret: message, stack, `toJSON()`, `details` (as text and as
 * JSON), and what `console.log(error)` would print, causes included.
 */
export function expectNoSecretsInError(error: unknown, secrets: readonly string[]): void {
  if (secrets.length === 0) return;
  const views: Array<[string, string]> = [['inspect(error)', inspect(error, { depth: 8 })]];
  if (error instanceof Error) {
    views.push(['message', error.message], ['stack', error.stack ?? '']);
  }
  if (isStagelyError(error)) {
    views.push(
      ['toJSON()', JSON.stringify(error.toJSON())],
      ['String(details)', String(error.details)],
      ['details', inspect(error.details, { depth: 8 })],
    );
  }
  for (const [where, text] of views) {
    const leaked = secrets.some((secret) => text.includes(secret));
    // The message names the place, never the secret.
    expect(leaked, `a credential appears in the error's ${where}`).toBe(false);
  }
}

export function expectNoSecretsInEvents(events: readonly unknown[], secrets: readonly string[]): void {
  if (secrets.length === 0) return;
  events.forEach((event, index) => {
    const text = inspect(event, { depth: 8 });
    expect(secrets.some((secret) => text.includes(secret)), `a credential appears in event #${index}`).toBe(false);
  });
}

/** A well-formed Instance from `provider`, carrying at least `tags` (and managed-by=stagely). */
export function expectInstanceShape(instance: Instance, provider: CloudProvider, expected: { region: string; tags: Record<string, string> }): void {
  expect(typeof instance.id, 'instance.id').toBe('string');
  expect(instance.id.length, 'instance.id length').toBeGreaterThan(0);
  expect(instance.provider, 'instance.provider').toBe(provider.name);
  expect(typeof instance.name, 'instance.name').toBe('string');
  expect(INSTANCE_STATES, 'instance.state').toContain(instance.state);
  expect(typeof instance.providerState, 'instance.providerState').toBe('string');
  for (const key of ['publicIp', 'privateIp'] as const) {
    const ip = instance[key];
    expect(ip === null || (typeof ip === 'string' && ip.length > 0), `instance.${key} is null or an address`).toBe(true);
  }
  expect(instance.region, 'instance.region').toBe(expected.region);
  expect(typeof instance.type === 'string' && instance.type.length > 0, 'instance.type is the provisioned type').toBe(true);
  expect(ARCHITECTURES, 'instance.architecture').toContain(instance.architecture);
  expect(typeof instance.spot, 'instance.spot').toBe('boolean');
  expect(instance.createdAt instanceof Date && !Number.isNaN(instance.createdAt.getTime()), 'instance.createdAt is a valid Date').toBe(true);
  expect(Array.isArray(instance.warnings) && instance.warnings.every((w) => typeof w === 'string'), 'instance.warnings is a string[]').toBe(true);
  expect(instance.tags, 'instance.tags').toMatchObject({ ...expected.tags, [MANAGED_BY_TAG]: MANAGED_BY_VALUE });
}

/** `getInstance(id)` says the instance no longer runs: null, or state 'terminating' / 'terminated'. */
export async function expectGone(provider: CloudProvider, id: string): Promise<void> {
  const after = await provider.getInstance(id);
  if (after !== null) expect(['terminating', 'terminated'], `instance ${id} after terminate`).toContain(after.state);
}

/** What the backend holds for `id` no longer runs: nothing, or a terminating / terminated instance. */
export async function expectBackendGone(inspect: (id: string) => Promise<BackendInstance | null>, id: string, why: string): Promise<void> {
  const held = await inspect(id);
  if (held !== null) expect(['terminating', 'terminated'], `${why}: the backend holds ${id} as ${held.state}`).toContain(held.state);
}

/** No live instance carries `tags`: what the test created was removed (or never made). */
export async function expectNothingListed(provider: CloudProvider, tags: Record<string, string>, why: string): Promise<void> {
  const listed = await provider.listInstances({ tags });
  const live = listed.filter((i) => i.state !== 'terminating');
  expect(live.map((i) => `${i.id} (${i.state})`), why).toEqual([]);
}

/** Ids of `instances`, checking that listing did not return one twice. */
export function distinctIds(instances: readonly Instance[]): Set<string> {
  const ids = new Set(instances.map((i) => i.id));
  expect(ids.size, 'listing returned an instance more than once').toBe(instances.length);
  return ids;
}
