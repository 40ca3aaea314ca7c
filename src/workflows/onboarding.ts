import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  executeChild,
  isCancellation,
  log,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  TemporalFailure,
  workflowInfo,
} from '@temporalio/workflow';
import type { OnboardingActivities } from '../activities';
import {
  INVALID_KYC_DATA,
  INVALID_ONBOARDING_INPUT,
  KYC_DEADLINE_EXCEEDED,
  NOT_ALLOWED_NOW,
} from '../contract/failure-types';
import {
  bankAccountLinkKey,
  kycWorkflowId,
  onboardingWorkflowId,
  payoutUniqueId,
} from '../contract/ids';
import {
  resubmitKycUpdate,
  retryUpdate,
  reviewStatusChangedSignal,
  routableAccountIssuedSignal,
  statusQuery,
  type ResubmitAccepted,
  type RetryAccepted,
  type RetryRequest,
} from '../contract/messages';
import type { KycData, OnboardingInput, OnboardingRequest } from '../contract/onboarding-input';
import type {
  BillPayToken,
  CheckPayoutToken,
  LinkedAccountSummary,
  OnboardingResult,
  OnboardingStatus,
  OnboardingStatusView,
  OnboardingStep,
  RoutableAccountSummary,
} from '../contract/onboarding-view';
import {
  IngoUserIdKey,
  KycStatusKey,
  OnboardingStatusKey,
  OnboardingStepKey,
} from '../contract/search-attributes';
import type { PersonSubject, ReviewOutcome, ReviewStatusChange } from '../contract/verification';
import type { OnboardingWorkflow } from '../contract/workflow-types';
import { announcementIssues, type RoutableAccountAnnouncement } from '../ingo/account-announcement';
import { KYC_STATUSES } from '../ingo/kyc-status';
import { validationFailure } from '../validation';
import { retryWhileNothingHappened } from './account-issue';
import { ingoActivityOptions, singleAttemptActivityOptions } from './activity-options';
import { onboardingInputSchemas } from './lazy-schemas';
import { onboardingDetails } from './onboarding-details';
import { publishSearchAttributes } from './publish-search-attributes';
import { describeFailure, failedIn } from './step-failure';
import { verificationReview } from './verification-review';

/**
 * One onboarding per signup, as workflow `onboarding-<signupId>`: Ingo user (exactly once), KYC
 * (a verification review, child workflow `kyc-<ingoUserId>`), routable account (at most once),
 * then the optional linked account and payout tokens. A step that keeps failing parks the
 * onboarding in `needs_attention` until an operator retries it or cancels; nothing is lost.
 *
 * Its shape: the state on a class, `setup()` registering every handler, a short `run()` calling
 * one method per step. test/onboarding/replay.test.ts replays committed histories, so a change
 * that would break running onboardings fails there (docs/ARCHITECTURE.md, Versioning).
 */
export const onboarding: OnboardingWorkflow = async (request) => {
  const workflow = new Onboarding();
  workflow.setup();
  return workflow.run(request);
};

class Onboarding {
  private readonly id = workflowInfo().workflowId;
  /** What the `status` query answers; search attributes and current details are drawn from it. */
  private readonly state: OnboardingStatusView = {
    signupId: '', // once the input is checked
    status: 'in_progress',
    step: 'create_user',
    kycStatus: 'not_started',
    attempts: {},
    kycSubmissions: 0,
  };
  /** An operator's `retry`, taken by the parked step. */
  private retryRequested = false;
  /** Corrected KYC data (`resubmitKyc`), taken by the next review. */
  private resubmission?: KycData;
  /** The account Ingo's webhook announced: adopted by `issue_account` instead of issuing one. */
  private announcedAccount?: RoutableAccountSummary;
  private readonly accountEventIds = new Set<string>();
  /** Event ids the user's earlier reviews consumed, handed to the next so duplicates stay ignored. */
  private seenEventIds: string[] = [];
  // Set by checkInput(), before any step runs.
  private input!: OnboardingInput;
  private ingo!: OnboardingActivities;
  private issueRoutableAccount!: OnboardingActivities['issueRoutableAccount'];

  /** Every handler, registered before the input check so queries are answered during it. */
  setup(): void {
    setHandler(statusQuery, () => this.state);
    setHandler(reviewStatusChangedSignal, (change) => this.onReviewStatusChanged(change));
    setHandler(routableAccountIssuedSignal, (event) => this.onAccountAnnounced(event));
    setHandler(retryUpdate, () => this.acceptRetry(), {
      validator: (request: RetryRequest | undefined) => this.validateRetry(request),
    });
    setHandler(resubmitKycUpdate, (data) => this.acceptResubmission(data), {
      validator: (data: KycData) => this.validateResubmission(data),
    });
  }

