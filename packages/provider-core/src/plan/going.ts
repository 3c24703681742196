import type { Instance } from '../contract/contract.js';

/** Plan and apply treat an instance on its way out (terminating or terminated) as absent. */
export function isGoing(instance: Instance): boolean {
  return instance.state === 'terminating' || instance.state === 'terminated';
}
