import type { OnboardingApiClient } from '../../src/api/client';
import { OnboardingApiError, OnboardingApiUnreachableError } from '../../src/api/client-errors';
import {
  networkReason,
  SandboxAdminError,
  SandboxUnreachableError,
  type SandboxAdminClient,
} from '../sandbox/admin-client';

/** What the preflight asks of the sandbox's admin API. */
type SandboxProbe = Pick<SandboxAdminClient, 'url' | 'stats'>;

/**
 * Before anything is started: is the stack there, and does it take our token? Each problem is
 * one line naming the URL that failed and what to do, because the usual cause is simply that
 * `npm start` is not running (or runs with other ports or another token).
 */

export class PreflightError extends Error {
  override readonly name = 'PreflightError';
}

const START_FIRST = 'run `npm start` first (with the same ports)';
const READY_TIMEOUT_MS = 10_000;

async function checkApiReady(apiUrl: string, fetchImpl: typeof fetch): Promise<void> {
  const where = `${apiUrl}/readyz`;
  let response: Response;
  try {
    response = await fetchImpl(where, { signal: AbortSignal.timeout(READY_TIMEOUT_MS) });
  } catch (error) {
    throw new PreflightError(
      `cannot reach the onboarding API at ${where} (${networkReason(error)}): ${START_FIRST}`,
    );
  }
  const body = (await response.json().catch(() => undefined)) as
    { error?: { code?: unknown } } | undefined;
  if (response.ok) return;
  const code = typeof body?.error?.code === 'string' ? ` ${body.error.code}` : '';
  throw new PreflightError(
    `the onboarding API at ${where} is not ready (${response.status}${code}): ${START_FIRST}, ` +
      'and wait until it reports the stack ready',
  );
}

async function checkSandbox(sandbox: SandboxProbe): Promise<void> {
  try {
    await sandbox.stats();
  } catch (error) {
    if (error instanceof SandboxUnreachableError) {
      throw new PreflightError(
        `cannot reach the Ingo sandbox at ${error.url} (${error.reason}): ${START_FIRST}`,
      );
    }
    if (error instanceof SandboxAdminError) {
      throw new PreflightError(
        `the Ingo sandbox's admin API at ${sandbox.url('/stats')} does not answer as expected ` +
          `(${error.message}): is INGO_SANDBOX_PORT the stack's?`,
      );
    }
    throw error;
  }
}

/** An authenticated call: /readyz takes no token, so only this says whether ours is right. */
async function checkToken(
  apiUrl: string,
  client: Pick<OnboardingApiClient, 'list'>,
): Promise<void> {
  try {
    await client.list({ pageSize: 1 });
  } catch (error) {
    if (error instanceof OnboardingApiError && error.status === 401) {
      throw new PreflightError(
        `the onboarding API at ${apiUrl} refused the token (401): set ONBOARDING_API_TOKEN ` +
          'to the token the stack runs with',
      );
    }
    if (error instanceof OnboardingApiError && error.status === 429) {
      throw new PreflightError(
        `the onboarding API at ${apiUrl} throttles this address after too many wrong tokens ` +
          '(429): wait a minute, and check ONBOARDING_API_TOKEN',
      );
    }
    if (error instanceof OnboardingApiError) {
      throw new PreflightError(
        `the onboarding API at ${apiUrl} answered ${error.status} ${error.code}: ${error.message}`,
      );
    }
    if (error instanceof OnboardingApiUnreachableError) {
      throw new PreflightError(`${error.message}: ${START_FIRST}`);
    }
    throw error;
  }
}

export async function preflight({
  apiUrl,
  client,
  sandbox,
  fetchImpl = globalThis.fetch,
}: {
  apiUrl: string;
  client: Pick<OnboardingApiClient, 'list'>;
  sandbox: SandboxProbe;
  fetchImpl?: typeof fetch;
}): Promise<void> {
  await checkApiReady(apiUrl, fetchImpl);
  await checkSandbox(sandbox);
  await checkToken(apiUrl, client);
}
