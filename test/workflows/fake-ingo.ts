// An in-memory, scriptable Ingo behind the onboarding's activities, for the fast workflow tests
// (test/workflows): the real workflows run on the time-skipping server with these activities in
// place of the HTTP ones. Each signup owns its user, KYC status, accounts and scripted faults, so
// tests sharing a worker never see each other's calls.

import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { applicantFor, OPTIONAL_STEPS } from '../../dev/testing/signups';
import type { OnboardingActivities } from '../../src/activities';
import { ingoCall, nonIdempotentIngoCall } from '../../src/activities/failure';
import { onboardingInputActivities } from '../../src/activities/onboarding-input';
import { INGO_USER_CONFLICT } from '../../src/contract/failure-types';
import { kycWorkflowId, onboardingWorkflowId, payoutUniqueId } from '../../src/contract/ids';
import type { OnboardingRequest } from '../../src/contract/onboarding-input';
import type { RoutableAccountSummary } from '../../src/contract/onboarding-view';
import type { VerificationEvent } from '../../src/contract/verification';
import type { RoutableAccountAnnouncement } from '../../src/ingo/account-announcement';
import {
  IngoNetworkError,
  IngoRateLimitError,
  IngoServerError,
  IngoValidationError,
} from '../../src/ingo/errors';
import type { KycStatus } from '../../src/ingo/kyc-status';

/** The activities that call Ingo (every one but the input check, which stays real). */
export type IngoActivity = Exclude<keyof OnboardingActivities, 'validateOnboardingInput'>;

/** One activity execution as the fake saw it. */
export interface Call {
  activity: IngoActivity;
  input: unknown;
  /** Temporal's attempt number of the activity (1 unless Temporal retried it). */
  attempt: number;
  /** When the server scheduled this attempt, in the server's (skipped) time. */
  scheduledAt: number;
}

/**
 * What one call does instead of its normal answer:
 * - an Error (an IngoError, or an ApplicationFailure) thrown before anything is done at Ingo, and
 *   converted exactly as the real activity converts it (`ingoCall`, or `nonIdempotentIngoCall`
 *   for the account issue);
 * - `{ afterDoing: error }`: the call is carried out at Ingo, then its answer is lost with `error`;
 * - `'hang'`: no answer at all, until the test ends (the activity's timeout decides);
 * - `{ gate }`: carried out, but answered (or failed with `then`) only once the gate opens.
 */
export type Fault = Error | { afterDoing: Error } | 'hang' | { gate: Gate; then?: Error };

/** Holds a call (already carried out at Ingo) until the test opens it. */
export class Gate {
  private readonly opened: Promise<void>;
  private openIt: () => void = () => undefined;
  private reach: () => void = () => undefined;
  /** Resolves once a call is being held at the gate. */
  readonly reached: Promise<void>;

  constructor() {
    this.opened = new Promise((resolve) => (this.openIt = resolve));
    this.reached = new Promise((resolve) => (this.reach = resolve));
  }

  open(): void {
    this.openIt();
  }

  /** For the fake: waits here until the test opens the gate. */
  pass(): Promise<void> {
    this.reach();
    return this.opened;
  }
}

// --- Ingo's errors, as its clients classify them (src/ingo/errors.ts) -----------------------------

/** A 503: Ingo refused the request before doing anything (retryable). */
export const serviceUnavailable = (operation = 'call') =>
  new IngoServerError({ operation, code: 'SERVICE_UNAVAILABLE', httpStatus: 503 });

/** A 500: retryable for idempotent calls, an unknown outcome for the account issue. */
export const internalError = (operation = 'call') =>
  new IngoServerError({ operation, code: 'INTERNAL_ERROR', httpStatus: 500 });

/** A 429 with `Retry-After` (retryable, after that delay). */
export const rateLimited = (operation = 'call', retryAfterMs = 1_000) =>
  new IngoRateLimitError({ operation, code: 'RATE_LIMITED', httpStatus: 429, retryAfterMs });

/** The request reached Ingo, the answer never came back. */
export const answerLost = (operation = 'call') =>
  new IngoNetworkError({ operation, code: 'TIMEOUT', maybeCommitted: true });

/** Ingo refused the request's data (non-retryable). */
export const validationError = (operation = 'call', fields: string[] = ['email']) =>
  new IngoValidationError({ operation, code: 'VALIDATION_ERROR', httpStatus: 400, fields });

/** ensureIngoUser found somebody else's user with the applicant's email (non-retryable). */
export const userConflict = () =>
  ApplicationFailure.create({
    type: INGO_USER_CONFLICT,
    message: "Ingo already has a user with this email that is not this onboarding's: user-x",
    details: [{ userIds: ['user-x'] }],
  });

