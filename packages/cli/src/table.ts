/** A plain-text table with right-aligned numeric columns. */
export function table(headers: string[], rows: (string | number)[][], options: { align?: ('left' | 'right')[] } = {}): string {
  const cells = rows.map((r) => r.map(String));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const align = options.align ?? headers.map((_, i) => (rows.length && typeof rows[0]![i] === 'number' ? 'right' : 'left'));
  const line = (r: string[]) => r.map((c, i) => (align[i] === 'right' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export const thousands = (n: number) => n.toLocaleString('en-US');
