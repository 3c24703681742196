/**
 * A view of a provider with some methods replaced: to watch what it creates, act at a precise
 * moment (abort right after a wait starts), or break one behaviour for a self-test, without
 * touching the provider itself. Other members are bound to the real provider, so private fields
 * keep working; a fake's test controls pass through.
 */
export function withOverrides<P extends object>(provider: P, overrides: Partial<P>): P {
  return new Proxy(provider, {
    get(target, property) {
      if (Object.hasOwn(overrides, property)) return overrides[property as keyof P];
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
