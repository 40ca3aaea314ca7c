import { validationFailure } from '../validation';
import { INVALID_ONBOARDING_INPUT } from '../contract/failure-types';
import {
  onboardingInput,
  type OnboardingInput,
  type OnboardingRequest,
} from '../contract/onboarding-input';

/**
 * The onboarding's input check, run by the workflow as a local activity: zod stays out of the
 * workflow sandbox (src/workflows/lazy-schemas.ts), and the result, recorded in the history,
 * replays without running it again.
 */
export function onboardingInputActivities() {
  return {
    /** The input as the workflow runs it (timing defaults filled in), or a failure naming each bad field. */
    // eslint-disable-next-line @typescript-eslint/require-await -- an activity returns a promise
    async validateOnboardingInput(request: OnboardingRequest): Promise<OnboardingInput> {
      const parsed = onboardingInput.safeParse(request);
      if (!parsed.success) {
        throw validationFailure(INVALID_ONBOARDING_INPUT, 'onboarding input', parsed.error);
      }
      return parsed.data;
    },
  };
}
