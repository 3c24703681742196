// Writes schema/stagely.schema.json from the zod schema that validates stagely.yml: run
// `pnpm --filter @stagely/cli schema` after a build when the schema changed, and commit the file.
// Not part of `build`, so that test/json-schema.test.ts can catch a committed file that is stale.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stagelyJsonSchema } from '../dist/index.js';

const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema', 'stagely.schema.json');
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, `${JSON.stringify(stagelyJsonSchema(), null, 2)}\n`);
console.log(`wrote ${join('schema', 'stagely.schema.json')}`);
