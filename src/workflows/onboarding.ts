import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  condition,
  executeChild,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  TemporalFailure,
  TimeoutFailure,
  workflowInfo,
} from '@temporalio/workflow';
import type { OnboardingActivities } from '../activities';
import { RETRYABLE_INGO_ERRORS } from '../ingo/errors';
import { KYC_STATUSES } from '../ingo/kyc-status';
import { ACCOUNT_ISSUED_EVENT_TYPE } from '../ingo/webhook-event-types';
import { announcementIssues } from '../ingo/account-announcement';
import { validationFailure } from '../validation';
import { ingoActivityOptions, singleAttemptActivityOptions } from './activity-options';
import {
  INGO_OUTCOME_UNKNOWN,
  INVALID_KYC_DATA,
  INVALID_ONBOARDING_INPUT,
  KYC_DEADLINE_EXCEEDED,
  NOT_ALLOWED_NOW,
} from '../contract/failure-types';
import { bankAccountLinkKey, kycWorkflowId, onboardingWorkflowId, payoutUniqueId } from '../contract/ids';
import { kycReview, type KycOutcome } from './kyc-review';
import { onboardingInputSchemas } from './lazy-schemas';
import {
  kycStatusChangedSignal,
  resubmitKycUpdate,
  retryUpdate,
  routableAccountIssuedSignal,
  statusQuery,
  type OnboardingResult,
  type OnboardingStatus,
  type OnboardingStatusView,
  type OnboardingStep,
  type RetryRequest,
  type RoutableAccountSummary,
  type StepError,
} from '../contract/messages';
import type { KycData, OnboardingInput, OnboardingRequest, Timing } from '../contract/onboarding-input';
import { ADOPT_ANNOUNCED_ACCOUNT, LIGHTER_WORKFLOWS } from './patches';
import { searchAttributePublisher } from './publish-search-attributes';
import {
  IngoUserIdKey,
  KycStatusKey,
  OnboardingStatusKey,
  OnboardingStepKey,
} from '../contract/search-attributes';

/**
 * One onboarding per signup, as workflow `onboarding-<signupId>`: Ingo user (exactly once), KYC
 * (child workflow), routable account (at most once), then the optional linked account and payout
 * tokens. A step that keeps failing parks the onboarding in `needs_attention` until an operator
 * retries it or cancels; nothing is lost meanwhile.
 *
 * Released code: change it only behind `patched()`; test/onboarding/replay.test.ts replays the
 * committed histories to catch a change that would break running onboardings.
 */
