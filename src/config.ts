import { z } from 'zod';

/**
 * The one place configuration is read. Every variable is validated here, once, and a bad value
 * stops the process with the variable's name rather than failing later somewhere deep.
 * Defaults point at the local Ingo sandbox; real Ingo is reached by configuration alone.
 */

const SANDBOX_DEFAULTS = {
  hmacUsername: 'sandbox',
  hmacSecret: 'sandbox-secret',
  apiKey: 'sandbox-api-key',
  participantId: 12345,
  webhookSecret: 'sandbox-webhook-secret',
  port: 4010,
};

const rate = z.coerce.number().min(0).max(1);
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((value) => ['true', '1', 'yes'].includes(value));
const url = z.url({ protocol: /^https?$/ }).transform((value) => value.replace(/\/+$/, ''));

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  INGO_BANKING_BASE_URL: url
    .default(`http://127.0.0.1:${SANDBOX_DEFAULTS.port}/api/v4`)
    .refine((value) => value.endsWith('/api/v4'), {
      message: 'must be the Banking Platform base URL ending in /api/v4',
    }),
  INGO_PAY_BASE_URL: url.default(`http://127.0.0.1:${SANDBOX_DEFAULTS.port}`),
  INGO_HMAC_USERNAME: z.string().min(1).default(SANDBOX_DEFAULTS.hmacUsername),
  INGO_HMAC_SECRET: z.string().min(1).default(SANDBOX_DEFAULTS.hmacSecret),
  INGO_API_KEY: z.string().min(1).default(SANDBOX_DEFAULTS.apiKey),
  INGO_PAY_HMAC_USERNAME: z.string().min(1).optional(),
  INGO_PAY_HMAC_SECRET: z.string().min(1).optional(),
  INGO_PARTICIPANT_ID: z.coerce.number().int().positive().default(SANDBOX_DEFAULTS.participantId),
  INGO_WEBHOOK_SECRET: z.string().min(1).default(SANDBOX_DEFAULTS.webhookSecret),
  INGO_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),

  INGO_SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
  INGO_SANDBOX_PORT: z.coerce.number().int().min(0).max(65_535).default(SANDBOX_DEFAULTS.port),
  INGO_SANDBOX_KYC_DELAY_MS: z.coerce.number().int().min(0).default(1000),
  INGO_SANDBOX_WEBHOOK_URL: url.optional(),
  INGO_SANDBOX_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(12),
  INGO_SANDBOX_WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).default(1000),
  INGO_SANDBOX_WEBHOOK_RETRY_MAX_MS: z.coerce.number().int().min(1).default(60_000),
  INGO_SANDBOX_UNIQUE_EMAILS: flag.default(false),
  INGO_SANDBOX_ERROR_RATE: rate.default(0),
  INGO_SANDBOX_LOST_RESPONSE_RATE: rate.default(0),
  INGO_SANDBOX_LATENCY_MS: z.coerce.number().int().min(0).default(0),
  INGO_SANDBOX_DROP_WEBHOOK_RATE: rate.default(0),
  INGO_SANDBOX_DUPLICATE_WEBHOOK_RATE: rate.default(0),
  INGO_SANDBOX_REORDER_WEBHOOKS: flag.default(false),

  // Where Temporal is (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS, API key, profiles) is read by
  // @temporalio/envconfig in src/temporal/connection.ts, the same variables the Temporal CLI reads.
  TEMPORAL_TASK_QUEUE: z.string().trim().min(1).default('onboarding'),
});

/** Sandbox defaults are for local use: production must name its real credentials. */
const REQUIRED_IN_PRODUCTION = [
  'INGO_BANKING_BASE_URL',
  'INGO_PAY_BASE_URL',
  'INGO_HMAC_USERNAME',
  'INGO_HMAC_SECRET',
  'INGO_API_KEY',
  'INGO_PARTICIPANT_ID',
  'INGO_WEBHOOK_SECRET',
] as const;

function build(env: z.output<typeof envSchema>) {
  return {
    env: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    ingo: {
      bankingBaseUrl: env.INGO_BANKING_BASE_URL,
      payBaseUrl: env.INGO_PAY_BASE_URL,
      banking: { username: env.INGO_HMAC_USERNAME, secret: env.INGO_HMAC_SECRET },
      // IngoPay may be provisioned with its own HMAC credentials; by default both APIs share one.
      pay: {
        username: env.INGO_PAY_HMAC_USERNAME ?? env.INGO_HMAC_USERNAME,
        secret: env.INGO_PAY_HMAC_SECRET ?? env.INGO_HMAC_SECRET,
      },
      apiKey: env.INGO_API_KEY,
      participantId: env.INGO_PARTICIPANT_ID,
      webhookSecret: env.INGO_WEBHOOK_SECRET,
      timeoutMs: env.INGO_TIMEOUT_MS,
    },
    sandbox: {
      host: env.INGO_SANDBOX_HOST,
      port: env.INGO_SANDBOX_PORT,
      kycDelayMs: env.INGO_SANDBOX_KYC_DELAY_MS,
      webhookUrl: env.INGO_SANDBOX_WEBHOOK_URL,
      webhookMaxAttempts: env.INGO_SANDBOX_WEBHOOK_MAX_ATTEMPTS,
      webhookRetryBaseMs: env.INGO_SANDBOX_WEBHOOK_RETRY_BASE_MS,
      webhookRetryMaxMs: env.INGO_SANDBOX_WEBHOOK_RETRY_MAX_MS,
      uniqueEmails: env.INGO_SANDBOX_UNIQUE_EMAILS,
      faults: {
        errorRate: env.INGO_SANDBOX_ERROR_RATE,
        lostResponseRate: env.INGO_SANDBOX_LOST_RESPONSE_RATE,
        latencyMs: env.INGO_SANDBOX_LATENCY_MS,
        dropWebhookRate: env.INGO_SANDBOX_DROP_WEBHOOK_RATE,
        duplicateWebhookRate: env.INGO_SANDBOX_DUPLICATE_WEBHOOK_RATE,
        reorderWebhooks: env.INGO_SANDBOX_REORDER_WEBHOOKS,
      },
    },
    temporal: { taskQueue: env.TEMPORAL_TASK_QUEUE },
  };
}

export type Config = ReturnType<typeof build>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly variables: { name: string; problem: string }[]) {
    super(
      'Invalid configuration: ' +
        variables.map((variable) => `${variable.name} ${variable.problem}`).join('; '),
    );
  }
}

/** Parses a given environment; throws ConfigError naming every bad variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "not set", as in most shells' `VAR= command`.
  const present = Object.fromEntries(
    Object.entries(source).filter(([name, value]) => name in envSchema.shape && value !== ''),
  );
  const parsed = envSchema.safeParse(present);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({
        name: String(issue.path[0] ?? '(environment)'),
        problem: issue.message,
      }));
  if (present.NODE_ENV === 'production') {
    for (const name of REQUIRED_IN_PRODUCTION) {
      if (!(name in present)) problems.push({ name, problem: 'is required in production' });
    }
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  return build(parsed.data);
}

let cached: Config | undefined;

/** The process's configuration, read from the environment on first use. */
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}
