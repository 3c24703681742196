/**
 * EC2's error answers as the fake gives them, and the answers injected faults give: the codes and
 * statuses EC2 uses (`AuthFailure` 401, `UnauthorizedOperation` 403, `RequestLimitExceeded` 503,
 * `InternalError` 500, client errors 400).
 */
import { FakeHttpError, type FakeResponse, type FaultKind } from '@stagely/provider-core/testing';
import { ec2Error } from './ec2-xml.js';

/** A 400 client error, thrown from deep inside a handler. */
export function clientError(code: string, message: string): FakeHttpError {
  return new FakeHttpError(ec2Error(400, code, message));
}

export const authFailure = (): FakeResponse => ec2Error(401, 'AuthFailure', 'AWS was not able to validate the provided access credentials');
export const throttled = (): FakeResponse => ec2Error(503, 'RequestLimitExceeded', 'Request limit exceeded.');
export const internalError = (): FakeResponse => ec2Error(500, 'InternalError', 'An internal error has occurred');

/**
 * Faults the fake injects: the conformance suite's kinds and EC2-specific ones (`capacity`: no
 * capacity for the type; `spot-capacity`: none for spot; `unavailable`: 503 Unavailable;
 * `bad-gateway`: an HTML 502 from something in front of EC2).
 */
export type Ec2FaultKind = FaultKind | 'capacity' | 'spot-capacity' | 'unavailable' | 'bad-gateway';

/** The kinds that only make sense for RunInstances, where they are injected unless told otherwise. */
export const RUN_INSTANCES_FAULTS: ReadonlySet<Ec2FaultKind> = new Set(['quota', 'capacity', 'spot-capacity']);

export const HTML_BAD_GATEWAY: FakeResponse = {
  status: 502,
  body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center></body>\r\n</html>\r\n',
  headers: { 'content-type': 'text/html' },
};

/** The answer of a fault that answers (every kind but `connection-reset`). */
export function faultResponse(kind: Exclude<Ec2FaultKind, 'connection-reset'>): FakeResponse {
  return faultAnswer(kind) as FakeResponse;
}

export function faultAnswer(kind: Ec2FaultKind): FakeResponse | 'reset' {
  switch (kind) {
    case 'unauthorized':
      return authFailure();
    case 'forbidden':
      return ec2Error(403, 'UnauthorizedOperation', 'You are not authorized to perform this operation.');
    case 'rate-limited':
      return throttled();
    case 'quota':
      return ec2Error(400, 'VcpuLimitExceeded', 'You have requested more vCPU capacity than your current vCPU limit of 32 allows for the instance bucket that the specified instance type belongs to.');
    case 'server-error':
      return internalError();
    case 'connection-reset':
      return 'reset';
    case 'capacity':
      return ec2Error(500, 'InsufficientInstanceCapacity', 'We currently do not have sufficient capacity in the Availability Zone you requested.');
    case 'spot-capacity':
      return ec2Error(500, 'InsufficientInstanceCapacity', 'There is no Spot capacity available that matches your request.');
    case 'unavailable':
      return ec2Error(503, 'Unavailable', 'The server is overloaded and can\'t handle the request.');
    case 'bad-gateway':
      return HTML_BAD_GATEWAY;
  }
}
