/**
 * EC2's answers as XML (the Query protocol's response side): `<ActionResponse xmlns=...>` with a
 * `requestId` and the result's members under their wire names (the model's `locationName`s, e.g.
 * `instancesSet`, `ipAddress`). Lists are `<name><item>...</item></name>`. Errors are
 * `<Response><Errors><Error><Code>` with the `RequestID`, status 4xx or 5xx. The request id is also
 * sent as the `x-amzn-requestid` header, where the SDK reads it.
 */
import { randomUUID } from 'node:crypto';
import { xml, type FakeHeaders, type FakeResponse } from '@stagely/provider-core/testing';

export const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';

/** A value in wire form: members keyed by their XML element names. */
export type WireValue = string | number | boolean | Date | null | undefined | WireValue[] | WireObject;
export interface WireObject {
  [element: string]: WireValue;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function element(name: string, value: WireValue): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return `<${name}>${value.map((item) => element('item', item)).join('')}</${name}>`;
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === 'object') return `<${name}>${members(value)}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

function members(object: WireObject): string {
  return Object.entries(object)
    .map(([name, value]) => element(name, value))
    .join('');
}

/** A 200 answer to `action` with `result`'s members. */
export function ec2Response(action: string, result: WireObject = {}, requestId: string = randomUUID(), headers: FakeHeaders = {}): FakeResponse {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${EC2_NAMESPACE}"><requestId>${requestId}</requestId>${members(result)}</${action}Response>`;
  return xml(200, body, { 'x-amzn-requestid': requestId, ...headers });
}

/** EC2's error document. Client errors are 400; throttling and internal errors 503 / 500. */
export function ec2Error(status: number, code: string, message: string, requestId: string = randomUUID(), headers: FakeHeaders = {}): FakeResponse {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
  return xml(status, body, { 'x-amzn-requestid': requestId, ...headers });
}

/** Tags in wire form (`tagSet`). */
export function tagSet(tags: Record<string, string>): WireObject[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}
