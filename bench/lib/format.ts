/** Small helpers for the bench: percentiles, rounding, and plain-text tables. */

/** Nearest-rank percentile of `values` (p in 0..100); NaN for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

/** Rounds to `digits` decimals (for the JSON line: no 0.30000000000000004). */
export function round(value: number, digits = 1): number {
  if (!Number.isFinite(value)) return value;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export function mb(bytes: number): number {
  return round(bytes / (1024 * 1024), 1);
}

/** A plain-text table: a title line, a header row, a rule, and the rows; numbers right-aligned. */
export function table(title: string, header: readonly string[], rows: ReadonlyArray<ReadonlyArray<unknown>>): string {
  const cells = [header.map(String), ...rows.map((row) => row.map(cellText))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((row) => typeof row[i] === 'number'));
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [title, line(cells[0] as string[]), rule, ...cells.slice(1).map(line)].join('\n');
}

function cellText(value: unknown): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '-';
    return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(value >= 100 ? 0 : 2);
  }
  return value === undefined || value === null ? '-' : String(value);
}

/** 'ok' or 'MISSED' against a SPEC §10 target (the bench reports; it never fails). */
export function verdict(ok: boolean): string {
  return ok ? 'ok' : 'MISSED';
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
