import { z } from 'zod';
import { duration, timingSchema } from './contract/onboarding-input';

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
const port = z.coerce.number().int().min(0).max(65_535);
const secretToken = z.string().min(12, 'must be at least 12 characters');
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * `id:base64key` pairs separated by commas; every key 32 random bytes (AES-256). Old keys stay
 * listed after a rotation so histories written under them can still be decoded.
 */
const encryptionKeys = z.string().transform((value, ctx) => {
  const keys: { id: string; key: Buffer }[] = [];
  for (const [index, entry] of value.split(',').entries()) {
    const [id = '', material = '', ...rest] = entry.trim().split(':');
    const key = Buffer.from(material, 'base64');
    const problem = !KEY_ID.test(id)
      ? 'needs an id of letters, digits, ".", "_" or "-" before the ":"'
      : rest.length > 0 || key.length !== 32
        ? 'needs a base64 key of exactly 32 bytes after the ":"'
        : keys.some((known) => known.id === id)
          ? `repeats the key id ${id}`
          : undefined;
    if (problem) {
      // The entry's position, never its content: it is secret.
      ctx.addIssue({ code: 'custom', message: `entry ${index + 1} ${problem}` });
      return z.NEVER;
    }
    keys.push({ id, key });
  }
  return keys;
});

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  /** Unset: the local sandbox (INGO_SANDBOX_PORT); set both to reach Ingo. */
  INGO_BANKING_BASE_URL: url
    .refine((value) => value.endsWith('/api/v4'), {
      message: 'must be the Banking Platform base URL ending in /api/v4',
    })
    .optional(),
  INGO_PAY_BASE_URL: url.optional(),
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
  /** How long the API and the webhook receiver wait for Temporal before answering 503. */
  TEMPORAL_RPC_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),

  ONBOARDING_API_HOST: z.string().min(1).default('127.0.0.1'),
  ONBOARDING_API_PORT: port.default(3000),
  ONBOARDING_API_TOKEN: z.string().min(1).default('local-dev-token'),
  /** Where the CLI and the demo find the API; unset: this machine's ONBOARDING_API_PORT. */
  ONBOARDING_API_URL: url.optional(),
  /**
   * Timing of the onboardings the API starts, where a request names none: production-sized by
   * default (onboarding-input.ts); `npm start` shortens them (local.env) so every path shows soon.
   */
  ONBOARDING_KYC_GRACE_PERIOD: duration.optional(),
  ONBOARDING_KYC_POLL_INTERVAL: duration.optional(),
  ONBOARDING_KYC_MAX_POLL_INTERVAL: duration.optional(),
  ONBOARDING_KYC_DEADLINE: duration.optional(),
  ONBOARDING_KYC_RESUBMIT_WINDOW: duration.optional(),
  /** Rejected requests (bad signature, bad token, bad body) one client address may make a minute. */
  REJECTED_REQUESTS_PER_MINUTE: z.coerce.number().int().positive().default(60),
  /** Express's `trust proxy`: set it behind a load balancer, so limits apply per real client. */
  TRUST_PROXY: z.string().min(1).optional(),

  PAYLOAD_ENCRYPTION_KEYS: encryptionKeys.optional(),
  PAYLOAD_ENCRYPTION_CURRENT_KEY: z.string().regex(KEY_ID).optional(),
  /** Local state: the generated development encryption key lives here. */
  DATA_DIR: z.string().min(1).default('.data'),

  /**
   * Worker tuning (docs/BENCHMARKS.md says how these were measured); unset: the SDK's defaults,
   * except the cache. Each cached onboarding or KYC review holds its own instance of the workflow
   * bundle's modules: with 500 parked onboardings a cache of 500 held the worker near 0.5 GB, and
   * the SDK's default (2,310 on a 4 GB heap) grows towards its heap. 50 costs a replay when a task
   * finds its workflow evicted (CPU, and throughput when many more than 50 are in flight: raise it
   * then, and the worker's heap with it: src/temporal/worker-heap.ts).
   */
  TEMPORAL_WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(50),
  TEMPORAL_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(2).optional(),
  TEMPORAL_WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).optional(),
  TEMPORAL_WORKER_WORKFLOW_TASK_POLLERS: z.coerce.number().int().min(2).optional(),
  TEMPORAL_WORKER_ACTIVITY_TASK_POLLERS: z.coerce.number().int().min(1).optional(),

  /** The dev server `npm start` and `npm run temporal` run (not used when TEMPORAL_ADDRESS is set). */
  TEMPORAL_DEV_SERVER_PORT: port.default(7233),
  TEMPORAL_DEV_SERVER_UI_PORT: port.default(8233),
  /** Where people open the Temporal Web UI of a cluster (banner, demo links); unset: the dev server's. */
  TEMPORAL_UI_URL: url.optional(),

  CODEC_SERVER_HOST: z.string().min(1).default('127.0.0.1'),
  CODEC_SERVER_PORT: port.default(8081),
  CODEC_AUTH_TOKEN: secretToken.default('local-codec-token'),
  /** Origins allowed to call the codec server from a browser: the Temporal UI's. */
  CODEC_CORS_ORIGINS: z
    .string()
    .transform((value) => value.split(',').map((origin) => origin.trim().replace(/\/+$/, '')))
    .pipe(z.array(z.url({ protocol: /^https?$/ })))
    .default(['http://localhost:8233', 'http://127.0.0.1:8233']),
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
  'ONBOARDING_API_TOKEN',
  'PAYLOAD_ENCRYPTION_KEYS',
  'CODEC_AUTH_TOKEN',
] as const;

