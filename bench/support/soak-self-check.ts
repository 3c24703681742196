/**
 * The soak's check of itself: the mock target with one thing broken on purpose, so that each count
 * the soak promises to keep at zero is shown to rise when the library really does that wrong
 * (an instance left running unreported, two creates for one provision, an image left behind, an
 * untyped error, a credential in an error).
 */
import { ApiError, type CloudProvider } from '@stagely/provider-core';
import { problems } from './soak-report.js';
import type { SoakAdapter, SoakTarget } from './soak-target.js';

type Break = (provider: CloudProvider, secret: string) => Partial<CloudProvider>;

/** Each breakage, and the count it must raise. */
export const BREAKAGES: ReadonlyArray<{ what: string; raises: string; apply: Break }> = [
  { what: 'terminateInstance answers success and does nothing', raises: 'leaked instances', apply: () => ({ terminateInstance: async () => {} }) },
  { what: 'deleteSnapshot answers success and does nothing', raises: 'leaked images', apply: () => ({ deleteSnapshot: async () => {} }) },
  {
    what: 'createInstance sends its create twice',
    raises: 'duplicate creates',
    apply: (p) => ({
      // The first made is removed (names of live instances are unique on the mock), the second returned.
      createInstance: async (spec, o) => {
        const first = await p.createInstance(spec, o);
        await p.terminateInstance(first.id, o);
        return p.createInstance(spec, o);
      },
    }),
  },
  {
    what: 'listInstances throws a plain Error',
    raises: 'untyped errors',
    apply: () => ({
      listInstances: async () => {
        throw new Error('socket hang up');
      },
    }),
  },
  {
    what: 'listInstances throws an error naming the token',
    raises: 'credential leaks',
    apply: (_p, secret) => ({
      listInstances: async () => {
        throw new ApiError(`request with Authorization: Bearer ${secret} failed`, 500, { provider: 'mock' });
      },
    }),
  },
];

/** `adapter` with the provider it makes broken by `apply`. */
export function broken(adapter: SoakAdapter, apply: Break): SoakAdapter {
  return {
    name: `${adapter.name} (broken)`,
    async start(options): Promise<SoakTarget> {
      const target = await adapter.start(options);
      const real = target.provider;
      const overrides = apply(real, target.secrets[0]!);
      const provider = new Proxy(real, {
        get: (obj, key) => {
          if (key in overrides) return overrides[key as keyof CloudProvider];
          const value: unknown = Reflect.get(obj, key, obj);
          // The provider's own methods run on the provider itself (its private fields).
          return typeof value === 'function' ? value.bind(obj) : value;
        },
      });
      return { ...target, provider };
    },
  };
}

/** Whether the breakage raised its count (and the row that says so). */
export function caught(raises: string, counts: ReturnType<typeof problems>): boolean {
  return (counts[raises as keyof typeof counts] ?? 0) > 0;
}
