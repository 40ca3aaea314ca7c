import type { KycStatus } from '../ingo/kyc-status';
import type { KycData, Timing } from './onboarding-input';

/**
 * One verification review (workflow `verificationReview`) verifies one subject at Ingo: a person
 * (KYC, `kyc-<ingoUserId>`) or, with business onboarding, a business (KYB). The review submits,
 * waits for Ingo's webhook (signal `verificationResult`), polls when none comes, and reports the
 * status Ingo's API confirms. A new kind of subject adds a case here and its calls in
 * src/workflows/review-subjects.ts; the waiting, polling and deduplication are the same for all.
 */

/** A person: an Ingo user and the data their KYC submission sends (SSN, date of birth). */
export interface PersonSubject {
  kind: 'person';
  ingoUserId: string;
  kyc: KycData;
}

export type VerificationSubject = PersonSubject;

/** Ingo's verification status of a subject (the webhook's `rejected` is read as `failed`). */
export type VerificationStatus = KycStatus;

/** How a decision was learned: the webhook, a poll, or the submission's own answer. */
export type DecisionSource = 'webhook' | 'poll' | 'submission';

/** Ingo's verification webhook as the receiver forwards it: a wake-up, not the truth. */
export interface VerificationEvent {
  eventId: string;
  eventType: string;
  /** Ingo's id of the subject the event is about (`user-…`). */
  subjectId: string;
  status: VerificationStatus;
  reasons: string[];
  reasonCodes: string[];
}

export interface ReviewInput {
  subject: VerificationSubject;
  /**
   * False when an earlier review of this subject already submitted this data (an operator retry
   * after the deadline): the review is then looked up and waited for, not restarted.
   */
  submit: boolean;
  /** Event ids earlier reviews of this subject consumed, so their late duplicates change nothing. */
  seenEventIds: string[];
  timing: Timing;
  /** Ingo's status of the subject before this submission (`failed` for corrected data). */
  statusBefore?: VerificationStatus;
}

export interface ReviewOutcome {
  status: VerificationStatus;
  /** False when the deadline passed with the review still open. */
  decided: boolean;
  decidedBy?: DecisionSource;
  reasons: string[];
  reasonCodes: string[];
  seenEventIds: string[];
  polls: number;
  signals: number;
  duplicateSignals: number;
}

/** What a review reports on its `reviewProgress` query. */
export interface ReviewProgress {
  subjectId: string;
  status: VerificationStatus;
  polls: number;
  signals: number;
  duplicateSignals: number;
  deadline: string;
}

/** From a review to its parent, whenever Ingo's answer on the review changes. */
export interface ReviewStatusChange {
  subjectId: string;
  status: VerificationStatus;
}
