/**
 * How results are written: the scenarios' `key=value` summary lines, and Markdown tables.
 */

/** A number as a summary line or table shows it: fixed digits, `n/a` when not measured. */
export function formatNumber(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/**
 * `key=value` pairs separated by single spaces, in the order given. Keys must be plain words
 * (letters, digits, `_`); values are numbers (fixed to `digits`) or words without spaces.
 */
export function summaryLine(
  pairs: readonly (readonly [string, number | string])[],
  digits = 2,
): string {
  return pairs
    .map(([key, value]) => {
      if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key)) throw new Error(`bad summary key ${key}`);
      const text = typeof value === 'number' ? formatNumber(value, digits) : value;
      if (/\s/.test(text) || text === '') throw new Error(`bad summary value for ${key}`);
      return `${key}=${text}`;
    })
    .join(' ');
}

/** Reads a summary line back (the last line of `npm run bench -- --quick`, for scripts). */
export function parseSummaryLine(line: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const pair of line.trim().split(/\s+/)) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new Error(`not a key=value pair: ${pair}`);
    pairs[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return pairs;
}

/** A Markdown table; cells are escaped for `|`. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const cell = (value: string) => value.replace(/\|/g, '\\|');
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
