/**
 * Maps a field path (as zod reports it) to a line and column of the YAML source, through the
 * node ranges that `parseDocument` keeps. A path that goes further than the file (a required key
 * that is missing) points at the deepest node that exists: the map the key belongs in.
 */
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export interface Position {
  line: number;
  column: number;
}

/**
 * `at: 'key'` points at the key of the last segment (for an unknown or misnamed key),
 * `'value'` at its value (for a wrong value); an empty value falls back to its key.
 */
export function locate(
  doc: Document,
  lines: LineCounter,
  path: readonly PropertyKey[],
  at: 'key' | 'value' = 'value',
): Position {
  let node: unknown = doc.contents;
  let keyNode: unknown;
  let walked = 0;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      keyNode = pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
      keyNode = undefined;
      node = node.items[segment];
    } else {
      break;
    }
    walked++;
    if (!node) break;
  }
  // Past the end of the file (a missing key): the key of the deepest node that exists.
  const complete = walked === path.length;
  const target = !complete || at === 'key' || !node ? (keyNode ?? node) : node;
  const offset = (target as Node | undefined)?.range?.[0];
  if (offset === undefined) return { line: 1, column: 1 };
  const pos = lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}
