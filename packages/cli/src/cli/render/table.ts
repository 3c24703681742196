/** Aligned columns for people; colour codes are not counted in the widths. */
const ANSI = /\u001b\[[0-9;]*m/g;

const width = (text: string) => text.replace(ANSI, '').length;

export function table(header: string[], rows: string[][], style: (text: string) => string = (t) => t): string[] {
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat(widths[i]! - width(cell))))
      .join('  ')
      .trimEnd();
  return [style(line(header)), ...rows.map(line)];
}
