/**
 * Hetzner label selectors, as the fake API evaluates them: expressions joined by `,` (all must
 * hold), each one of `k==v` / `k=v`, `k!=v`, `k` (present), `!k` (absent), `k in (a,b)` and
 * `k notin (a,b)`.
 */

type Expression =
  | { op: 'eq' | 'ne'; key: string; value: string }
  | { op: 'present' | 'absent'; key: string }
  | { op: 'in' | 'notin'; key: string; values: string[] };

export type LabelSelector = (labels: Readonly<Record<string, string>>) => boolean;

const KEY = '[a-zA-Z0-9][a-zA-Z0-9._/-]*';
const VALUE = '[a-zA-Z0-9._-]*';
const EQUALITY = new RegExp(`^(${KEY})\\s*(==|!=|=)\\s*(${VALUE})$`);
const SET = new RegExp(`^(${KEY})\\s+(in|notin)\\s+\\(([^()]*)\\)$`);
const PRESENT = new RegExp(`^(${KEY})$`);
const ABSENT = new RegExp(`^!\\s*(${KEY})$`);

export class LabelSelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabelSelectorError';
  }
}

/** Parses `selector`; throws LabelSelectorError for one Hetzner would refuse. */
export function parseLabelSelector(selector: string): LabelSelector {
  const expressions = splitTopLevel(selector).map(parseExpression);
  return (labels) => expressions.every((e) => holds(e, labels));
}

function parseExpression(text: string): Expression {
  const trimmed = text.trim();
  let m = EQUALITY.exec(trimmed);
  if (m) return { op: m[2] === '!=' ? 'ne' : 'eq', key: m[1]!, value: m[3]! };
  m = SET.exec(trimmed);
  if (m) return { op: m[2] as 'in' | 'notin', key: m[1]!, values: m[3]!.split(',').map((v) => v.trim()) };
  m = ABSENT.exec(trimmed);
  if (m) return { op: 'absent', key: m[1]! };
  m = PRESENT.exec(trimmed);
  if (m) return { op: 'present', key: m[1]! };
  throw new LabelSelectorError(`invalid label selector expression "${trimmed}"`);
}

function holds(e: Expression, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, e.key);
  const value = labels[e.key];
  switch (e.op) {
    case 'eq':
      return has && value === e.value;
    case 'ne':
      return !has || value !== e.value;
    case 'present':
      return has;
    case 'absent':
      return !has;
    case 'in':
      return has && e.values.includes(value!);
    case 'notin':
      return !has || !e.values.includes(value!);
  }
}

/** Splits on commas outside parentheses: `a==1,b in (x,y)` -> [`a==1`, `b in (x,y)`]. */
function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (depth < 0) throw new LabelSelectorError('unbalanced parentheses in label selector');
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (depth !== 0) throw new LabelSelectorError('unbalanced parentheses in label selector');
  parts.push(current);
  if (parts.some((p) => p.trim() === '')) throw new LabelSelectorError('empty expression in label selector');
  return parts;
}
