/**
 * A view of a provider with some methods replaced. The suite uses it to watch what a provider
 * creates and to act at a precise moment (abort right after a wait starts) without touching the
 * provider itself. Other members are bound to the real provider, so private fields keep working.
 */
import type { CloudProvider } from '../contract.js';

export function withOverrides(provider: CloudProvider, overrides: Partial<CloudProvider>): CloudProvider {
  return new Proxy(provider, {
    get(target, property) {
      if (Object.hasOwn(overrides, property)) return overrides[property as keyof CloudProvider];
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
