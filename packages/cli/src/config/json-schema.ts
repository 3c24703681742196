/**
 * The JSON Schema of `stagely.yml` for editors (e.g. the YAML language server), generated from the
 * same zod schema that validates files. `scripts/write-schema.mjs` (`pnpm --filter @stagely/cli schema`)
 * writes it to `schema/stagely.schema.json`; a test checks the committed file is current.
 */
import { z } from 'zod';
import { stagelyFileSchema } from './schema.js';

export function stagelyJsonSchema(): Record<string, unknown> {
  // `input`: what may be written (defaults make fields optional); draft-07 is what editors know best.
  return z.toJSONSchema(stagelyFileSchema, { io: 'input', target: 'draft-07', unrepresentable: 'any' }) as Record<string, unknown>;
}
