/**
 * The library entry for product backends that prefer a typed client to raw HTTP: the client,
 * its errors, and the API's schemas and body types.
 */
export {
  OnboardingApiClient,
  type ListOptions,
  type OnboardingApiClientOptions,
  type StartResult,
} from './client';
export {
  OnboardingApiError,
  OnboardingApiResponseError,
  OnboardingApiUnreachableError,
} from './client-errors';
export * from './schemas';
export type { FieldIssue } from '../validation';
