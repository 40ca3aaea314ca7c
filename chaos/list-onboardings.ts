import type { OnboardingApiClient } from '../src/api/client';
import type { ApiStatus, OnboardingListItem } from '../src/api/schemas';
import { withApiRetry, type RetryCounter } from './api-retry';

/**
 * The onboardings the API lists (`GET /v1/onboardings`, Temporal visibility: a moment behind),
 * every page, each page retried while the API or Temporal is away.
 */

/** Every onboarding with this status (any, when undefined), across pages. */
export async function listAll(
  api: OnboardingApiClient,
  status: ApiStatus | undefined,
  retries: RetryCounter,
): Promise<OnboardingListItem[]> {
  const items: OnboardingListItem[] = [];
  let pageToken: string | undefined;
  do {
    const page = await withApiRetry(
      () => api.list({ ...(status ? { status } : {}), pageSize: 100, pageToken }),
      retries,
    );
    items.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken !== undefined);
  return items;
}