// --- One signup's world ---------------------------------------------------------------------------

export interface SignupOptions {
  withBankAccount?: boolean;
  withPayouts?: boolean;
  timing?: OnboardingRequest['timing'];
  /** Ingo's answer to each KYC submission in turn (then `in_review`). */
  submissionAnswers?: KycStatus[];
}

/**
 * Timing for these tests: long KYC waits, so nothing happens on its own while a test reads state
 * in real time; retries quick. The server skips the waits while a test awaits a result or sleeps.
 */
export const TEST_TIMING = {
  kycGracePeriod: '10 minutes',
  kycPollInterval: '1 minute',
  kycMaxPollInterval: '4 minutes',
  kycDeadline: '1 day',
  kycResubmitWindow: '1 day',
  activityTimeout: '10 seconds',
  retryInitialInterval: '100 milliseconds',
  retryMaxInterval: '1 second',
  retryMaxAttempts: 3,
} as const;

export class Signup {
  readonly signupId: string;
  readonly workflowId: string;
  /** The id Ingo gives this signup's user (known up front, to key everything else by). */
  readonly ingoUserId: string;
  /** Workflow id of the user's verification review. */
  readonly reviewId: string;
  readonly request: OnboardingRequest;
  readonly calls: Call[] = [];
  /** Ingo's truth about the user's KYC: what checkKyc answers. */
  kycStatus: KycStatus = 'not_started';
  userCreated = false;
  readonly accounts: RoutableAccountSummary[] = [];
  private readonly submissionAnswers: KycStatus[];
  private readonly faults = new Map<IngoActivity, Fault[]>();
  private events = 0;

  constructor(signupId: string, options: SignupOptions) {
    this.signupId = signupId;
    this.workflowId = onboardingWorkflowId(signupId);
    this.ingoUserId = `user-${signupId}`;
    this.reviewId = kycWorkflowId(this.ingoUserId);
    this.submissionAnswers = [...(options.submissionAnswers ?? [])];
    this.request = {
      signupId,
      applicant: applicantFor(signupId),
      bankAccount: options.withBankAccount ? OPTIONAL_STEPS.bankAccount : undefined,
      payouts: options.withPayouts ? OPTIONAL_STEPS.payouts : undefined,
      timing: { ...TEST_TIMING, ...options.timing },
    };
  }

  /** The next calls of `activity` meet these faults, one each, before answering normally again. */
  fail(activity: IngoActivity, ...faults: Fault[]): this {
    this.faults.set(activity, [...(this.faults.get(activity) ?? []), ...faults]);
    return this;
  }

  callsOf(activity: IngoActivity): Call[] {
    return this.calls.filter((call) => call.activity === activity);
  }

  count(activity: IngoActivity): number {
    return this.callsOf(activity).length;
  }

  /** Ingo decides (or changes) the review: checkKyc answers this from now on. */
  decide(status: KycStatus): void {
    this.kycStatus = status;
  }

  /** A KYC webhook as the receiver forwards it, with a fresh event id unless one is given. */
  kycEvent(
    status: 'verified' | 'failed',
    overrides: Partial<VerificationEvent> = {},
  ): VerificationEvent {
    this.events += 1;
    return {
      eventId: `evt-${this.signupId}-${this.events}`,
      eventType: status === 'verified' ? 'user.kyc.success' : 'user.kyc.failed',
      subjectId: this.ingoUserId,
      status,
      reasons: status === 'failed' ? ['SSN does not match'] : [],
      reasonCodes: status === 'failed' ? ['ID_MISMATCH'] : [],
      ...overrides,
    };
  }

  /** Ingo's `account.issue.created` for an account it issued to this user. */
  announcement(
    account: RoutableAccountSummary,
    overrides: Partial<RoutableAccountAnnouncement> = {},
  ): RoutableAccountAnnouncement {
    this.events += 1;
    return {
      eventId: `evt-${this.signupId}-${this.events}`,
      userId: this.ingoUserId,
      ...account,
      ...overrides,
    };
  }

  /** Runs one call: records it, meets its scripted fault if any, otherwise `work`'s answer. */
  async call<T>(
    activity: IngoActivity,
    input: unknown,
    work: () => T,
    convert: (call: () => Promise<T>) => Promise<T> = ingoCall,
  ): Promise<T> {
    const { attempt, currentAttemptScheduledTimestampMs } = Context.current().info;
    this.calls.push({ activity, input, attempt, scheduledAt: currentAttemptScheduledTimestampMs });
    const fault = this.faults.get(activity)?.shift();
    return convert(async () => {
      if (fault === undefined) return work();
      if (fault === 'hang') return hangForever();
      if (fault instanceof Error) throw fault;
      if ('afterDoing' in fault) {
        work();
        throw fault.afterDoing;
      }
      const result = work();
      await fault.gate.pass();
      if (fault.then) throw fault.then;
      return result;
    });
  }

