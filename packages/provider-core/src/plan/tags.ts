/**
 * The tags that tie an instance to an environment, and the record of what was asked for at creation.
 *
 * An instance only shows concrete facts (`type: 'cx23'`), while a file says `size: small`; the mapping
 * is each provider's and may change. So apply records the requested size, architecture and image in
 * tags, and plan compares the file against that record. Values stay within `[A-Za-z0-9_-]`, start and
 * end with a letter or digit and fit in 63 characters: a label on every cloud (Hetzner forbids `:` and
 * `/`, DigitalOcean `.`).
 */
import { createHash } from 'node:crypto';
import type { ImageSpec, InstanceSpec } from '../contract/contract.js';

export const ENV_TAG = 'stagely-env';
export const HOST_TAG = 'stagely-host';
export const ROLE_TAG = 'stagely-role';
/** The abstract size asked for (`small`...); absent for a `{ type }` size, which the instance shows. */
export const SIZE_TAG = 'stagely-size';
/** The architecture asked for: a provider may substitute one and say so in warnings. */
export const ARCH_TAG = 'stagely-arch';
/** The image asked for, encoded by `encodeImage`. */
export const IMAGE_TAG = 'stagely-image';

/** Tags plan/apply own; a host's own tags may not set them. */
export const RESERVED_TAGS: readonly string[] = [ENV_TAG, HOST_TAG, ROLE_TAG, SIZE_TAG, ARCH_TAG, IMAGE_TAG];

const IMAGE_KINDS = ['ubuntu', 'debian', 'id', 'snapshot'] as const;
type ImageKind = (typeof IMAGE_KINDS)[number];
const MAX_TAG_VALUE = 63;
/** Marks a value too long or too exotic to spell out: `id-_z<hash>` (`z` is not a hex digit). */
const HASHED = '_z';

function imageKind(image: ImageSpec): [ImageKind, string] {
  if ('ubuntu' in image) return ['ubuntu', image.ubuntu];
  if ('debian' in image) return ['debian', image.debian];
  if ('id' in image) return ['id', image.id];
  return ['snapshot', image.snapshot];
}

/**
 * `{ ubuntu: '24.04' }` -> `ubuntu-24_2e04`: the kind, a hyphen, then the value with every character
 * outside `[A-Za-z0-9-]` (and a trailing `-`) escaped as `_` + two hex digits. Reversible, except that a
 * value which would not fit is replaced by a hash of it: still exact for comparing.
 */
export function encodeImage(image: ImageSpec): string {
  const [kind, value] = imageKind(image);
  let fits = value.length > 0;
  const escaped = value.replace(/[^A-Za-z0-9-]|-$/g, (char) => {
    const code = char.charCodeAt(0);
    if (code > 255) fits = false;
    return `_${code.toString(16).padStart(2, '0')}`;
  });
  const encoded = `${kind}-${escaped}`;
  if (fits && encoded.length <= MAX_TAG_VALUE) return encoded;
  return `${kind}-${HASHED}${createHash('sha256').update(value).digest('hex').slice(0, 32)}`;
}

/** `ubuntu-24_2e04` -> `ubuntu:24.04`, for showing a recorded image. Unknown shapes are shown as they are. */
export function describeRecordedImage(encoded: string): string {
  const dash = encoded.indexOf('-');
  const kind = encoded.slice(0, dash);
  const rest = encoded.slice(dash + 1);
  if (dash < 0 || !(IMAGE_KINDS as readonly string[]).includes(kind)) return encoded;
  if (rest.startsWith(HASHED)) return `${kind}:<sha256 ${rest.slice(HASHED.length)}>`;
  return `${kind}:${rest.replace(/_([0-9a-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))}`;
}

export function describeImage(image: ImageSpec): string {
  const [kind, value] = imageKind(image);
  return `${kind}:${value}`;
}

export function describeSize(size: InstanceSpec['size']): string {
  return typeof size === 'string' ? size : `type:${size.type}`;
}
