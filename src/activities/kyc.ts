import { IngoInvalidStateError } from '../ingo';
import type { KycStatus } from '../ingo/kyc-status';
import type { KycData } from '../contract/onboarding-input';
import { activityScope, type ActivityDependencies } from './dependencies';
import { ingoCall } from './failure';

export interface SubmitKycInput extends KycData {
  ingoUserId: string;
  /**
   * Ingo's KYC status of the user before this submission: `not_started`, or `failed` for corrected
   * data. A retried attempt that finds another status knows an earlier attempt's submission landed.
   */
  statusBefore?: KycStatus;
}

export interface KycState {
  kycStatus: KycStatus;
}

export function kycActivities({ banking, logger }: ActivityDependencies) {
  return {
    /**
     * Sends the user for verification. A retry after a lost answer first asks Ingo: a status other
     * than the one before the submission means the earlier attempt landed, and submitting again
     * would start a second review. (Corrected data whose review Ingo already failed again before
     * the retry looks like no submission and is sent twice: the one case a look-up cannot tell.)
     * A review already decided as verified refuses a new submission: that is the answer too.
     */
    async submitKyc({
      ingoUserId,
      ssn,
      dateOfBirth,
      statusBefore = 'not_started',
    }: SubmitKycInput): Promise<KycState> {
      const { signal, log, attempt } = activityScope(logger);
      return ingoCall(async () => {
        if (attempt > 1) {
          const current = await banking.checkVerificationRequest({ user_id: ingoUserId }, signal);
          if (current.kycStatus !== statusBefore) {
            log.info({ ingoUserId, kycStatus: current.kycStatus }, 'kyc submission already landed');
            return { kycStatus: current.kycStatus };
          }
        }
        try {
          const sent = await banking.sendVerificationRequest(
            { user_id: ingoUserId, ssn, date_of_birth: dateOfBirth },
            signal,
          );
          log.info({ ingoUserId }, 'kyc submitted');
          return { kycStatus: sent.kycStatus ?? 'in_review' };
        } catch (error) {
          if (!(error instanceof IngoInvalidStateError)) throw error;
          const current = await banking.checkVerificationRequest({ user_id: ingoUserId }, signal);
          if (current.kycStatus !== 'verified') throw error;
          log.info({ ingoUserId }, 'kyc already verified');
          return { kycStatus: current.kycStatus };
        }
      });
    },

    /** Ingo's answer on the review: the source of truth a webhook is confirmed against. */
    async checkKyc({ ingoUserId }: { ingoUserId: string }): Promise<KycState> {
      const { signal } = activityScope(logger);
      const status = await ingoCall(() =>
        banking.checkVerificationRequest({ user_id: ingoUserId }, signal),
      );
      return { kycStatus: status.kycStatus };
    },
  };
}
