import type * as OnboardingInputSchemas from '../contract/onboarding-input';

/**
 * The onboarding's zod schemas, loaded only on the path that needs them: corrected KYC data (an
 * update's validator cannot run an activity; the input itself is checked by the local activity
 * `validateOnboardingInput`). Every workflow evaluates the modules it loads for itself, and zod
 * with our schemas is about 3 MB and tens of milliseconds each time: loaded by every workflow, it
 * was most of what a cached workflow held (docs/BENCHMARKS.md, scenario 5). The lint rule for `src/workflows` keeps
 * every other value import of zod or a schema module out of workflow code.
 */
export function onboardingInputSchemas(): typeof OnboardingInputSchemas {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazily, on purpose (above)
  return require('../contract/onboarding-input') as typeof OnboardingInputSchemas;
}
