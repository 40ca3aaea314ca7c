import type { OnboardingApiClient } from '../src/api/client';
import { OnboardingApiError } from '../src/api/client-errors';
import type { OnboardingView } from '../src/api/schemas';
import { ONBOARDING_TAG } from '../src/contract/ids';
import type { IngoBankingClient } from '../src/ingo';
import { RetryCounter, withApiRetry } from './api-retry';
import type { PlannedSignup } from './plan';
import type {
  SandboxAdminClient,
  SandboxStats,
  SandboxUser,
  WebhookEvent,
} from '../dev/sandbox/admin-client';
import { eachLimited } from './time';

/**
 * What the assertions judge, gathered once the run is over: each signup's onboarding as the API
 * reports it, and Ingo's side from the sandbox: every user (through the signed Banking API, as the
 * orchestrator itself looks users up), each one's accounts (admin API), every webhook event and
 * its deliveries, and the counters.
 */

export interface IngoUserFact {
  id: string;
  email: string | undefined;
  /** The `onboarding_id` tag, when the user carries one. */
  onboardingId: string | undefined;
}

export interface Facts {
  /** By signup id; absent when the API knows no onboarding for it. */
  views: Map<string, OnboardingView>;
  ingoUsers: IngoUserFact[];
  /** By Ingo user id: accounts as the admin API shows them. */
  sandboxUsers: Map<string, SandboxUser>;
  webhookEvents: WebhookEvent[];
  stats: SandboxStats;
}

export async function gatherFacts(
  api: OnboardingApiClient,
  banking: IngoBankingClient,
  admin: SandboxAdminClient,
  signups: readonly PlannedSignup[],
): Promise<Facts> {
  const retries = new RetryCounter();
  const views = new Map<string, OnboardingView>();
  await eachLimited(signups, 6, async (signup) => {
    try {
      views.set(signup.signupId, await withApiRetry(() => api.get(signup.signupId), retries));
    } catch (error) {
      if (!(error instanceof OnboardingApiError && error.status === 404)) throw error;
    }
  });
  const users = await banking.listAllUsers({});
  const ingoUsers = users.map((user) => ({
    id: user.userId,
    email: user.email,
    onboardingId: user.metaData.find((item) => item.name === ONBOARDING_TAG)?.value,
  }));
  const sandboxUsers = new Map<string, SandboxUser>();
  await eachLimited(ingoUsers, 12, async (user) => {
    sandboxUsers.set(user.id, await admin.user(user.id));
  });
  return {
    views,
    ingoUsers,
    sandboxUsers,
    webhookEvents: await admin.webhooks(),
    stats: await admin.stats(),
  };
}
