import type { TimingRequest } from '../src/contract/onboarding-input';

/**
 * What a chaos run runs with: the faults issue 8 asks for, set on the sandbox at start, and timings
 * short enough that a run of 1,000 onboardings, its outages and its polling fit in minutes.
 */

/** The sandbox's faults, from its environment (docs/SANDBOX.md). It is never restarted. */
export const SANDBOX_FAULTS_ENV = {
  INGO_SANDBOX_ERROR_RATE: '0.1',
  INGO_SANDBOX_LOST_RESPONSE_RATE: '0.05',
  INGO_SANDBOX_DROP_WEBHOOK_RATE: '0.2',
  INGO_SANDBOX_DUPLICATE_WEBHOOK_RATE: '0.2',
  INGO_SANDBOX_REORDER_WEBHOOKS: 'true',
} as const;

/**
 * Quick KYC decisions; webhook retries fast and persistent, so every delivery outlasts the API's
 * and Temporal's outages (40 attempts, at most 5 s apart, last about two and a half minutes).
 */
export const SANDBOX_ENV = {
  INGO_SANDBOX_KYC_DELAY_MS: '300',
  INGO_SANDBOX_WEBHOOK_RETRY_BASE_MS: '300',
  INGO_SANDBOX_WEBHOOK_RETRY_MAX_MS: '5000',
  INGO_SANDBOX_WEBHOOK_MAX_ATTEMPTS: '40',
} as const;

/** The KYC timing the API gives onboardings whose request names none (its ONBOARDING_KYC_*). */
export const KYC_TIMING_ENV = {
  ONBOARDING_KYC_GRACE_PERIOD: '3 seconds',
  ONBOARDING_KYC_POLL_INTERVAL: '2 seconds',
  ONBOARDING_KYC_MAX_POLL_INTERVAL: '10 seconds',
  ONBOARDING_KYC_DEADLINE: '15 minutes',
  ONBOARDING_KYC_RESUBMIT_WINDOW: '60 seconds',
} as const;

/** How long the customer has to send corrected KYC data: ONBOARDING_KYC_RESUBMIT_WINDOW. */
export const RESUBMIT_WINDOW_MS = 60_000;

/**
 * What each start request sets itself: an Ingo call held by a killed worker is retried after
 * 10 s, transient failures back off from 1 s to 5 s.
 */
export const REQUEST_TIMING: TimingRequest = {
  activityTimeout: '10 seconds',
  retryInitialInterval: '1 second',
  retryMaxInterval: '5 seconds',
};

/** The rest of the stack's environment: Ingo calls time out before their activity does. */
export const STACK_ENV = { INGO_TIMEOUT_MS: '5000' } as const;

export function chaosStackEnv(logLevel = 'info'): Record<string, string> {
  return {
    ...SANDBOX_FAULTS_ENV,
    ...SANDBOX_ENV,
    ...KYC_TIMING_ENV,
    ...STACK_ENV,
    LOG_LEVEL: logLevel,
  };
}

/** "200 ms extra latency on some calls": switched on and off in windows during the load. */
export const LATENCY_WINDOW = { latencyMs: 200, onMs: 3_000, offMs: 7_000 } as const;