export async function onboarding(request: OnboardingRequest): Promise<OnboardingResult> {
  const onboardingId = workflowInfo().workflowId;
  const lighter = patched(LIGHTER_WORKFLOWS);
  const publishSearchAttributes = searchAttributePublisher(lighter);
  const state: OnboardingStatusView = {
    signupId: '', // once the input is checked
    status: 'in_progress',
    step: 'create_user',
    kycStatus: 'not_started',
    attempts: {},
    kycSubmissions: 0,
  };
  let retryRequested = false;
  let resubmission: KycData | undefined;
  /** The account Ingo's webhook announced: adopted by `issue_account` instead of issuing one. */
  let announcedAccount: RoutableAccountSummary | undefined;
  const accountEventIds = new Set<string>();

  const publish = () => {
    publishSearchAttributes([
      { key: OnboardingStatusKey, value: state.status },
      { key: OnboardingStepKey, value: state.step },
      { key: KycStatusKey, value: state.kycStatus },
      ...(state.ingoUserId ? [{ key: IngoUserIdKey, value: state.ingoUserId }] : []),
    ]);
    setCurrentDetails(details(state));
  };
  const refuse = (message: string) =>
    ApplicationFailure.create({ type: NOT_ALLOWED_NOW, message, nonRetryable: true });

  setHandler(statusQuery, () => state);
  setHandler(kycStatusChangedSignal, (kycStatus) => {
    // Display only (decisions come from the review's result), but never a value Ingo cannot have.
    if (!KYC_STATUSES.includes(kycStatus)) return;
    state.kycStatus = kycStatus;
    publish();
  });
  setHandler(routableAccountIssuedSignal, (event) => {
    // A signal that reached a worker without this handler (receiver deployed first) changed
    // nothing then, so it must change nothing when that history is replayed.
    if (!patched(ADOPT_ANNOUNCED_ACCOUNT)) return;
    // Adopted without asking Ingo (it offers no look-up): only a well-formed one, for our user.
    const malformed = announcementIssues(event);
    if (malformed.length > 0) {
      log.warn('malformed routable account announcement ignored', { fields: malformed });
      return;
    }
    const { eventId, userId, routableBankAccountId, routingNumber, accountNumberLast4 } = event;
    const account = { routableBankAccountId, routingNumber, accountNumberLast4 };
    if (accountEventIds.has(eventId)) return;
    accountEventIds.add(eventId);
    if (userId !== state.ingoUserId) {
      log.warn('routable account announced for another Ingo user ignored', { eventId });
      return;
    }
    const known = state.routableAccount ?? announcedAccount;
    if (known === undefined) {
      announcedAccount = account;
    } else if (known.routableBankAccountId !== account.routableBankAccountId) {
      log.warn('Ingo announced a second routable account for the user; kept the first', {
        eventId,
        kept: known.routableBankAccountId,
        ignored: account.routableBankAccountId,
      });
    }
  });
  setHandler(
    retryUpdate,
    () => {
      retryRequested = true;
      return { step: state.step, attempt: (state.attempts[state.step] ?? 0) + 1 };
    },
    {
      validator: (request: RetryRequest | undefined) => {
        if (state.status !== 'needs_attention' || retryRequested) {
          throw refuse(`nothing to retry: the onboarding is ${state.status}`);
        }
        if (request?.step !== undefined && request.step !== state.step) {
          throw refuse(`the step waiting for a retry is ${state.step}, not ${request.step}`);
        }
      },
    },
  );
  setHandler(
    resubmitKycUpdate,
    (data) => {
      resubmission = onboardingInputSchemas().kycData.parse(data);
      return { submission: state.kycSubmissions + 1 };
    },
    {
      validator: (data) => {
        if (state.status !== 'awaiting_kyc_resubmission' || resubmission) {
          throw refuse(
            `KYC data can be resubmitted only after a failed review, not while the onboarding is ${state.status}`,
          );
        }
        const parsed = onboardingInputSchemas().kycData.safeParse(data);
        if (!parsed.success) throw validationFailure(INVALID_KYC_DATA, 'KYC data', parsed.error);
      },
    },
  );

  // After the handlers: queries and messages are answered while the input is being checked.
  const input = await validate(request, lighter);
  state.signupId = input.signupId;
  const { timing, applicant } = input;
  const activities = proxyActivities<OnboardingActivities>(ingoActivityOptions(timing));
  const { issueRoutableAccount } = proxyActivities<OnboardingActivities>(
    singleAttemptActivityOptions(timing),
  );

  /**
   * Runs a step until it succeeds, parking in `needs_attention` after each final failure. The park
   * ends with an operator's retry, or as soon as `settled` yields the step's result learned
   * otherwise (Ingo's webhook announcing the account an unanswered call issued).
   */
  async function runStep<T>(
    step: OnboardingStep,
    run: () => Promise<T>,
    settled: () => T | undefined = () => undefined,
  ): Promise<T> {
    for (;;) {
      state.step = step;
      state.attempts[step] = (state.attempts[step] ?? 0) + 1;
      state.status = 'in_progress';
      publish();
      try {
        return await run();
      } catch (error) {
        if (isCancellation(error) || !(error instanceof TemporalFailure)) throw error;
        state.lastError = describeFailure(step, error);
        if (settled() === undefined) {
          state.status = 'needs_attention';
          publish();
          log.warn('onboarding step needs attention', { step, type: state.lastError.type });
          await condition(() => retryRequested || settled() !== undefined);
          retryRequested = false;
        }
        const result = settled();
        if (result !== undefined) {
          log.info('onboarding step settled by Ingo', { step, type: state.lastError.type });
          return result;
        }
      }
    }
  }

  /** KYC reviews until one is verified, or a failure is final (no corrected data in time). */
  async function verifyIdentity(ingoUserId: string): Promise<KycOutcome> {
    let kyc: KycData = { ssn: applicant.ssn, dateOfBirth: applicant.dateOfBirth };
    let submit = true;
    let seenEventIds: string[] = [];
    for (;;) {
      if (submit) state.kycSubmissions += 1;
      const review = await runStep('kyc', async () => {
        try {
          const outcome = await executeChild(kycReview, {
            workflowId: kycWorkflowId(ingoUserId),
            args: [
              { ingoUserId, kyc, submit, seenEventIds, timing, statusBefore: state.kycStatus },
            ],
            staticSummary: `KYC review for ${onboardingId}`,
          });
          submit = false;
          seenEventIds = outcome.seenEventIds;
          state.kycStatus = outcome.kycStatus;
          const { decidedBy, polls, signals, duplicateSignals } = outcome;
          state.lastKycReview = { decidedBy, polls, signals, duplicateSignals };
          if (!outcome.decided) {
            throw ApplicationFailure.create({
              type: KYC_DEADLINE_EXCEEDED,
              message: `Ingo did not decide the KYC review in time (still ${outcome.kycStatus}); retry to keep waiting`,
              nonRetryable: true,
            });
          }
          return outcome;
        } catch (error) {
          // Unless the submission itself failed, the review exists: a retry waits for it.
          if (!failedIn(error, 'submitKyc')) submit = false;
          throw error;
        }
      });
      state.kycStatus = review.kycStatus;
      if (review.kycStatus === 'verified') return review;

      state.kycReasons = review.reasons;
      state.status = 'awaiting_kyc_resubmission';
      state.resubmitBy = new Date(Date.now() + timing.kycResubmitWindow).toISOString();
      publish();
      const corrected = await condition(() => resubmission !== undefined, timing.kycResubmitWindow);
      state.resubmitBy = undefined;
      if (!corrected) return review;
      kyc = resubmission!;
      resubmission = undefined;
      submit = true;
    }
  }

  const finish = (result: OnboardingResult): OnboardingResult => {
    state.result = result;
    state.step = 'done';
    state.status = result.outcome;
    publish();
    return result;
  };

  try {
    const { ssn: _ssn, dateOfBirth: _dateOfBirth, ...profile } = applicant;
    const user = await runStep('create_user', () =>
      activities.ensureIngoUser({ onboardingId, applicant: profile }),
    );
    const ingoUserId = user.ingoUserId;
    state.ingoUserId = ingoUserId;

    const kyc = await verifyIdentity(ingoUserId);
    if (kyc.kycStatus !== 'verified') {
      return finish({
        outcome: 'kyc_failed',
        signupId: input.signupId,
        ingoUserId,
        kycStatus: 'failed',
        reasons: kyc.reasons,
        reasonCodes: kyc.reasonCodes,
      });
    }

    // An account already announced is adopted, so a retry after the webhook never issues another.
    const routableAccount = await runStep(
      'issue_account',
      async () =>
        announcedAccount ??
        (await retryWhileNothingHappened(() => issueRoutableAccount({ ingoUserId }), timing)),
      () => announcedAccount,
    );
    const announcedId = announcedAccount?.routableBankAccountId;
    if (announcedId !== undefined && announcedId !== routableAccount.routableBankAccountId) {
      log.warn('Ingo announced another routable account than the one issued; kept the issued one', {
        kept: routableAccount.routableBankAccountId,
        ignored: announcedId,
      });
    }
    state.routableAccount = routableAccount;

    const { bankAccount, payouts } = input;
    const linkedBankAccount =
      bankAccount &&
      (await runStep('link_bank_account', () =>
        activities.linkBankAccount({
          ingoUserId,
          idempotentKey: bankAccountLinkKey(onboardingId),
          firstName: bankAccount.holderFirstName ?? applicant.firstName,
          lastName: bankAccount.holderLastName ?? applicant.lastName,
          accountNumber: bankAccount.accountNumber,
          routingNumber: bankAccount.routingNumber,
        }),
      ));
    const checkByMail =
      payouts?.checkByMail &&
      (await runStep('tokenize_check', () =>
        activities.tokenizeCheck({
          uniqueId: payoutUniqueId(onboardingId, 'check'),
          checkByMail: payouts.checkByMail!,
        }),
      ));
    const billPay =
      payouts?.billPay &&
      (await runStep('tokenize_bill_pay', () =>
        activities.tokenizeBillPay({
          uniqueId: payoutUniqueId(onboardingId, 'bill-pay'),
          billPay: payouts.billPay!,
          holder: profile,
        }),
      ));

    return finish({
      outcome: 'completed',
      signupId: input.signupId,
      ingoUserId,
      kycStatus: 'verified',
      routableAccount,
      linkedBankAccount,
      payoutTokens: { checkByMail, billPay },
    });
  } catch (error) {
    if (isCancellation(error)) {
      state.status = 'cancelled';
      publish();
    }
    throw error;
  }
}

