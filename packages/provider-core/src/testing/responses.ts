/**
 * What a fake's route handler returns. A string or byte body is written as it is; anything else is
 * serialised as JSON.
 */
export type FakeHeaders = Record<string, string | number | readonly string[]>;

export interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: FakeHeaders;
}

export function json(status: number, body: unknown, headers: FakeHeaders = {}): FakeResponse {
  return { status, body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } };
}

/** For XML protocols (EC2's query API answers in XML). */
export function xml(status: number, body: string, headers: FakeHeaders = {}): FakeResponse {
  return { status, body, headers: { 'content-type': 'text/xml;charset=UTF-8', ...headers } };
}

export function text(status: number, body: string, headers: FakeHeaders = {}): FakeResponse {
  return { status, body, headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers } };
}

export function noContent(headers: FakeHeaders = {}): FakeResponse {
  return { status: 204, headers };
}

/**
 * Thrown from anywhere inside a handler to answer with `response` (e.g. a 404 body from a lookup
 * helper deep in the fake), instead of threading it back up by hand.
 */
export class FakeHttpError extends Error {
  readonly response: FakeResponse;
  constructor(response: FakeResponse) {
    super(`Fake API answers ${response.status}`);
    this.name = 'FakeHttpError';
    this.response = response;
  }
}
