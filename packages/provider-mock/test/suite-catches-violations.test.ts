/**
 * The conformance suite catches what it claims to: it runs (through vitest's Node API) against the
 * healthy mock and against mocks broken in one way each, and exactly the groups that check the
 * broken promise fail while every other group passes.
 */
import { fileURLToPath } from 'node:url';
import { GROUP_NAMES, type GroupName } from '@stagely/provider-core/conformance';
import { beforeAll, describe, expect, it } from 'vitest';
import { startVitest, type TestModule, type TestSuite } from 'vitest/node';
import { VARIANTS, type Variant } from './fixtures-suite/variants.js';

const FIXTURES_CONFIG = fileURLToPath(new URL('./fixtures-suite/vitest.config.ts', import.meta.url));

/** The groups each broken mock must fail, and why. */
const EXPECTED_FAILURES: Record<Variant, GroupName[]> = {
  healthy: [],
  // terminateInstance of an unknown id must succeed.
  'terminate-throws-on-unknown-id': ['terminate'],
  'lists-unmanaged-instances': ['unmanaged'],
  // getInstance of an unknown id must be null.
  'get-throws-instead-of-null': ['lookup'],
  // An aborted create leaks the instance it started.
  'create-ignores-abort': ['abort', 'abort in flight'],
  // Reports success for an instance it left running: every terminate check, aborted and timed-out provisionings leak.
  'terminate-ignores-pending': ['lifecycle', 'terminate', 'terminate truthful', 'abort', 'timeout', 'lost responses'],
  'leaks-token-in-errors': ['faults'],
  // A duplicate instance, a snapshot refused as a duplicate, a terminate reported failed.
  'blind-retry-after-lost-answer': ['lost responses'],
  // The backend still runs what terminateInstance reported gone.
  'terminate-returns-before-delete': ['terminate truthful', 'lost responses'],
  'wait-fails-on-first-not-found': ['eventual consistency'],
  'drops-ssh-keys': ['spec delivery'],
  'drops-user-data': ['spec delivery'],
  'create-request-ignores-signal': ['abort in flight'],
  'ignores-rate-budget': ['rate-limit storm'],
  // Ten concurrent creates are not all listed either.
  'listing-stops-after-first-page': ['pagination', 'concurrency'],
  'checks-spec-at-the-api': ['spec validation'],
  'validate-spec-disagrees': ['preflight'],
  'reads-catalogue-on-every-create': ['request budget'],
  'batched-wait-answers-another-instance': ['many waits'],
  'batched-wait-fails-all-when-one-is-gone': ['many waits'],
};

interface GroupOutcome {
  state: string;
  failedTests: string[];
}

const OUTER_SUFFIX = ' conformance';

/** The variant a fixture module ran (its one outer describe is `<variant> conformance`) and the outcome of each group in it. */
function groupOutcomes(module: TestModule): [string, Map<string, GroupOutcome>] {
  const outer = [...module.children.suites()];
  expect(outer.length, `${module.moduleId}: one outer describe`).toBe(1);
  const name = outer[0]!.name;
  expect(name.endsWith(OUTER_SUFFIX), `${module.moduleId}: the outer describe is "<variant> conformance"`).toBe(true);
  const outcomes = new Map<string, GroupOutcome>();
  for (const group of outer[0]!.children.suites() as Iterable<TestSuite>) {
    const failedTests = [...group.children.allTests('failed')].map((test) => test.name);
    outcomes.set(group.name, { state: group.state(), failedTests });
  }
  return [name.slice(0, -OUTER_SUFFIX.length), outcomes];
}

describe('the conformance suite against broken providers', () => {
  const results = new Map<string, Map<string, GroupOutcome>>();

  beforeAll(async () => {
    const vitest = await startVitest(
      'test',
      [],
      {
        config: FIXTURES_CONFIG,
        watch: false,
        // The variants mostly wait on simulated boots: a few workers, each running variants one after another.
        maxWorkers: 6,
        reporters: [{}],
      },
    );
    try {
      for (const module of vitest.state.getTestModules()) {
        expect(module.errors(), `${module.moduleId}: the fixture loaded`).toEqual([]);
        results.set(...groupOutcomes(module));
      }
    } finally {
      await vitest.close();
      // A failing inner run sets the exit code; the failures are expected, this run's verdict is ours.
      process.exitCode = undefined;
    }
  }, 240_000);

  it('ran every variant', () => {
    expect([...results.keys()].sort()).toEqual([...VARIANTS].sort());
  });

  for (const variant of VARIANTS) {
    const expected = EXPECTED_FAILURES[variant];
    const title = expected.length === 0 ? `${variant}: every group passes` : `${variant}: fails exactly ${expected.join(', ')}`;
    it(title, () => {
      const outcomes = results.get(variant);
      expect(outcomes, `results for ${variant}`).toBeDefined();
      expect([...outcomes!.keys()].sort(), 'every group ran').toEqual(Object.values(GROUP_NAMES).sort());
      const failed = [...outcomes!].filter(([, o]) => o.state === 'failed').map(([name]) => name);
      const detail = [...outcomes!]
        .filter(([, o]) => o.state === 'failed')
        .map(([name, o]) => `${name} (${o.state}): ${o.failedTests.join(' | ') || 'no failed test: a hook failed'}`)
        .join('\n');
      expect(failed.sort(), `groups that did not pass:\n${detail}`).toEqual([...expected].sort());
      if (variant === 'healthy') {
        // The mock answers every hook, so no group may skip itself for want of one.
        const skipped = [...outcomes!].filter(([, o]) => o.state === 'skipped').map(([name]) => name);
        expect(skipped, 'groups the reference mock skipped').toEqual([]);
      }
    });
  }
});
