/**
 * `@stagely/provider-digitalocean/testing`: a stateful fake of the DigitalOcean API on loopback
 * HTTP, for tests that run this provider (and dots-wrapper inside it) without an account.
 */
export { LOST_OPERATIONS, startFakeDigitalOcean } from './fake-digitalocean.js';
export type { FakeDigitalOcean, FakeDigitalOceanOptions, FakeDropletRecord, FakeSnapshotRecord } from './fake-digitalocean.js';
export { doError, DROPLET_LIMIT_MESSAGE, faultAnswer, HTML_BAD_GATEWAY, TRY_AGAIN_MESSAGE, type DigitalOceanFaultKind } from './do-errors.js';
export { FAKE_DISTRIBUTION_IMAGES, FAKE_REGIONS, FAKE_SIZES } from './fixtures.js';
export type { FakeDistributionImage, FakeRegion, FakeSize } from './fixtures.js';
export { DIGITALOCEAN_RATE_LIMIT, RateLimitWindow, rateLimitHeaders, type RateLimitBudget } from './rate-limit.js';
