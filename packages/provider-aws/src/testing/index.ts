/**
 * `@stagely/provider-aws/testing`: a stateful fake of the EC2 Query API on loopback HTTP, for tests
 * that run this provider (and the real `@aws-sdk/client-ec2` inside it) without an AWS account.
 */
export { FAKE_EC2_CREDENTIALS, FILTER_VALUES_PER_CALL, LOST_OPERATIONS, startFakeEc2 } from './fake-ec2.js';
export type { BackendInstanceView, FakeEc2, FakeEc2Call, FakeEc2Options, FakeLaunchFailure, FakeImageRecord, FakeInstanceRecord, FakeSnapshotRecord } from './fake-ec2.js';
export { faultAnswer, HTML_BAD_GATEWAY, RUN_INSTANCES_FAULTS, type Ec2FaultKind } from './ec2-errors.js';
export { EC2_NAMESPACE, ec2Error, ec2Response } from './ec2-xml.js';
export { CANONICAL_OWNER_ID, DEBIAN_OWNER_ID, FAKE_ACCOUNT_ID, FAKE_INSTANCE_TYPES, FAKE_PUBLIC_IMAGES, FAKE_REGIONS } from './fixtures.js';
export type { Ec2Architecture, FakeInstanceType, FakePublicImage, FakeRegion } from './fixtures.js';
export { parseQueryFields, QueryShapeError } from './query-params.js';
export { verifySignature, type FakeCredentials } from './sigv4.js';
export { TokenBucket, type TokenBucketOptions } from './token-bucket.js';
export { Ec2ActionThrottle } from './ec2-throttling.js';
export { EC2_THROTTLING, ec2ActionCategory, type Ec2ActionCategory, type Ec2Bucket, type Ec2Throttling } from '../throttling.js';
