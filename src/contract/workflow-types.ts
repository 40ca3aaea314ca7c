import type { OnboardingRequest } from './onboarding-input';
import type { OnboardingResult } from './onboarding-view';
import type { ReviewInput, ReviewOutcome } from './verification';

/**
 * The workflows by name and signature, so clients start and type them without importing workflow
 * code (only the worker and the bundler do). src/workflows implements each under this name.
 */

export const ONBOARDING_WORKFLOW = 'onboarding';
export type OnboardingWorkflow = (request: OnboardingRequest) => Promise<OnboardingResult>;

export const VERIFICATION_REVIEW_WORKFLOW = 'verificationReview';
export type VerificationReviewWorkflow = (input: ReviewInput) => Promise<ReviewOutcome>;
