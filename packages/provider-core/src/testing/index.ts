/**
 * `@stagely/provider-core/testing`: the kit that providers' stateful fake cloud APIs are built on
 * (docs/architecture.md, "Testing"): a loopback HTTP server with routes, a request log and a fault plan; an instance
 * lifecycle driven by an injectable clock; pagination helpers.
 */
export { startFakeServer } from './fake-server.js';
export type { FakeDecorator, FakeHandler, FakeRequest, FakeRoute, FakeServer, FakeServerOptions, RequestLogEntry } from './fake-server.js';
export { FakeHttpError, json, noContent, text, xml } from './responses.js';
export type { FakeHeaders, FakeResponse } from './responses.js';
export { FaultPlan } from './fault-plan.js';
export type { FaultCall, FaultEffect, FaultHandle, FaultPhase, FaultPhaseEffect, FaultRule, FaultSelector } from './fault-plan.js';
export { matchPath } from './route-pattern.js';
export type { PathParams } from './route-pattern.js';
export { InstanceLifecycle } from './instance-lifecycle.js';
export type { LifecycleOptions, LifecyclePhase, LifecycleTimings, PhaseWords } from './instance-lifecycle.js';
export { PaginationError, paginateNumbered, paginateToken } from './paginate.js';
export type { NumberedPage, PageOptions, TokenPage, TokenPageOptions } from './paginate.js';
export { manualClock, systemClock } from './clock.js';
export type { Clock, ManualClock } from './clock.js';
export { flush, manualScheduler, type ManualScheduler } from './manual-scheduler.js';
export { seededRandom } from './random.js';
export { withOverrides } from './with-overrides.js';
export { FAULT_KIND_CODES } from './fault-kinds.js';
export type { FaultKind } from './fault-kinds.js';
export type { BackendInstance, LostOperation, RequestBudget } from './backend-instance.js';
export { awsOperation, startFaultProxy } from './fault-proxy.js';
export type { FaultProxy, FaultProxyOptions, ProxiedCall } from './fault-proxy.js';
