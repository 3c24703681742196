/**
 * The conformance suite's own building blocks. Whole-suite behaviour (which group fails for which
 * broken provider) is tested in provider-mock, where a real provider is at hand.
 */
import { describe, expect, it } from 'vitest';
import { AuthenticationError, InvalidInputError, NetworkError, StagelyError } from '../src/contract/errors.js';
import { expectInvalidInput, expectNoSecretsInError, expectNoSecretsInEvents, expectStagelyError } from '../src/conformance/assertions.js';
import { runLabelOf } from '../src/conformance/context.js';
import type { ConformanceOptions } from '../src/conformance/options.js';

const SECRET = 'tok-3c1f9a77e2';

/** Runs a check that should fail, and returns its assertion message. */
async function failureOf(check: () => unknown): Promise<string> {
  try {
    await check();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the check passed');
}

describe('expectNoSecretsInError', () => {
  it('passes for an error that holds no secret', () => {
    expectNoSecretsInError(new AuthenticationError('refused (401)', { provider: 'x', details: { status: 401 } }), [SECRET]);
  });

  it.each([
    ['message', () => new AuthenticationError(`refused token ${SECRET}`)],
    ['details', () => new AuthenticationError('refused', { details: { headers: { authorization: `Bearer ${SECRET}` } } })],
    ['cause', () => new NetworkError('reset', { cause: { config: { headers: { Authorization: SECRET } } } })],
  ])('fails when the secret is in the %s, without repeating it', async (_where, make) => {
    const message = await failureOf(() => expectNoSecretsInError(make(), [SECRET]));
    expect(message).toMatch(/credential/);
    expect(message).not.toContain(SECRET);
  });

  it('checks events too', async () => {
    expectNoSecretsInEvents([{ type: 'request', provider: 'x', operation: 'list' }], [SECRET]);
    const message = await failureOf(() => expectNoSecretsInEvents([{ type: 'warning', provider: 'x', message: SECRET }], [SECRET]));
    expect(message).toMatch(/event #0/);
  });
});

describe('expectStagelyError / expectInvalidInput', () => {
  it('returns the error of the expected code', async () => {
    const error = await expectStagelyError(Promise.reject(new NetworkError('reset')), 'NETWORK');
    expect(error.code).toBe('NETWORK');
  });

  it('fails for a resolved call, another code, or a plain Error', async () => {
    expect(await failureOf(() => expectStagelyError(Promise.resolve(1), 'NETWORK'))).toMatch(/resolved/);
    expect(await failureOf(() => expectStagelyError(Promise.reject(new StagelyError('API', 'boom')), 'NETWORK'))).toMatch(/API/);
    expect(await failureOf(() => expectStagelyError(Promise.reject(new Error('plain')), 'NETWORK'))).toMatch(/not|StagelyError/);
  });

  it('matches the field and paths under it, not look-alikes', async () => {
    await expectInvalidInput(Promise.reject(new InvalidInputError('tags.env', 'bad')), 'tags');
    await expectInvalidInput(Promise.reject(new InvalidInputError('sshKeys[0]', 'bad')), 'sshKeys');
    await expectInvalidInput(Promise.reject(new InvalidInputError('size', 'bad')), 'size');
    expect(await failureOf(() => expectInvalidInput(Promise.reject(new InvalidInputError('tagsX', 'bad')), 'tags'))).toMatch(/tagsX/);
  });
});

describe('runLabelOf', () => {
  it('is one label per options object, or the one given', () => {
    const options = { region: 'r' } as ConformanceOptions;
    expect(runLabelOf(options)).toBe(runLabelOf(options));
    expect(runLabelOf(options)).not.toBe(runLabelOf({ region: 'r' } as ConformanceOptions));
    expect(runLabelOf({ runLabel: 'ci-42' } as ConformanceOptions)).toBe('ci-42');
  });
});
