import {
  OnboardingApiError,
  OnboardingApiResponseError,
  OnboardingApiUnreachableError,
} from '../src/api/client-errors';
import { sleep } from './time';

/**
 * What the chaos run does when the onboarding API is away (its process killed) or answers that
 * Temporal is (503) or that no worker took an update (504): wait and ask again, as a product
 * backend should. Every such retry is counted by its reason; nothing is given up silently.
 */

/** The reason an API call may succeed later, or undefined when it will not. */
export function transientReason(error: unknown): string | undefined {
  if (error instanceof OnboardingApiUnreachableError) return `api_${error.reason}`;
  if (error instanceof OnboardingApiError) {
    if (error.status === 503 || error.status === 504 || error.status === 429) return error.code;
    if (error.status >= 500) return `http_${error.status}`;
  }
  // A proxy or a dying process may answer something that is not the API's shape.
  if (error instanceof OnboardingApiResponseError && error.status >= 500) {
    return `http_${error.status}`;
  }
  return undefined;
}

export class RetryCounter {
  readonly byReason: Record<string, number> = {};

  count(reason: string): void {
    this.byReason[reason] = (this.byReason[reason] ?? 0) + 1;
  }

  get total(): number {
    return Object.values(this.byReason).reduce((sum, n) => sum + n, 0);
  }
}

export class GaveUp extends Error {
  override readonly name = 'GaveUp';
}

/**
 * Calls `fn` until it succeeds or fails for good; transient failures back off from 250 ms to 3 s
 * (or the API's Retry-After, at most 3 s). After `giveUpMs` of transient failures: GaveUp.
 */
export async function withApiRetry<T>(
  fn: () => Promise<T>,
  counter: RetryCounter,
  giveUpMs = 300_000,
): Promise<T> {
  const deadline = Date.now() + giveUpMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn();
    } catch (error) {
      const reason = transientReason(error);
      if (reason === undefined) throw error;
      if (Date.now() > deadline) {
        throw new GaveUp(`still failing after ${giveUpMs / 1000} s (${reason})`, {
          cause: error,
        });
      }
      counter.count(reason);
      const backoff = Math.min(3_000, 250 * 2 ** Math.min(attempt - 1, 4));
      const told = error instanceof OnboardingApiError ? error.retryAfter : undefined;
      await sleep(told === undefined ? backoff : Math.min(told * 1000, 3_000));
    }
  }
}
