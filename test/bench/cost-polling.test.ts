import { describe, expect, it } from 'vitest';
import { backoffPhase, expectedPolls, maxPolls, pollTimes } from '../../bench/cost/polling';
import { timingSchema } from '../../src/contract/onboarding-input';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
// Production timing: grace 5 min, 1 min doubling to 1 h, deadline 7 days.
const timing = timingSchema.parse({});

describe('the KYC review polling schedule', () => {
  it('polls after the grace period, then at doubling intervals up to the cap', () => {
    expect(pollTimes(timing, 4 * HOUR).map((at) => at / MINUTE)).toEqual([
      5, 6, 8, 12, 20, 36, 68, 128, 188,
    ]);
    expect(backoffPhase(timing)).toEqual({ doublingPolls: 7, cappedFromMs: 68 * MINUTE });
  });

  it('counts the polls until one finds the decision', () => {
    expect(expectedPolls(timing, 0)).toBe(1);
    expect(expectedPolls(timing, HOUR)).toBe(7);
    expect(expectedPolls(timing, DAY)).toBe(30);
    expect(expectedPolls(timing, 7 * DAY - HOUR)).toBe(173);
  });

  it('stops at the deadline, which wakes the review once more', () => {
    expect(maxPolls(timing)).toBe(174);
    expect(pollTimes(timing, 8 * DAY).at(-1)).toBe(7 * DAY);
    expect(expectedPolls(timing, 8 * DAY)).toBe(174);
  });

  it('grows by one poll per capped interval: 7 + ⌊(W − 68 min) / 1 h⌋ + 1', () => {
    for (let wait = 68 * MINUTE + 1; wait < 7 * DAY; wait += 97 * MINUTE) {
      expect(expectedPolls(timing, wait)).toBe(7 + Math.floor((wait - 68 * MINUTE) / HOUR) + 1);
    }
  });

  it('follows another timing too', () => {
    const quick = timingSchema.parse({
      kycGracePeriod: '20 seconds',
      kycPollInterval: '5 seconds',
      kycMaxPollInterval: '30 seconds',
      kycDeadline: '10 minutes',
    });
    expect(pollTimes(quick, MINUTE).map((at) => at / 1000)).toEqual([20, 25, 35, 55]);
    expect(maxPolls(quick)).toBe(4 + Math.floor((600 - 55) / 30) + 1);
  });
});
