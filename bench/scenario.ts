/**
 * What every benchmark scenario is (bench/main.ts runs them and writes docs/BENCHMARKS.md): a
 * name, a run that measures, and what it found, as a summary line (printed as the scenario's last
 * line) and a Markdown section for the report.
 */

export interface ScenarioOptions {
  /** `npm run bench -- --quick`: the reduced version (scenarios 1, 2 and 3 only, under 2 minutes). */
  quick: boolean;
  /** Where scenarios put their stacks' log files and other artefacts of the run. */
  workDir: string;
  /** Progress for the person watching; never part of the report. */
  progress: (message: string) => void;
  /**
   * Where the report and its figures go (docs/ in a full run, the workDir in `--quick`, which
   * must not overwrite the committed report). Charts are written here.
   */
  reportDir?: string;
  /** One line naming the machine, versions and date, for charts (figures must say it too). */
  context?: string;
}

export interface ScenarioResult {
  /** One line, `key=value` pairs, e.g. `throughput_ratio=0.91 p99_ms=412`. */
  summary: string;
  /** The report's section for this scenario: what was run, the table, what it means. */
  markdown: string;
  /** Named figures for the final summary line and for other scenarios (e.g. `events_per_onboarding`). */
  figures: Record<string, number>;
}

export interface Scenario {
  /** Short id used on the command line: `npm run bench -- throughput`. */
  id: string;
  title: string;
  /** Whether `--quick` runs it. */
  inQuick: boolean;
  run(options: ScenarioOptions): Promise<ScenarioResult>;
}

/** Median, min and max of repeated measurements: how every timing is reported. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function spread(values: number[]): Spread {
  if (values.length === 0) throw new Error('no measurements');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: sorted.length };
}

/** A value as a spread prints it: `∞` for a latency that never ended (an abandoned onboarding). */
function fixed(value: number, digits: number): string {
  return value === Number.POSITIVE_INFINITY ? '∞' : value.toFixed(digits);
}

/** `12.3 (11.9–13.0)`: a spread as the report prints it. */
export function formatSpread({ median, min, max }: Spread, digits = 1): string {
  return `${fixed(median, digits)} (${fixed(min, digits)}–${fixed(max, digits)})`;
}
