import { formatSpread, spread, type Spread } from '../scenario';

/**
 * Latency statistics of one run, and how repeated runs are summarised: every figure of a run is
 * computed per run, then reported as the median (min–max) over the runs (`spread`).
 */

/** Nearest-rank percentile (`p` in 0–100) of unsorted values; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  if (p < 0 || p > 100) throw new RangeError(`percentile ${p} is not between 0 and 100`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarizeLatencies(values: readonly number[]): LatencySummary {
  return {
    count: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: values.length === 0 ? Number.NaN : Math.max(...values),
  };
}

/**
 * The spread of one figure over several runs, leaving out runs that measured nothing (NaN: no
 * onboarding was timed in that window); all NaN when none did.
 */
export function spreadOf<T>(runs: readonly T[], figure: (run: T) => number): Spread {
  const values = runs.map(figure).filter((value) => !Number.isNaN(value));
  if (values.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: 0 };
  return spread(values);
}

/** `median (min–max)` of a figure over runs, as the tables print it; `n/a` when nothing was measured. */
export function formatRuns<T>(runs: readonly T[], figure: (run: T) => number, digits = 1): string {
  const result = spreadOf(runs, figure);
  return result.runs === 0 ? 'n/a' : formatSpread(result, digits);
}
