import { accountActivities } from './accounts';
import type { ActivityDependencies } from './dependencies';
import { ingoUserActivities } from './ingo-user';
import { kycActivities } from './kyc';
import { onboardingInputActivities } from './onboarding-input';
import { payoutActivities } from './payouts';

export type { ActivityDependencies } from './dependencies';

/** Every activity of the onboarding workflows, bound to its dependencies. */
export function createActivities(dependencies: ActivityDependencies) {
  return {
    ...onboardingInputActivities(),
    ...ingoUserActivities(dependencies),
    ...kycActivities(dependencies),
    ...accountActivities(dependencies),
    ...payoutActivities(dependencies),
  };
}

/** For `proxyActivities<OnboardingActivities>()`: workflows import this type, nothing else. */
export type OnboardingActivities = ReturnType<typeof createActivities>;