  /** Ingo's answer to a submission (`in_review` unless scripted). */
  nextSubmissionAnswer(): KycStatus {
    return this.submissionAnswers.shift() ?? 'in_review';
  }

  issueAccount(): RoutableAccountSummary {
    const n = this.accounts.length + 1;
    const account = {
      routableBankAccountId: `ra-${this.signupId}-${n}`,
      routingNumber: '084106768',
      accountNumberLast4: String(1000 + n),
    };
    this.accounts.push(account);
    return account;
  }
}

/** Calls that never answer, released when the suite ends so the worker can shut down. */
const hanging = new Set<() => void>();

function hangForever(): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    const release = () => {
      hanging.delete(release);
      reject(new Error('released by the test'));
    };
    hanging.add(release);
    Context.current().cancellationSignal.addEventListener('abort', release);
  });
}

export function releaseHangingCalls(): void {
  for (const release of [...hanging]) release();
}

// --- The fake Ingo, as the worker's activities ----------------------------------------------------

export class FakeIngo {
  /** Each signup under every id the activities name it by, built with the contract's id helpers. */
  private readonly signups = new Map<string, Signup>();
  private readonly run = randomUUID().slice(0, 8);
  private created = 0;

  /** A fresh signup with its own ids, the request to start it with, and its own Ingo state. */
  signup(options: SignupOptions = {}): Signup {
    this.created += 1;
    const signup = new Signup(`wf-${this.run}-${this.created}`, options);
    for (const id of [
      signup.workflowId,
      signup.ingoUserId,
      payoutUniqueId(signup.workflowId, 'check'),
      payoutUniqueId(signup.workflowId, 'bill-pay'),
    ]) {
      this.signups.set(id, signup);
    }
    return signup;
  }

  /** The signup an onboarding id, Ingo user id or payout unique id belongs to. */
  private find(id: string): Signup {
    const signup = this.signups.get(id);
    if (!signup) throw new Error(`fake Ingo: no signup known by ${id}`);
    return signup;
  }

  /** Implements the same type as `createActivities()`; the input check is the real one. */
  activities(): OnboardingActivities {
    return {
      ...onboardingInputActivities(),

      ensureIngoUser: (input) => {
        const signup = this.find(input.onboardingId);
        return signup.call('ensureIngoUser', input, () => {
          const created = !signup.userCreated;
          signup.userCreated = true;
          return { ingoUserId: signup.ingoUserId, kycStatus: signup.kycStatus, created };
        });
      },

      submitKyc: (input) => {
        const signup = this.find(input.ingoUserId);
        return signup.call('submitKyc', input, () => {
          signup.kycStatus = signup.nextSubmissionAnswer();
          return { kycStatus: signup.kycStatus };
        });
      },

      checkKyc: (input) => {
        const signup = this.find(input.ingoUserId);
        return signup.call('checkKyc', input, () => ({ kycStatus: signup.kycStatus }));
      },

      issueRoutableAccount: (input) => {
        const signup = this.find(input.ingoUserId);
        return signup.call(
          'issueRoutableAccount',
          input,
          () => signup.issueAccount(),
          nonIdempotentIngoCall,
        );
      },

      linkBankAccount: (input) => {
        const signup = this.find(input.ingoUserId);
        return signup.call('linkBankAccount', input, () => ({
          bankAccountId: `ba-${signup.signupId}`,
          routingNumber: input.routingNumber,
          accountNumberLast4: input.accountNumber.slice(-4),
          bankName: 'JPMorgan Chase Bank',
        }));
      },

      tokenizeCheck: (input) => {
        const signup = this.find(input.uniqueId);
        return signup.call('tokenizeCheck', input, () => ({
          customerAccountToken: `tok-check-${signup.signupId}`,
          last4: input.checkByMail.beneficiary.account.slice(-4),
          partialAddressMatch: false,
        }));
      },

      tokenizeBillPay: (input) => {
        const signup = this.find(input.uniqueId);
        return signup.call('tokenizeBillPay', input, () => ({
          customerAccountToken: `tok-bill-${signup.signupId}`,
          last4: input.billPay.account.slice(-4),
          payeeId: 'P-1001',
          billerName: input.billPay.billerName ?? 'Metro Power & Light',
          partialAddressMatch: false,
        }));
      },
    };
  }
}