/** The timing variables, by the workflow input's field they default. */
const TIMING_VARIABLES = {
  kycGracePeriod: 'ONBOARDING_KYC_GRACE_PERIOD',
  kycPollInterval: 'ONBOARDING_KYC_POLL_INTERVAL',
  kycMaxPollInterval: 'ONBOARDING_KYC_MAX_POLL_INTERVAL',
  kycDeadline: 'ONBOARDING_KYC_DEADLINE',
  kycResubmitWindow: 'ONBOARDING_KYC_RESUBMIT_WINDOW',
} as const;

/** Only the configured ones: the workflow's own defaults fill in the rest. */
function configuredTiming(env: z.output<typeof envSchema>) {
  const timing: Partial<Record<keyof typeof TIMING_VARIABLES, number>> = {};
  for (const [field, name] of Object.entries(TIMING_VARIABLES)) {
    const value = env[name];
    if (value !== undefined) timing[field as keyof typeof TIMING_VARIABLES] = value;
  }
  return timing;
}

const ANY_ADDRESS = new Set(['0.0.0.0', '::']);

/** How a process on this machine reaches a server of ours listening on `host`:`port`. */
export function localUrl(host: string, port: number): string {
  return `http://${ANY_ADDRESS.has(host) ? '127.0.0.1' : host}:${port}`;
}

function build(env: z.output<typeof envSchema>) {
  const sandboxUrl = localUrl(env.INGO_SANDBOX_HOST, env.INGO_SANDBOX_PORT);
  return {
    env: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    ingo: {
      bankingBaseUrl: env.INGO_BANKING_BASE_URL ?? `${sandboxUrl}/api/v4`,
      payBaseUrl: env.INGO_PAY_BASE_URL ?? sandboxUrl,
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
      url: sandboxUrl,
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
    temporal: { taskQueue: env.TEMPORAL_TASK_QUEUE, rpcTimeoutMs: env.TEMPORAL_RPC_TIMEOUT_MS },
    workerTuning: {
      maxCachedWorkflows: env.TEMPORAL_WORKER_MAX_CACHED_WORKFLOWS,
      maxConcurrentWorkflowTaskExecutions: env.TEMPORAL_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
      maxConcurrentActivityTaskExecutions: env.TEMPORAL_WORKER_MAX_CONCURRENT_ACTIVITIES,
      maxConcurrentWorkflowTaskPolls: env.TEMPORAL_WORKER_WORKFLOW_TASK_POLLERS,
      maxConcurrentActivityTaskPolls: env.TEMPORAL_WORKER_ACTIVITY_TASK_POLLERS,
    },
    devServer: { port: env.TEMPORAL_DEV_SERVER_PORT, uiPort: env.TEMPORAL_DEV_SERVER_UI_PORT },
    temporalUiUrl: env.TEMPORAL_UI_URL ?? `http://localhost:${env.TEMPORAL_DEV_SERVER_UI_PORT}`,
    timing: configuredTiming(env),
    api: {
      host: env.ONBOARDING_API_HOST,
      port: env.ONBOARDING_API_PORT,
      token: env.ONBOARDING_API_TOKEN,
      url: env.ONBOARDING_API_URL ?? localUrl(env.ONBOARDING_API_HOST, env.ONBOARDING_API_PORT),
      rejectedRequestsPerMinute: env.REJECTED_REQUESTS_PER_MINUTE,
      trustProxy: env.TRUST_PROXY,
    },
    encryption: {
      /** Undefined outside production means: use (and create) the development key in DATA_DIR. */
      keys: env.PAYLOAD_ENCRYPTION_KEYS,
      currentKeyId: env.PAYLOAD_ENCRYPTION_CURRENT_KEY ?? env.PAYLOAD_ENCRYPTION_KEYS?.[0]?.id,
      dataDir: env.DATA_DIR,
    },
    codec: {
      host: env.CODEC_SERVER_HOST,
      port: env.CODEC_SERVER_PORT,
      token: env.CODEC_AUTH_TOKEN,
      corsOrigins: env.CODEC_CORS_ORIGINS,
    },
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

function crossFieldProblems(env: z.output<typeof envSchema>): { name: string; problem: string }[] {
  // E.g. a poll interval above the maximum: named here, not blamed on every start request.
  const timing = timingSchema.safeParse(configuredTiming(env));
  if (!timing.success) {
    return timing.error.issues.map((issue) => ({
      name: TIMING_VARIABLES[issue.path[0] as keyof typeof TIMING_VARIABLES],
      problem: issue.message,
    }));
  }
  const keys = env.PAYLOAD_ENCRYPTION_KEYS;
  const current = env.PAYLOAD_ENCRYPTION_CURRENT_KEY;
  if (current !== undefined && !keys?.some((key) => key.id === current)) {
    return [
      {
        name: 'PAYLOAD_ENCRYPTION_CURRENT_KEY',
        problem: 'names no key in PAYLOAD_ENCRYPTION_KEYS',
      },
    ];
  }
  if (keys && keys.length > 1 && current === undefined) {
    return [
      {
        name: 'PAYLOAD_ENCRYPTION_CURRENT_KEY',
        problem: 'is required when PAYLOAD_ENCRYPTION_KEYS holds more than one key',
      },
    ];
  }
  return [];
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
  if (parsed.success) problems.push(...crossFieldProblems(parsed.data));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  return build(parsed.data);
}

let cached: Config | undefined;

/** The process's configuration, read from the environment on first use. */
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}
