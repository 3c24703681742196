/**
 * How core turns a valibot issue into the `field` and message of an InvalidInputError. Core's
 * schemas are valibot (docs/architecture.md, "Cold start"): bundled and tree-shaken it costs a few
 * milliseconds to load, where zod costs as much as a small SDK. A message never repeats the value
 * it refuses: a config or spec may hold a token.
 */
import * as v from 'valibot';

/** Any valibot issue, as core's parse helpers receive them. */
export type SchemaIssue = v.BaseIssue<unknown>;

/** Turns an issue path into `tags.env` / `sshKeys[0]`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

/** The field an issue is about, as `fieldPath` writes it; an unknown key is named itself. */
export function issueField(issue: SchemaIssue): string {
  return fieldPath((issue.path ?? []).map((item) => item.key as PropertyKey));
}

/**
 * The message of an issue whose schema gave none. valibot's own ("... but received "x"") would
 * repeat the value; this says only what was expected.
 */
export function quietMessage(issue: SchemaIssue): string {
  if (issue.type === 'strict_object' && issue.expected === 'never') return 'is not a known field';
  return issue.expected ? `must be ${issue.expected}` : 'is invalid';
}

/** Parses `value`; the first issue (path and message) when it does not fit. */
export function parseFirst<S extends v.GenericSchema>(
  schema: S,
  value: unknown,
): { success: true; output: v.InferOutput<S> } | { success: false; field: string; message: string } {
  const parsed = v.safeParse(schema, value, { message: quietMessage });
  if (parsed.success) return { success: true, output: parsed.output };
  const issue = parsed.issues[0];
  return { success: false, field: issueField(issue), message: issue.message };
}
