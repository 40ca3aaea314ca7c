import { describe, expect, it } from 'vitest';
import { parseOptions, UsageError } from '../../chaos/options';

// `npm run chaos [-- options]` (chaos/options.ts).

describe('chaos options', () => {
  it('runs 1,000 onboardings by default, 200 with --ci, N with --onboardings', () => {
    expect(parseOptions([]).onboardings).toBe(1000);
    expect(parseOptions(['--ci']).onboardings).toBe(200);
    expect(parseOptions(['--onboardings', '50', '--seed', '7'])).toMatchObject({
      onboardings: 50,
      seed: 7,
      logLevel: 'info',
      keep: false,
    });
    expect(parseOptions(['--log-level', 'debug', '--keep'])).toMatchObject({
      logLevel: 'debug',
      keep: true,
    });
  });

  it('refuses unknown options and bad numbers as usage errors', () => {
    expect(() => parseOptions(['--fast'])).toThrow(UsageError);
    expect(() => parseOptions(['--onboardings', '0'])).toThrow(UsageError);
    expect(() => parseOptions(['--onboardings'])).toThrow(UsageError);
    expect(() => parseOptions(['--log-level', 'trace'])).toThrow(UsageError);
  });
});
