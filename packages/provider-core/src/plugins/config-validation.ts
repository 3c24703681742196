/**
 * Validates a provider config with the plugin's `configSchema` through the Standard Schema v1
 * interface (`~standard.validate`), so a plugin may use zod, valibot, arktype or a hand-made schema.
 * Issues become one `InvalidInputError` whose `field` is the first issue's path (`config.token`) and
 * whose `details.issues` lists them all. Messages pass through the redactor: a schema may echo what
 * it received, and a secret must not reach an error.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { InvalidInputError } from '../contract/errors.js';
import type { Redactor } from '../authoring/redact.js';

function pathOf(issue: StandardSchemaV1.Issue): string {
  const segments = (issue.path ?? []).map((segment) =>
    typeof segment === 'object' && segment !== null ? segment.key : segment,
  );
  return ['config', ...segments.map((s) => String(s))].join('.');
}

/** The schema's output for `config`, or `InvalidInputError` naming the offending field. */
export async function validateConfig<Output>(
  schema: StandardSchemaV1<unknown, Output>,
  config: unknown,
  provider: string,
  redact: Redactor,
): Promise<Output> {
  const result = await schema['~standard'].validate(config);
  if (!result.issues) return result.value;
  const issues = result.issues.map((issue) => ({ field: pathOf(issue), message: redact(String(issue.message)) }));
  const first = issues[0] ?? { field: 'config', message: 'invalid' };
  const summary = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  throw new InvalidInputError(first.field, `Invalid config for provider "${provider}": ${summary}`, {
    provider,
    details: { issues },
  });
}
