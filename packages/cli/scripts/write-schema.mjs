// Writes schema/stagely.schema.json from the zod schema that validates stagely.yml (run by `build`,
// after tsup). test/json-schema.test.ts fails when the committed file is not what this writes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stagelyJsonSchema } from '../dist/index.js';

const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema', 'stagely.schema.json');
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, `${JSON.stringify(stagelyJsonSchema(), null, 2)}\n`);
console.log(`wrote ${join('schema', 'stagely.schema.json')}`);
