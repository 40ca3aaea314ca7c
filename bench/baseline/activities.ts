import { Context } from '@temporalio/activity';
import type { KycStatus } from '../../src/ingo/kyc-status';

/**
 * The baseline's activities (benchmark scenario 2): the names and shapes of the onboarding's, doing
 * nothing but say what Ingo would announce by webhook: a submitted KYC review (`user.kyc.success`
 * at KYC delay 0) and an issued account (`account.issue.created`). The driver then sends the
 * signal the webhook receiver would (`verificationResult` to the review, `routableAccountIssued` to
 * the onboarding).
 */

export type Announcement = 'kyc' | 'account';

export interface BaselineActivities {
  ensureIngoUser(input: { onboardingId: string }): Promise<{ ingoUserId: string }>;
  submitKyc(input: { ingoUserId: string }): Promise<{ kycStatus: KycStatus }>;
  checkKyc(input: { ingoUserId: string }): Promise<{ kycStatus: KycStatus }>;
  issueRoutableAccount(input: { ingoUserId: string }): Promise<{
    routableBankAccountId: string;
    routingNumber: string;
    accountNumberLast4: string;
  }>;
}

/** The baseline's Ingo user of an onboarding: from its id alone, so the driver knows it too. */
export function baselineIngoUserId(onboardingId: string): string {
  return `user-${onboardingId}`;
}

export function baselineAccountId(ingoUserId: string): string {
  return `rbac-${ingoUserId}`;
}

/** `announce` is told which workflow Ingo's webhook would concern (the calling one). */
export function createBaselineActivities(
  announce: (kind: Announcement, workflowId: string) => void,
): BaselineActivities {
  const caller = () => {
    const workflowId = Context.current().info.workflowExecution?.workflowId;
    if (workflowId === undefined) throw new Error('a baseline activity runs for a workflow');
    return workflowId;
  };
  return {
    ensureIngoUser: ({ onboardingId }) =>
      Promise.resolve({ ingoUserId: baselineIngoUserId(onboardingId) }),
    submitKyc: () => {
      announce('kyc', caller());
      return Promise.resolve({ kycStatus: 'in_review' });
    },
    checkKyc: () => Promise.resolve({ kycStatus: 'verified' }),
    issueRoutableAccount: ({ ingoUserId }) => {
      announce('account', caller());
      return Promise.resolve({
        routableBankAccountId: baselineAccountId(ingoUserId),
        routingNumber: '021000021',
        accountNumberLast4: '0000',
      });
    },
  };
}
