import type { OnboardingApiClient } from '../src/api/client';
import { GaveUp, RetryCounter, withApiRetry } from './api-retry';
import type { PlannedSignup } from './plan';
import { sleep } from './time';

/**
 * The load: every planned signup started through `POST /v1/onboardings`, paced (a product backend
 * signs people up over time, so the crashes land in the middle of the work) and at bounded
 * concurrency. A start the API could not take (its process killed, Temporal away: 503) is
 * repeated with back-off; repeating a start is safe, since the same signup never gets a second
 * onboarding (a repeat after a lost answer is answered 200 with the existing one).
 */

export interface LoadOptions {
  concurrency: number;
  /** Starts per second at most. */
  ratePerSecond: number;
  /** Called after each signup has been started, with how many have been. */
  onStarted?: (started: number) => void;
}

export interface LoadReport {
  started: number;
  /** Starts answered 200 "already onboarding": a repeat after an answer that never arrived. */
  answeredExisting: number;
  retries: RetryCounter;
  /** Signups that could not be started at all: each one a violation. */
  failures: { signupId: string; reason: string }[];
  durationMs: number;
}

export async function runLoad(
  api: OnboardingApiClient,
  signups: readonly PlannedSignup[],
  options: LoadOptions,
): Promise<LoadReport> {
  const begun = Date.now();
  const report: LoadReport = {
    started: 0,
    answeredExisting: 0,
    retries: new RetryCounter(),
    failures: [],
    durationMs: 0,
  };
  const interval = 1000 / options.ratePerSecond;
  let next = 0;

  const lane = async () => {
    while (next < signups.length) {
      const signup = signups[next]!;
      const slot = begun + next * interval;
      next += 1;
      if (slot > Date.now()) await sleep(slot - Date.now());
      try {
        const started = await withApiRetry(() => api.start(signup.request), report.retries);
        if (!started.created) report.answeredExisting += 1;
        report.started += 1;
        options.onStarted?.(report.started);
      } catch (error) {
        const reason =
          error instanceof GaveUp ? error.message : error instanceof Error ? error.message : '?';
        report.failures.push({ signupId: signup.signupId, reason });
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  report.durationMs = Date.now() - begun;
  return report;
}
