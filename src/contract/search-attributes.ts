import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * What operators filter onboardings by in the Temporal UI, e.g.
 * `OnboardingStatus = "needs_attention"`. Search attributes are never encrypted, so only ids and
 * states go here, no personal data. Each must be registered on the namespace before use.
 */
export const OnboardingStatusKey = defineSearchAttributeKey(
  'OnboardingStatus',
  SearchAttributeType.KEYWORD,
);
export const OnboardingStepKey = defineSearchAttributeKey(
  'OnboardingStep',
  SearchAttributeType.KEYWORD,
);
export const IngoUserIdKey = defineSearchAttributeKey('IngoUserId', SearchAttributeType.KEYWORD);
export const KycStatusKey = defineSearchAttributeKey('KycStatus', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [
  OnboardingStatusKey,
  OnboardingStepKey,
  IngoUserIdKey,
  KycStatusKey,
] as const;
