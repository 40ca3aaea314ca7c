import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { serveOnLoopback } from '../../dev/testing/in-process-stack';
import pino from 'pino';
import { OnboardingApiClient } from '../../src/api/client';
import {
  createOnboardingApiRouter,
  type OnboardingApiOptions,
} from '../../src/api/onboardings-router';
import type { StartOnboardingBody } from '../../src/api/schemas';
import { errorHandler, notFound } from '../../src/http/errors';
import { FAST, signup, type SignupOptions } from '../onboarding/harness';

/**
 * The onboarding API router on 127.0.0.1:0 in front of a test harness's Temporal, mounted as the
 * app mounts it (router, then the JSON 404, then the shared error handler).
 */

export const API_TOKEN = 'api-test-token-0123456789';

export const silent = pino({ level: 'silent' });

/** Short enough that suites stay fast, as in test/onboarding/end-to-end.test.ts. */
export interface ApiServer {
  url: string;
  /** The typed client, with the right token. */
  client: OnboardingApiClient;
  close(): Promise<void>;
}

export async function startApiServer(
  options: Omit<OnboardingApiOptions, 'token' | 'logger'> & { token?: string },
): Promise<ApiServer> {
  const app = express()
    .use(createOnboardingApiRouter({ token: API_TOKEN, logger: silent, ...options }))
    .use(notFound)
    .use(errorHandler(silent));
  const { url, close } = await serveOnLoopback(app);
  return { url, client: new OnboardingApiClient({ baseUrl: url, token: API_TOKEN }), close };
}

/** A port nothing listens on (bound once, then released). */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The harness's fresh signup, in the API's shape. */
export function apiSignup(options: SignupOptions = {}): StartOnboardingBody {
  const { bankAccount, payouts, ...rest } = signup({ timing: FAST, ...options });
  return { ...rest, externalBankAccount: bankAccount, payoutDestinations: payouts };
}

/** Polls (every 100 ms, HTTP calls are not free) until `check` holds; returns its last value. */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
