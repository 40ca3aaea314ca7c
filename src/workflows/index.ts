/** The worker's workflow code (bundled for the Temporal workflow sandbox). */
export { onboarding } from './onboarding';
export { verificationReview } from './verification-review';
