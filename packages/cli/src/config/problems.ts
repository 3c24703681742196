/**
 * Problems the provider's preflight found (core's `PlanProblem`: host, spec field, message) placed
 * in `stagely.yml`: at the host's own field when it sets one, else at the `defaults` it inherits,
 * else (a region nobody wrote) at the provider config's default region, else at the host.
 */
import type { PlanProblem } from '@stagely/provider-core';
import { fieldPath } from '@stagely/provider-core/provider';
import type { ConfigProblem } from './errors.js';
import type { LoadedConfig } from './load.js';

/** Spec fields under another name in the file. */
const FILE_KEYS: Record<string, string> = { sshKeys: 'ssh_keys', userData: 'user_data' };
/** Spec fields a host or `defaults` may set (the rest, e.g. `name`, is the host itself). */
const HOST_FIELDS = new Set(['size', 'architecture', 'region', 'image', 'tags', 'spot', 'ssh_keys', 'user_data']);
/** Where providers take the default region from (`location`: Hetzner). */
const REGION_KEYS = ['region', 'location'];

/** `tags.example.com/team` -> ['tags', 'example.com/team'] (a tag key may hold dots); `sshKeys[1]` -> ['ssh_keys', 1]. */
function specPath(field: string): (string | number)[] {
  const head = /^[A-Za-z]+/.exec(field)?.[0] ?? '';
  const key = FILE_KEYS[head] ?? head;
  if (key === 'tags' && field.startsWith('tags.')) return ['tags', field.slice(5)];
  const rest = field.slice(head.length);
  const segments: (string | number)[] = [key];
  for (const match of rest.matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)) segments.push(match[2] === undefined ? match[1]! : Number(match[2]));
  return segments;
}

function has(value: unknown, path: readonly (string | number)[]): boolean {
  let node = value;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, segment)) return false;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return true;
}

/** One problem of `environment` at its place in the file. */
export function placeProblem(loaded: LoadedConfig, environment: string, problem: PlanProblem, provider: string): ConfigProblem {
  const hostPath = ['environments', environment, 'hosts', problem.host];
  const host = loaded.data.environments[environment]?.hosts[problem.host];
  const inner = specPath(problem.field);
  const tags = inner[0] === 'tags';
  const said = problem.code === 'CONFLICT' ? problem.message : `is refused by ${provider}: ${problem.message}`;
  const extra = { environment, host: problem.host, code: problem.code };
  const at = (path: readonly (string | number)[], message: string, where: 'key' | 'value' = 'value'): ConfigProblem => ({
    field: fieldPath(path),
    ...loaded.locate(path, where),
    message,
    ...extra,
  });
  if (!HOST_FIELDS.has(String(inner[0]))) return at(hostPath, said, 'key');
  // A tag is found by its key; a longer path (`size.type`, `ssh_keys[1]`) by as much of it as is written.
  const own = tags ? inner : inner.slice(0, 1);
  const where = tags ? 'key' : 'value';
  if (has(host, own)) return at([...hostPath, ...inner], said, where);
  const forHost = `(for host ${problem.host} of environment ${environment}) ${said}`;
  if (has(loaded.data.defaults, own)) return at(['defaults', ...inner], forHost, where);
  const config = loaded.data.provider.config;
  const regionKey = inner[0] === 'region' ? REGION_KEYS.flatMap((k) => [k, `${k}_env`]).find((k) => Object.hasOwn(config, k)) : undefined;
  if (regionKey !== undefined) return at(['provider', 'config', regionKey], forHost);
  return at(hostPath, `${fieldPath(inner)} ${said}`, 'key');
}

/** Every problem of `environment`, in file order. */
export function placeProblems(loaded: LoadedConfig, environment: string, problems: readonly PlanProblem[], provider: string): ConfigProblem[] {
  return sortByPlace(problems.map((problem) => placeProblem(loaded, environment, problem, provider)));
}

/** Line, then column, then field: problems read top to bottom. */
export function sortByPlace(problems: ConfigProblem[]): ConfigProblem[] {
  return problems.sort((a, b) => a.line - b.line || a.column - b.column || (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
}