/**
 * The input as the workflow runs it (timing defaults filled in), or a non-retryable failure naming
 * every bad field. Checked by a local activity, so zod never loads in the workflow
 * (lazy-schemas.ts); onboardings started before that (`LIGHTER_WORKFLOWS`) replay their check here.
 */
async function validate(request: OnboardingRequest, inActivity: boolean): Promise<OnboardingInput> {
  let input: OnboardingInput;
  if (inActivity) {
    const { validateOnboardingInput } = proxyLocalActivities<OnboardingActivities>({
      startToCloseTimeout: '10 seconds',
    });
    try {
      input = await validateOnboardingInput(request);
    } catch (error) {
      // The workflow fails with the check's own failure (type, message, the fields in its details).
      if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure) {
        throw error.cause;
      }
      throw error;
    }
  } else {
    const parsed = onboardingInputSchemas().onboardingInput.safeParse(request);
    if (!parsed.success) {
      throw validationFailure(INVALID_ONBOARDING_INPUT, 'onboarding input', parsed.error);
    }
    input = parsed.data;
  }
  const expectedId = onboardingWorkflowId(input.signupId);
  if (workflowInfo().workflowId !== expectedId) {
    throw ApplicationFailure.create({
      type: INVALID_ONBOARDING_INPUT,
      message: `an onboarding for signup ${input.signupId} must run as workflow ${expectedId}`,
      nonRetryable: true,
    });
  }
  return input;
}

