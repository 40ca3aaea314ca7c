import { proxyActivities } from '@temporalio/workflow';
import type { OnboardingActivities } from '../activities';
import type { Timing } from '../contract/onboarding-input';
import { IngoUserIdKey, KycStatusKey } from '../contract/search-attributes';
import type { VerificationStatus, VerificationSubject } from '../contract/verification';
import { ingoActivityOptions } from './activity-options';
import type { KeywordAttribute } from './publish-search-attributes';

/**
 * What a verification review needs of its subject: how to submit it to Ingo and ask where it
 * stands, and how it shows in the search attributes and the UI. The review's waiting, polling and
 * deduplication are the same for every kind; a new kind of subject is a new case here.
 */
export interface ReviewSubject {
  /** Ingo's id of the subject, as its webhooks name it. */
  id: string;
  /** How the Temporal UI's details name the review. */
  title: string;
  /** Sends the subject for verification; Ingo's status after it. */
  submit(statusBefore: VerificationStatus): Promise<VerificationStatus>;
  /** Ingo's answer on the review: the source of truth a webhook is confirmed against. */
  check(): Promise<VerificationStatus>;
  /** The attribute naming the subject, and the one showing its status. */
  idAttribute: KeywordAttribute;
  statusAttribute(status: VerificationStatus): KeywordAttribute;
}

export function reviewSubject(subject: VerificationSubject, timing: Timing): ReviewSubject {
  const { submitKyc, checkKyc } = proxyActivities<OnboardingActivities>(
    ingoActivityOptions(timing),
  );
  switch (subject.kind) {
    case 'person': {
      const { ingoUserId, kyc } = subject;
      return {
        id: ingoUserId,
        title: `KYC review of Ingo user \`${ingoUserId}\``,
        submit: async (statusBefore) =>
          (await submitKyc({ ingoUserId, ...kyc, statusBefore })).kycStatus,
        check: async () => (await checkKyc({ ingoUserId })).kycStatus,
        idAttribute: { key: IngoUserIdKey, value: ingoUserId },
        statusAttribute: (status) => ({ key: KycStatusKey, value: status }),
      };
    }
  }
}
