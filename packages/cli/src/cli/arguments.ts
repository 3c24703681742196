/**
 * Parsers for command-line values (commander's argParser): each throws commander's
 * InvalidArgumentError, which commander reports as a usage error naming the option. They run while
 * the program is defined, so they do not load core: its sizes and architectures are spelt out here
 * (a test checks they are core's).
 */
import type { Architecture, ImageSpec, Size } from '@stagely/provider-core';
import { InvalidArgumentError } from 'commander';

export const SIZES: readonly Size[] = ['small', 'medium', 'large'];
export const ARCHITECTURES: readonly Architecture[] = ['amd64', 'arm64'];

/** `--tag key=value`, repeatable: collected into one record. */
export function collectTag(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('expected key=value');
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

/** A repeatable option with one value each time. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function parseSize(value: string): Size | { type: string } {
  if ((SIZES as readonly string[]).includes(value)) return value as Size;
  if (value.startsWith('type:') && value.length > 5) return { type: value.slice(5) };
  throw new InvalidArgumentError(`expected ${SIZES.join(', ')} or type:<provider type>`);
}

export function parseArchitecture(value: string): Architecture {
  if ((ARCHITECTURES as readonly string[]).includes(value)) return value as Architecture;
  throw new InvalidArgumentError(`expected ${ARCHITECTURES.join(' or ')}`);
}

/** `ubuntu:24.04`, `debian:12`, `id:<image>`, `snapshot:<id>`. */
export function parseImage(value: string): ImageSpec {
  const colon = value.indexOf(':');
  const kind = value.slice(0, colon);
  const rest = value.slice(colon + 1);
  if (colon > 0 && rest.length > 0) {
    if (kind === 'ubuntu') return { ubuntu: rest };
    if (kind === 'debian') return { debian: rest };
    if (kind === 'id') return { id: rest };
    if (kind === 'snapshot') return { snapshot: rest };
  }
  throw new InvalidArgumentError('expected ubuntu:<version>, debian:<version>, id:<image> or snapshot:<id>');
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

/** Seconds on the command line, milliseconds inside. */
export function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number of seconds greater than 0');
  return Math.round(n * 1000);
}