/** What an unknown outcome of the account issue waits for, as the operator reads it. */
const AWAITING_ANNOUNCEMENT =
  `Waiting for Ingo's ${ACCOUNT_ISSUED_EVENT_TYPE} webhook, which settles this step with the ` +
  'account, or for an operator.';

/** An unknown outcome of the account issue; the step waits for the webhook or an operator. */
function outcomeUnknown(what: string, details?: unknown[]): ApplicationFailure {
  return ApplicationFailure.create({
    type: INGO_OUTCOME_UNKNOWN,
    message: `${what} ${AWAITING_ANNOUNCEMENT}`,
    details,
    nonRetryable: true,
  });
}

/**
 * Retries the account issue, which Ingo does not deduplicate, only when the failure proves nothing
 * was done (the Ingo client's retryable classes: a 503, a rate limit, a connection never made). A
 * timeout means the worker lost track of a call that may have been carried out: like the
 * activity's own unknown outcome (a lost answer, a 500), it is left to the webhook or an operator.
 */
async function retryWhileNothingHappened<T>(call: () => Promise<T>, timing: Timing): Promise<T> {
  let delay = timing.retryInitialInterval;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const cause = error instanceof ActivityFailure ? error.cause : undefined;
      if (cause instanceof TimeoutFailure) {
        throw outcomeUnknown(
          `${(error as ActivityFailure).activityType} did not finish (${cause.timeoutType}): ` +
            'the call may have been carried out at Ingo. Check at Ingo before retrying this step.',
        );
      }
      if (cause instanceof ApplicationFailure && cause.type === INGO_OUTCOME_UNKNOWN) {
        throw outcomeUnknown(cause.message, cause.details ?? undefined);
      }
      const harmless =
        cause instanceof ApplicationFailure && RETRYABLE_INGO_ERRORS.includes(cause.type ?? '');
      if (!harmless || attempt >= timing.retryMaxAttempts) throw error;
      await sleep(cause.nextRetryDelay ?? delay);
      delay = Math.min(delay * 2, timing.retryMaxInterval);
    }
  }
}

/** Whether a child's failure came from the named activity. */
function failedIn(error: unknown, activityType: string): boolean {
  const cause = error instanceof ChildWorkflowFailure ? error.cause : undefined;
  return cause instanceof ActivityFailure && cause.activityType === activityType;
}

/** The innermost failure of a step, as an operator reads it. */
function describeFailure(step: OnboardingStep, error: TemporalFailure): StepError {
  let cause: Error = error;
  while (
    (cause instanceof ActivityFailure || cause instanceof ChildWorkflowFailure) &&
    cause.cause
  ) {
    cause = cause.cause;
  }
  const at = new Date().toISOString();
  if (cause instanceof ApplicationFailure) {
    const detail = (cause.details?.[0] ?? {}) as { code?: unknown; fields?: unknown };
    return {
      step,
      type: cause.type ?? 'Error',
      message: cause.message,
      code: typeof detail.code === 'string' ? detail.code : undefined,
      fields: Array.isArray(detail.fields) ? detail.fields.map(String) : undefined,
      at,
    };
  }
  if (cause instanceof TimeoutFailure) {
    return { step, type: 'Timeout', message: `timed out (${cause.timeoutType})`, at };
  }
  return { step, type: cause.name, message: cause.message, at };
}

const STATUS_TEXT: Record<OnboardingStatus, string> = {
  in_progress: 'in progress',
  awaiting_kyc_resubmission: 'KYC failed: waiting for corrected data (`resubmitKyc` update)',
  needs_attention: 'needs attention: fix the cause, then send the `retry` update, or cancel',
  completed: 'completed',
  kyc_failed: 'ended: KYC failed',
  cancelled: 'cancelled',
};

/** Markdown for the Temporal UI's "current details": what an operator needs at a glance. */
function details(state: OnboardingStatusView): string {
  const lines = [
    `**Onboarding ${STATUS_TEXT[state.status]}**`,
    `Step: \`${state.step}\` (run ${state.attempts[state.step] ?? 0})`,
    `Ingo user: ${state.ingoUserId ? `\`${state.ingoUserId}\`` : 'not created yet'}; KYC: ${state.kycStatus}`,
  ];
  if (state.resubmitBy) lines.push(`Resubmission window closes ${state.resubmitBy}`);
  if (state.status === 'needs_attention' && state.lastError) {
    lines.push(`Last error (${state.lastError.type}): ${state.lastError.message}`);
  }
  return lines.join('\n\n');
}
