/**
 * The KYC review's polling schedule as src/workflows/verification-review.ts runs it, worked out
 * from its timing alone: the first poll after the grace period, then intervals doubling from the
 * first interval up to the cap, never past the deadline (which wakes the review one last time).
 * Pure, so the benchmark can hold the measured poll counts against it.
 */

export interface PollTiming {
  kycGracePeriod: number;
  kycPollInterval: number;
  kycMaxPollInterval: number;
  kycDeadline: number;
}

/** When the review polls, in ms after it started waiting, for polls at or before `untilMs`. */
export function pollTimes(timing: PollTiming, untilMs: number): number[] {
  const times: number[] = [];
  let next = timing.kycGracePeriod;
  let interval = timing.kycPollInterval;
  for (;;) {
    const at = Math.min(next, timing.kycDeadline);
    if (at > untilMs) return times;
    times.push(at);
    if (at >= timing.kycDeadline) return times;
    next = at + interval;
    interval = Math.min(interval * 2, timing.kycMaxPollInterval);
  }
}

/**
 * The polls of a review whose webhook is lost and that Ingo decides `decidedAfterMs` after it
 * started waiting: every poll before the decision, and the one that finds it (none once the
 * deadline has passed: the review has ended undecided by then).
 */
export function expectedPolls(timing: PollTiming, decidedAfterMs: number): number {
  const before = pollTimes(timing, decidedAfterMs).filter((at) => at < decidedAfterMs).length;
  return before + (decidedAfterMs <= timing.kycDeadline ? 1 : 0);
}

/** The most polls one review can make: every poll until the deadline. */
export function maxPolls(timing: PollTiming): number {
  return pollTimes(timing, timing.kycDeadline).length;
}

/** Polls before the interval reaches the cap, and when the first capped interval starts. */
export function backoffPhase(timing: PollTiming): { doublingPolls: number; cappedFromMs: number } {
  let at = timing.kycGracePeriod;
  let interval = timing.kycPollInterval;
  let doublingPolls = 1;
  while (interval < timing.kycMaxPollInterval) {
    at += interval;
    interval = Math.min(interval * 2, timing.kycMaxPollInterval);
    doublingPolls += 1;
  }
  return { doublingPolls, cappedFromMs: at };
}
