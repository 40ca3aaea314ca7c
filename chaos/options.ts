import { randomInt } from 'node:crypto';

/**
 * `npm run chaos [-- options]`: 1,000 onboardings by default, 200 with `--ci`, any number with
 * `--onboardings N`. The seed decides the plan (signups, scenarios, data); a failed run prints it,
 * and `--seed` repeats that plan.
 */

export interface ChaosOptions {
  onboardings: number;
  seed: number;
  /** Starts per second. */
  rate: number;
  concurrency: number;
  /** Once the load is over: no onboarding closing for this long means the rest are stuck. */
  stallMs: number;
  /** Once the load is over: at most this long for every onboarding to close. */
  maxSettleMs: number;
  /** Keep the stack's log and data directory even when the run passes. */
  keep: boolean;
  /** LOG_LEVEL of every part: `debug` scans far more lines for personal data, and runs slower. */
  logLevel: 'info' | 'debug';
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `usage: npm run chaos [-- --ci | --onboardings N] [--seed S] [--rate R] [--concurrency C] [--log-level L] [--keep]
  --ci              200 onboardings (CI size); default 1000
  --onboardings N   N onboardings
  --seed S          the plan's seed (printed by every run), to repeat a run's signups
  --rate R          starts per second (default 8)
  --concurrency C   starts in flight at once (default 8)
  --log-level L     info (default) or debug: every part's LOG_LEVEL, so the log scan reads more
  --keep            keep the stack's log file and data directory after a passing run`;

function positiveInt(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n <= 0) {
    throw new UsageError(`${flag} needs a positive whole number`);
  }
  return n;
}

export function parseOptions(argv: readonly string[]): ChaosOptions {
  const options: ChaosOptions = {
    onboardings: 1000,
    seed: randomInt(1, 2 ** 31),
    rate: 8,
    concurrency: 8,
    // Longer than the resubmission window (60 s) plus the longest polling back-off.
    stallMs: 150_000,
    maxSettleMs: 1_800_000,
    keep: false,
    logLevel: 'info',
  };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i]!;
    switch (flag) {
      case '--ci':
        options.onboardings = 200;
        break;
      case '--onboardings':
        options.onboardings = positiveInt(flag, argv[++i]);
        break;
      case '--seed':
        options.seed = positiveInt(flag, argv[++i]);
        break;
      case '--rate':
        options.rate = positiveInt(flag, argv[++i]);
        break;
      case '--concurrency':
        options.concurrency = positiveInt(flag, argv[++i]);
        break;
      case '--keep':
        options.keep = true;
        break;
      case '--log-level': {
        const level = argv[++i];
        if (level !== 'info' && level !== 'debug') {
          throw new UsageError('--log-level is info or debug');
        }
        options.logLevel = level;
        break;
      }
      default:
        throw new UsageError(`unknown option ${flag}`);
    }
  }
  return options;
}
