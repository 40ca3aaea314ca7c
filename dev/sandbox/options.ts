import type { Logger } from 'pino';
import { config, type Config } from '../../src/config';
import { logger } from '../../src/logger';
import type { FaultSettings } from './faults';

/**
 * Everything the sandbox needs, explicit so tests can start one with port 0, tiny delays and their
 * own webhook receiver, without touching the environment.
 */
export interface SandboxOptions {
  host: string;
  port: number;
  /** HMAC credentials of the Banking Platform. */
  banking: { username: string; secret: string };
  /** HMAC credentials of the IngoPay gateway (the same as Banking unless provisioned apart). */
  pay: { username: string; secret: string };
  apiKey: string;
  participantId: number;
  webhookSecret: string;
  webhookUrl: string | undefined;
  kycDelayMs: number;
  webhookMaxAttempts: number;
  webhookRetryBaseMs: number;
  webhookRetryMaxMs: number;
  /** How long one webhook delivery may take before it counts as a failed attempt. */
  webhookTimeoutMs: number;
  uniqueEmails: boolean;
  faults: FaultSettings;
  bodyLimitBytes: number;
  now: () => Date;
  logger: Logger;
}

export type SandboxOverrides = Partial<Omit<SandboxOptions, 'faults'>> & {
  faults?: Partial<FaultSettings>;
};

/** The configured sandbox (src/config.ts), with any overrides on top. */
export function sandboxOptions(
  overrides: SandboxOverrides = {},
  from: Config = config(),
): SandboxOptions {
  const { sandbox, ingo } = from;
  return {
    host: sandbox.host,
    port: sandbox.port,
    banking: ingo.banking,
    pay: ingo.pay,
    apiKey: ingo.apiKey,
    participantId: ingo.participantId,
    webhookSecret: ingo.webhookSecret,
    webhookUrl: sandbox.webhookUrl,
    kycDelayMs: sandbox.kycDelayMs,
    webhookMaxAttempts: sandbox.webhookMaxAttempts,
    webhookRetryBaseMs: sandbox.webhookRetryBaseMs,
    webhookRetryMaxMs: sandbox.webhookRetryMaxMs,
    webhookTimeoutMs: 5_000,
    uniqueEmails: sandbox.uniqueEmails,
    bodyLimitBytes: 1024 * 1024,
    now: () => new Date(),
    logger: logger.child({ component: 'sandbox' }),
    ...overrides,
    faults: { ...sandbox.faults, rateLimitRate: 0, paths: null, ...overrides.faults },
  };
}