  async run(request: OnboardingRequest): Promise<OnboardingResult> {
    try {
      const { signupId } = await this.checkInput(request);
      const ingoUserId = await this.createUser();
      const kyc = await this.verifyIdentity(ingoUserId);
      if (kyc.status !== 'verified') {
        return this.finish({
          outcome: 'kyc_failed',
          signupId,
          ingoUserId,
          kycStatus: 'failed',
          reasons: kyc.reasons,
          reasonCodes: kyc.reasonCodes,
        });
      }
      const routableAccount = await this.issueAccount(ingoUserId);
      const linkedBankAccount = await this.linkBankAccount(ingoUserId);
      const payoutTokens = {
        checkByMail: await this.tokenizeCheck(),
        billPay: await this.tokenizeBillPay(),
      };
      return this.finish({
        outcome: 'completed',
        signupId,
        ingoUserId,
        kycStatus: 'verified',
        routableAccount,
        linkedBankAccount,
        payoutTokens,
      });
    } catch (error) {
      if (isCancellation(error)) this.publish('cancelled');
      throw error;
    }
  }

  // --- The steps ----------------------------------------------------------------------------------

  /**
   * The input as the workflow runs it (timing defaults filled in), checked by a local activity so
   * zod never loads in the workflow (lazy-schemas.ts); a bad one fails the workflow naming fields.
   */
  private async checkInput(request: OnboardingRequest): Promise<OnboardingInput> {
    const { validateOnboardingInput } = proxyLocalActivities<OnboardingActivities>({
      startToCloseTimeout: '10 seconds',
    });
    try {
      this.input = await validateOnboardingInput(request);
    } catch (error) {
      // The workflow fails with the check's own failure (type, message, the fields in its details).
      if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure) {
        throw error.cause;
      }
      throw error;
    }
    const { signupId, timing } = this.input;
    if (this.id !== onboardingWorkflowId(signupId)) {
      throw ApplicationFailure.create({
        type: INVALID_ONBOARDING_INPUT,
        message: `an onboarding for signup ${signupId} must run as workflow ${onboardingWorkflowId(signupId)}`,
        nonRetryable: true,
      });
    }
    this.state.signupId = signupId;
    this.ingo = proxyActivities<OnboardingActivities>(ingoActivityOptions(timing));
    ({ issueRoutableAccount: this.issueRoutableAccount } = proxyActivities<OnboardingActivities>(
      singleAttemptActivityOptions(timing),
    ));
    return this.input;
  }

  /** `create_user`: the Ingo user, created or found by this onboarding's tag, exactly once. */
  private async createUser(): Promise<string> {
    const { ingoUserId } = await this.runStep('create_user', () =>
      this.ingo.ensureIngoUser({ onboardingId: this.id, applicant: this.profile() }),
    );
    this.state.ingoUserId = ingoUserId;
    return ingoUserId;
  }

  /** `kyc`: reviews until one is verified, or a failure is final (no corrected data in time). */
  private async verifyIdentity(ingoUserId: string): Promise<ReviewOutcome> {
    const { ssn, dateOfBirth } = this.input.applicant;
    let kyc: KycData = { ssn, dateOfBirth };
    for (;;) {
      const review = await this.review({ kind: 'person', ingoUserId, kyc });
      if (review.status === 'verified') return review;
      const corrected = await this.awaitCorrectedData(review);
      if (corrected === undefined) return review;
      kyc = corrected;
    }
  }

  /** `issue_account`: at most one; an account Ingo announced is adopted instead of issuing another. */
  private async issueAccount(ingoUserId: string): Promise<RoutableAccountSummary> {
    const account = await this.runStep(
      'issue_account',
      async () =>
        this.announcedAccount ??
        (await retryWhileNothingHappened(
          () => this.issueRoutableAccount({ ingoUserId }),
          this.input.timing,
        )),
      () => this.announcedAccount,
    );
    const announcedId = this.announcedAccount?.routableBankAccountId;
    if (announcedId !== undefined && announcedId !== account.routableBankAccountId) {
      log.warn('Ingo announced another routable account than the one issued; kept the issued one', {
        kept: account.routableBankAccountId,
        ignored: announcedId,
      });
    }
    this.state.routableAccount = account;
    return account;
  }

  /** `link_bank_account`, when asked: Ingo deduplicates it by this onboarding's key. */
  private async linkBankAccount(ingoUserId: string): Promise<LinkedAccountSummary | undefined> {
    const { bankAccount, applicant } = this.input;
    if (!bankAccount) return undefined;
    return this.runStep('link_bank_account', () =>
      this.ingo.linkBankAccount({
        ingoUserId,
        idempotentKey: bankAccountLinkKey(this.id),
        firstName: bankAccount.holderFirstName ?? applicant.firstName,
        lastName: bankAccount.holderLastName ?? applicant.lastName,
        accountNumber: bankAccount.accountNumber,
        routingNumber: bankAccount.routingNumber,
      }),
    );
  }

  /** `tokenize_check`, when asked: IngoPay replays the first token for this onboarding's id. */
  private async tokenizeCheck(): Promise<CheckPayoutToken | undefined> {
    const checkByMail = this.input.payouts?.checkByMail;
    if (!checkByMail) return undefined;
    return this.runStep('tokenize_check', () =>
      this.ingo.tokenizeCheck({ uniqueId: payoutUniqueId(this.id, 'check'), checkByMail }),
    );
  }

  /** `tokenize_bill_pay`, when asked: likewise, in the applicant's name. */
  private async tokenizeBillPay(): Promise<BillPayToken | undefined> {
    const billPay = this.input.payouts?.billPay;
    if (!billPay) return undefined;
    return this.runStep('tokenize_bill_pay', () =>
      this.ingo.tokenizeBillPay({
        uniqueId: payoutUniqueId(this.id, 'bill-pay'),
        billPay,
        holder: this.profile(),
      }),
    );
  }

  // --- How a step runs ----------------------------------------------------------------------------

  /**
   * Runs a step until it succeeds, parking in `needs_attention` after each final failure. The park
   * ends with an operator's retry, or as soon as `settled` yields the step's result learned
   * otherwise (Ingo's webhook announcing the account an unanswered call issued).
   */
  private async runStep<T>(
    step: OnboardingStep,
    run: () => Promise<T>,
    settled: () => T | undefined = () => undefined,
  ): Promise<T> {
    for (;;) {
      this.state.step = step;
      this.state.attempts[step] = (this.state.attempts[step] ?? 0) + 1;
      this.publish('in_progress');
      try {
        return await run();
      } catch (error) {
        if (isCancellation(error) || !(error instanceof TemporalFailure)) throw error;
        const lastError = describeFailure(step, error);
        this.state.lastError = lastError;
        if (settled() === undefined) {
          this.publish('needs_attention');
          log.warn('onboarding step needs attention', { step, type: lastError.type });
          await condition(() => this.retryRequested || settled() !== undefined);
          this.retryRequested = false;
        }
        const result = settled();
        if (result !== undefined) {
          log.info('onboarding step settled by Ingo', { step, type: lastError.type });
          return result;
        }
      }
    }
  }

  /**
   * One submission's verification review, as a `kyc` step: an operator's retry after the deadline
   * waits for the same review again (looked up at Ingo), never submits the data twice.
   */
  private async review(subject: PersonSubject): Promise<ReviewOutcome> {
    this.state.kycSubmissions += 1;
    let submit = true;
    const review = await this.runStep('kyc', async () => {
      try {
        const outcome = await executeChild(verificationReview, {
          workflowId: kycWorkflowId(subject.ingoUserId),
          args: [
            {
              subject,
              submit,
              seenEventIds: this.seenEventIds,
              timing: this.input.timing,
              statusBefore: this.state.kycStatus,
            },
          ],
          staticSummary: `KYC review for ${this.id}`,
        });
        submit = false;
        this.recordReview(outcome);
        if (!outcome.decided) {
          throw ApplicationFailure.create({
            type: KYC_DEADLINE_EXCEEDED,
            message: `Ingo did not decide the KYC review in time (still ${outcome.status}); retry to keep waiting`,
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
    this.state.kycStatus = review.status;
    return review;
  }

  private recordReview({ seenEventIds, status, ...summary }: ReviewOutcome): void {
    this.seenEventIds = seenEventIds;
    this.state.kycStatus = status;
    const { decidedBy, polls, signals, duplicateSignals } = summary;
    this.state.lastKycReview = { decidedBy, polls, signals, duplicateSignals };
  }

  /** After a failed review: corrected data sent within the window, or undefined once it closed. */
  private async awaitCorrectedData(review: ReviewOutcome): Promise<KycData | undefined> {
    const window = this.input.timing.kycResubmitWindow;
    this.state.kycReasons = review.reasons;
    this.state.resubmitBy = new Date(Date.now() + window).toISOString();
    this.publish('awaiting_kyc_resubmission');
    await condition(() => this.resubmission !== undefined, window);
    this.state.resubmitBy = undefined;
    const corrected = this.resubmission;
    this.resubmission = undefined;
    return corrected;
  }

  private finish(result: OnboardingResult): OnboardingResult {
    this.state.result = result;
    this.state.step = 'done';
    this.publish(result.outcome);
    return result;
  }

  /** Records the status and shows the state in the search attributes and the UI's details. */
  private publish(status: OnboardingStatus): void {
    this.state.status = status;
    const { step, kycStatus, ingoUserId } = this.state;
    publishSearchAttributes([
      { key: OnboardingStatusKey, value: status },
      { key: OnboardingStepKey, value: step },
      { key: KycStatusKey, value: kycStatus },
      ...(ingoUserId ? [{ key: IngoUserIdKey, value: ingoUserId }] : []),
    ]);
    setCurrentDetails(onboardingDetails(this.state));
  }

  /** The applicant without SSN and date of birth: what Ingo's user and the bill payee get. */
  private profile() {
    const { ssn: _ssn, dateOfBirth: _dateOfBirth, ...profile } = this.input.applicant;
    return profile;
  }

  // --- The handlers -------------------------------------------------------------------------------

  /** Display only (decisions come from the review's result), and never a status Ingo cannot have. */
  private onReviewStatusChanged(change: ReviewStatusChange): void {
    if (change?.subjectId !== this.state.ingoUserId || !KYC_STATUSES.includes(change.status)) {
      return;
    }
    this.state.kycStatus = change.status;
    this.publish(this.state.status);
  }

  /** Adopted without asking Ingo (it offers no look-up): only a well-formed one, for our user. */
  private onAccountAnnounced(event: RoutableAccountAnnouncement): void {
    const malformed = announcementIssues(event);
    if (malformed.length > 0) {
      log.warn('malformed routable account announcement ignored', { fields: malformed });
      return;
    }
    const { eventId, userId, routableBankAccountId, routingNumber, accountNumberLast4 } = event;
    if (this.accountEventIds.has(eventId)) return;
    this.accountEventIds.add(eventId);
    if (userId !== this.state.ingoUserId) {
      log.warn('routable account announced for another Ingo user ignored', { eventId });
      return;
    }
    const known = this.state.routableAccount ?? this.announcedAccount;
    if (known === undefined) {
      this.announcedAccount = { routableBankAccountId, routingNumber, accountNumberLast4 };
    } else if (known.routableBankAccountId !== routableBankAccountId) {
      log.warn('Ingo announced a second routable account for the user; kept the first', {
        eventId,
        kept: known.routableBankAccountId,
        ignored: routableBankAccountId,
      });
    }
  }

  private validateRetry(request: RetryRequest | undefined): void {
    const { status, step } = this.state;
    if (status !== 'needs_attention' || this.retryRequested) {
      throw notAllowedNow(`nothing to retry: the onboarding is ${status}`);
    }
    if (request?.step !== undefined && request.step !== step) {
      throw notAllowedNow(`the step waiting for a retry is ${step}, not ${request.step}`);
    }
  }

  private acceptRetry(): RetryAccepted {
    this.retryRequested = true;
    const { step, attempts } = this.state;
    return { step, attempt: (attempts[step] ?? 0) + 1 };
  }

  private validateResubmission(data: KycData): void {
    if (this.state.status !== 'awaiting_kyc_resubmission' || this.resubmission) {
      throw notAllowedNow(
        `KYC data can be resubmitted only after a failed review, not while the onboarding is ${this.state.status}`,
      );
    }
    const parsed = onboardingInputSchemas().kycData.safeParse(data);
    if (!parsed.success) throw validationFailure(INVALID_KYC_DATA, 'KYC data', parsed.error);
  }

  private acceptResubmission(data: KycData): ResubmitAccepted {
    this.resubmission = onboardingInputSchemas().kycData.parse(data);
    return { submission: this.state.kycSubmissions + 1 };
  }
}

function notAllowedNow(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: NOT_ALLOWED_NOW, message, nonRetryable: true });
}
