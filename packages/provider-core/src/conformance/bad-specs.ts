/**
 * Specs every provider must refuse before any create request, each with an InvalidInputError naming
 * the field: the spec-validation group checks each, the preflight group that validateSpec agrees.
 * Half of them only the provider can judge (its catalogue, regions, images, SSH keys), not core's schema.
 */
import { randomBytes } from 'node:crypto';
import type { CloudProvider, InstanceSpec } from '../contract/contract.js';
import type { GroupContext } from './context.js';

export interface BadSpecCase {
  what: string;
  /** The field the InvalidInputError must name (or a path under it). */
  field: string;
  build(tags: Record<string, string>): InstanceSpec;
  /** When the case only applies to some providers (an SSH key where keys are offered). */
  appliesTo?(provider: CloudProvider): boolean;
}

export function badSpecCases(ctx: GroupContext): BadSpecCase[] {
  const missing = `stagely-no-such-${randomBytes(4).toString('hex')}`;
  return [
    { what: 'an unknown size', field: 'size', build: (tags) => ({ ...ctx.spec(tags), size: 'huge' as InstanceSpec['size'] }) },
    {
      what: 'an unknown architecture',
      field: 'architecture',
      build: (tags) => ({ ...ctx.spec(tags), architecture: 'sparc' as InstanceSpec['architecture'] }),
    },
    { what: 'an unknown region', field: 'region', build: (tags) => ctx.spec(tags, { region: ctx.options.invalidRegion }) },
    { what: 'a tag value that is not a string', field: 'tags', build: (tags) => ctx.spec({ ...tags, broken: 42 as unknown as string }) },
    { what: 'an unknown native type', field: 'size', build: (tags) => ctx.spec(tags, { size: { type: missing } }) },
    { what: 'an image that does not exist', field: 'image', build: (tags) => ctx.spec(tags, { image: { ubuntu: '1.01' } }) },
    {
      what: 'an SSH key that does not exist',
      field: 'sshKeys',
      build: (tags) => ctx.spec(tags, { sshKeys: [missing] }),
      appliesTo: (provider) => provider.capabilities.sshKeys,
    },
  ];
}
