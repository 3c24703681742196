/**
 * `@stagely/provider-hetzner/testing`: a stateful fake of the Hetzner Cloud API on loopback HTTP,
 * for tests that run this provider (and hcloud-js inside it) without a Hetzner account.
 */
export { LOST_OPERATIONS, startFakeHetzner } from './fake-hetzner.js';
export type { FakeHetzner, FakeHetznerOptions, FakeServerRecord, FakeSnapshotRecord } from './fake-hetzner.js';
export { faultAnswer, hetznerError, HTML_BAD_GATEWAY, invalidInput, type HetznerFaultKind } from './hetzner-errors.js';
export { FAKE_LOCATIONS, FAKE_SERVER_TYPES, FAKE_SYSTEM_IMAGES } from './fixtures.js';
export type { FakeDeprecation, FakeLocation, FakeServerType, FakeSystemImage } from './fixtures.js';
export { LabelSelectorError, parseLabelSelector, type LabelSelector } from './label-selector.js';
export { HETZNER_RATE_LIMIT, RateLimitBucket, rateLimitHeaders, type RateLimitOptions } from './rate-limit.js';
