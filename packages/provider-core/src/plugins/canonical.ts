/**
 * A canonical text form of a config, so that two configs that mean the same get the same cache key
 * whatever the order of their keys. JSON values come out as JSON with object keys sorted and
 * `undefined` properties left out. Values JSON cannot hold are encoded so they cannot be mistaken for
 * JSON: a Date by its time, a bigint by its digits, and a function, symbol or class instance (a custom
 * `fetch`, an agent) by its identity, so configs share a key only when they share that very object.
 * The text is for hashing, not for parsing back.
 */
import { createHash } from 'node:crypto';
import { InvalidInputError } from '../contract/errors.js';

const identities = new WeakMap<object, number>();
const symbolIdentities = new Map<symbol, number>();
let nextIdentity = 1;

function identityOf(value: object | symbol): number {
  if (typeof value === 'symbol') {
    let id = symbolIdentities.get(value);
    if (id === undefined) symbolIdentities.set(value, (id = nextIdentity++));
    return id;
  }
  let id = identities.get(value);
  if (id === undefined) identities.set(value, (id = nextIdentity++));
  return id;
}

/** An object literal (or one made with `Object.create(null)`): walked key by key, not kept as it is. */
export function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function encode(value: unknown, path: string, seen: Set<object>): string {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : `#number(${String(value)})`;
    case 'bigint':
      return `#bigint(${value.toString()})`;
    case 'undefined':
      return 'null';
    case 'symbol':
    case 'function':
      return `#ref(${identityOf(value)})`;
  }
  if (value === null || typeof value !== 'object') return 'null';
  if (value instanceof Date) return `#date(${value.getTime()})`;
  if (!Array.isArray(value) && !isPlainObject(value)) return `#ref(${identityOf(value)})`;
  if (seen.has(value)) throw new InvalidInputError(path, `${path} refers to itself: a config must be a tree`);
  seen.add(value);
  let out: string;
  if (Array.isArray(value)) {
    out = `[${value.map((item, i) => encode(item, `${path}.${i}`, seen)).join(',')}]`;
  } else {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort();
    out = `{${keys.map((k) => `${JSON.stringify(k)}:${encode(record[k], `${path}.${k}`, seen)}`).join(',')}}`;
  }
  seen.delete(value);
  return out;
}

/** The canonical text of `value`; `path` names it in the error for a circular structure. */
export function canonicalJson(value: unknown, path = 'config'): string {
  return encode(value, path, new Set());
}

/** SHA-256 (hex) of `name` and the canonical text of `config`: a cache key. */
export function canonicalHash(name: string, config: unknown): string {
  return createHash('sha256').update(JSON.stringify(name)).update('\n').update(canonicalJson(config)).digest('hex');
}
