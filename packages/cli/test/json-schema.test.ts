import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stagelyJsonSchema } from '../src/index.js';

describe('the JSON Schema for editors', () => {
  it('is current: schema/stagely.schema.json is what the zod schema gives (update it with `pnpm --filter @stagely/cli schema` after a build)', () => {
    const committed = readFileSync(join(import.meta.dirname, '..', 'schema', 'stagely.schema.json'), 'utf8');
    expect(committed).toBe(`${JSON.stringify(stagelyJsonSchema(), null, 2)}\n`);
  });

  it('describes the file: provider, defaults, environments of hosts, and no unknown keys', () => {
    const schema = stagelyJsonSchema() as {
      properties: Record<string, { properties?: Record<string, unknown>; additionalProperties?: unknown }>;
      additionalProperties: unknown;
    };
    expect(Object.keys(schema.properties)).toEqual(['$schema', 'version', 'provider', 'defaults', 'environments']);
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties.defaults!.properties!)).toEqual([
      'size',
      'architecture',
      'region',
      'image',
      'tags',
      'spot',
      'ssh_keys',
      'user_data',
    ]);
    const host = (schema.properties.environments!.additionalProperties as { properties: { hosts: { additionalProperties: { properties: object } } } })
      .properties.hosts.additionalProperties;
    expect(Object.keys(host.properties)).toContain('role');
  });
});
