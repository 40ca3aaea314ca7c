import { IngoInvalidStateError } from '../ingo';
import type { KycStatus } from '../ingo/schemas/fields';
import type { KycData } from '../workflows/onboarding-input';
import { activityScope, type ActivityDependencies } from './dependencies';
import { ingoCall } from './failure';

export interface SubmitKycInput extends KycData {
  ingoUserId: string;
}

export interface KycState {
  kycStatus: KycStatus;
}

export function kycActivities({ banking, logger }: ActivityDependencies) {
  return {
    /**
     * Sends the user for verification. A retry after a lost answer may find the review already
     * decided as verified (Ingo then refuses a new submission): that is the answer, not an error.
     */
    async submitKyc({ ingoUserId, ssn, dateOfBirth }: SubmitKycInput): Promise<KycState> {
      const { signal, log } = activityScope(logger);
      return ingoCall(async () => {
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
