/**
 * The simulated cloud API: its operations, each with the method and route a real API would give it,
 * so that the kit's FaultPlan can pick calls by operation, method or path as it does for the fakes.
 */
export const OPERATIONS = {
  'account.get': { method: 'GET', path: '/account' },
  'images.get': { method: 'GET', path: '/images/:id' },
  'instances.create': { method: 'POST', path: '/instances' },
  'instances.get': { method: 'GET', path: '/instances/:id' },
  'instances.list': { method: 'GET', path: '/instances' },
  'instances.delete': { method: 'DELETE', path: '/instances/:id' },
  'snapshots.create': { method: 'POST', path: '/instances/:id/snapshots' },
  'snapshots.list': { method: 'GET', path: '/snapshots' },
  'snapshots.delete': { method: 'DELETE', path: '/snapshots/:id' },
  'sshKeys.list': { method: 'GET', path: '/ssh-keys' },
} as const satisfies Record<string, { method: string; path: string }>;

export type Operation = keyof typeof OPERATIONS;

/** The operation that creates instances; create-only faults (quota, capacity) wait for it. */
export const CREATE_OPERATION: Operation = 'instances.create';
