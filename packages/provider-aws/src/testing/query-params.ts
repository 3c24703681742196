/**
 * EC2's Query protocol flattens a request into form fields: lists as `Name.N` (1-based),
 * structures as `Name.Member`, so `Filter.1.Name=tag:app&Filter.1.Value.1=web` is one filter.
 * This turns the flat fields back into nested values, the shape the SDK's model describes.
 */

export type QueryValue = string | QueryValue[] | { [member: string]: QueryValue };
export type QueryRecord = { [member: string]: QueryValue };

/** Thrown for a field EC2 would refuse to parse (a list index that is not 1, 2, ...). */
export class QueryShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryShapeError';
  }
}

const INDEX = /^[1-9]\d*$/;

/** The nested value of flat form fields (`Action` and `Version` included, as top-level strings). */
export function parseQueryFields(fields: Record<string, string>): QueryRecord {
  const root: Tree = {};
  for (const [name, value] of Object.entries(fields)) {
    const path = name.split('.');
    let node = root;
    path.forEach((segment, i) => {
      if (i === path.length - 1) {
        node[segment] = value;
        return;
      }
      const child = node[segment];
      node = typeof child === 'object' ? child : (node[segment] = {});
    });
  }
  return toValue(root) as QueryRecord;
}

interface Tree {
  [segment: string]: string | Tree;
}

/** A node whose keys are all list indexes is a list; they must run 1, 2, 3 ... */
function toValue(node: string | Tree): QueryValue {
  if (typeof node === 'string') return node;
  const keys = Object.keys(node);
  if (keys.length > 0 && keys.every((key) => INDEX.test(key))) {
    const indexes = keys.map(Number).sort((a, b) => a - b);
    indexes.forEach((index, position) => {
      if (index !== position + 1) throw new QueryShapeError(`list indexes must run 1, 2, 3 ...; got ${indexes.join(', ')}`);
    });
    return indexes.map((index) => toValue(node[String(index)]!));
  }
  return Object.fromEntries(keys.map((key) => [key, toValue(node[key]!)]));
}

/** A string member, or undefined. */
export function str(record: QueryRecord | undefined, member: string): string | undefined {
  const value = record?.[member];
  return typeof value === 'string' ? value : undefined;
}

/** A list member (`Name.N`), empty when absent. */
export function list(record: QueryRecord | undefined, member: string): QueryValue[] {
  const value = record?.[member];
  return Array.isArray(value) ? value : [];
}

/** A list of strings (`InstanceId.N`). */
export function strings(record: QueryRecord | undefined, member: string): string[] {
  return list(record, member).filter((v): v is string => typeof v === 'string');
}

/** A list of structures (`Filter.N.Name`). */
export function records(record: QueryRecord | undefined, member: string): QueryRecord[] {
  return list(record, member).filter((v): v is QueryRecord => typeof v === 'object' && v !== null && !Array.isArray(v));
}

export function struct(record: QueryRecord | undefined, member: string): QueryRecord | undefined {
  const value = record?.[member];
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
}

/** EC2 filters: `Filter.N.Name` with `Filter.N.Value.M`. */
export interface Ec2Filter {
  name: string;
  values: string[];
}

export function filters(record: QueryRecord): Ec2Filter[] {
  return records(record, 'Filter').map((f) => ({ name: str(f, 'Name') ?? '', values: strings(f, 'Value') }));
}

/** EC2 filter values take `*` (any run) and `?` (one character) wildcards; `\\` makes the next one literal. */
export function wildcardMatch(pattern: string, value: string): boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]!);
    else if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`, 's').test(value);
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
