import type { OnboardingStatus, OnboardingStatusView } from '../contract/onboarding-view';

const STATUS_TEXT: Record<OnboardingStatus, string> = {
  in_progress: 'in progress',
  awaiting_kyc_resubmission: 'KYC failed: waiting for corrected data (`resubmitKyc` update)',
  needs_attention: 'needs attention: fix the cause, then send the `retry` update, or cancel',
  completed: 'completed',
  kyc_failed: 'ended: KYC failed',
  cancelled: 'cancelled',
};

/** Markdown for the Temporal UI's "current details": what an operator needs at a glance. */
export function onboardingDetails(state: OnboardingStatusView): string {
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
