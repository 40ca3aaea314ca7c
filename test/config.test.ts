import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config';

describe('config', () => {
  it('defaults to the local sandbox and its documented credentials', () => {
    const config = loadConfig({});
    expect(config.ingo).toMatchObject({
      bankingBaseUrl: 'http://127.0.0.1:4010/api/v4',
      payBaseUrl: 'http://127.0.0.1:4010',
      banking: { username: 'sandbox', secret: 'sandbox-secret' },
      pay: { username: 'sandbox', secret: 'sandbox-secret' },
      apiKey: 'sandbox-api-key',
      participantId: 12345,
      webhookSecret: 'sandbox-webhook-secret',
    });
    expect(config.sandbox).toMatchObject({ host: '127.0.0.1', port: 4010, kycDelayMs: 1000 });
  });

  it('reaches real Ingo by configuration alone', () => {
    const config = loadConfig({
      INGO_BANKING_BASE_URL: 'https://api.sdev.banking.ingopayments.tech/api/v4/',
      INGO_PAY_BASE_URL: 'https://payapi-sandbox.ingo.money',
      INGO_HMAC_USERNAME: 'program',
      INGO_HMAC_SECRET: 's3cret',
      INGO_PAY_HMAC_USERNAME: 'pay-program',
      INGO_PAY_HMAC_SECRET: 'pay-s3cret',
      INGO_PARTICIPANT_ID: '777',
    });
    expect(config.ingo.bankingBaseUrl).toBe('https://api.sdev.banking.ingopayments.tech/api/v4');
    expect(config.ingo.banking).toEqual({ username: 'program', secret: 's3cret' });
    expect(config.ingo.pay).toEqual({ username: 'pay-program', secret: 'pay-s3cret' });
    expect(config.ingo.participantId).toBe(777);
  });

  it('finds the sandbox and the API where their ports say, unless URLs are given', () => {
    const config = loadConfig({
      INGO_SANDBOX_PORT: '4020',
      INGO_SANDBOX_HOST: '0.0.0.0',
      ONBOARDING_API_PORT: '3030',
    });
    expect(config.ingo.bankingBaseUrl).toBe('http://127.0.0.1:4020/api/v4');
    expect(config.ingo.payBaseUrl).toBe('http://127.0.0.1:4020');
    expect(config.sandbox.url).toBe('http://127.0.0.1:4020');
    expect(config.api.url).toBe('http://127.0.0.1:3030');
    expect(loadConfig({}).api).toMatchObject({ port: 3000, url: 'http://127.0.0.1:3000' });
    expect(loadConfig({ ONBOARDING_API_URL: 'https://onboarding.example.com/' }).api.url).toBe(
      'https://onboarding.example.com',
    );
  });

  it('reads the timing of new onboardings, leaving the rest to the workflow defaults', () => {
    expect(loadConfig({}).timing).toEqual({});
    expect(
      loadConfig({
        ONBOARDING_KYC_GRACE_PERIOD: '20 seconds',
        ONBOARDING_KYC_POLL_INTERVAL: '5000',
        ONBOARDING_KYC_MAX_POLL_INTERVAL: '30s',
        ONBOARDING_KYC_DEADLINE: '10 minutes',
        ONBOARDING_KYC_RESUBMIT_WINDOW: '1 hour',
      }).timing,
    ).toEqual({
      kycGracePeriod: 20_000,
      kycPollInterval: 5_000,
      kycMaxPollInterval: 30_000,
      kycDeadline: 600_000,
      kycResubmitWindow: 3_600_000,
    });
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        return (error as ConfigError).variables;
      }
      return [];
    };
    expect(problems({ ONBOARDING_KYC_GRACE_PERIOD: 'soon' })).toEqual([
      {
        name: 'ONBOARDING_KYC_GRACE_PERIOD',
        problem: 'must be a positive duration, e.g. "5 minutes"',
      },
    ]);
    // Against the workflow's default maximum of 1 hour.
    expect(problems({ ONBOARDING_KYC_POLL_INTERVAL: '2 hours' })).toEqual([
      {
        name: 'ONBOARDING_KYC_MAX_POLL_INTERVAL',
        problem: 'must not be shorter than kycPollInterval',
      },
    ]);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ INGO_SANDBOX_PORT: '' }).sandbox.port).toBe(4010);
  });

  it('fails fast, naming every bad variable and never echoing its value', () => {
    let error: unknown;
    try {
      loadConfig({
        INGO_SANDBOX_PORT: 'eighty',
        INGO_BANKING_BASE_URL: 'ftp://example.com/api/v4',
        INGO_SANDBOX_ERROR_RATE: '1.5',
        INGO_HMAC_SECRET: '',
        INGO_SANDBOX_REORDER_WEBHOOKS: 'perhaps',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const names = (error as ConfigError).variables.map((variable) => variable.name).sort();
    expect(names).toEqual([
      'INGO_BANKING_BASE_URL',
      'INGO_SANDBOX_ERROR_RATE',
      'INGO_SANDBOX_PORT',
      'INGO_SANDBOX_REORDER_WEBHOOKS',
    ]);
    expect((error as Error).message).toMatch(/^Invalid configuration: /);
    expect((error as Error).message).not.toContain('eighty');
  });

  it('refuses to run production on the sandbox defaults', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', INGO_HMAC_SECRET: 'x' })).toThrow(
      /INGO_API_KEY is required in production/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production', INGO_HMAC_SECRET: 'x' })).not.toThrow(
      /INGO_HMAC_SECRET/,
    );
  });

  it('refuses production without an API token, a codec token and encryption keys', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /ONBOARDING_API_TOKEN is required in production.*PAYLOAD_ENCRYPTION_KEYS is required in production.*CODEC_AUTH_TOKEN is required in production/,
    );
  });

  it('reads an encryption keyring of id:base64 pairs, the current key named or the only one', () => {
    const first = Buffer.alloc(32, 1);
    const second = Buffer.alloc(32, 2);
    const keyring = `2025-01:${first.toString('base64')}, 2026-11:${second.toString('base64')}`;
    const config = loadConfig({
      PAYLOAD_ENCRYPTION_KEYS: keyring,
      PAYLOAD_ENCRYPTION_CURRENT_KEY: '2026-11',
    });
    expect(config.encryption.keys).toEqual([
      { id: '2025-01', key: first },
      { id: '2026-11', key: second },
    ]);
    expect(config.encryption.currentKeyId).toBe('2026-11');
    const single = loadConfig({ PAYLOAD_ENCRYPTION_KEYS: `only:${first.toString('base64')}` });
    expect(single.encryption.currentKeyId).toBe('only');
    expect(loadConfig({}).encryption).toEqual({
      keys: undefined,
      currentKeyId: undefined,
      dataDir: '.data',
    });
  });

  it('refuses a bad keyring naming the entry, never echoing a key', () => {
    const short = Buffer.alloc(16, 7).toString('base64');
    const good = Buffer.alloc(32, 1).toString('base64');
    const fails = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        expect((error as Error).message).not.toContain(short);
        expect((error as Error).message).not.toContain(good);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(fails({ PAYLOAD_ENCRYPTION_KEYS: `a:${good},b:${short}` })).toMatch(
      /PAYLOAD_ENCRYPTION_KEYS entry 2 needs a base64 key of exactly 32 bytes/,
    );
    expect(fails({ PAYLOAD_ENCRYPTION_KEYS: `a:${good},a:${good}` })).toMatch(
      /entry 2 repeats the key id a/,
    );
    expect(fails({ PAYLOAD_ENCRYPTION_KEYS: good })).toMatch(/entry 1 needs an id/);
    expect(fails({ PAYLOAD_ENCRYPTION_KEYS: `a:${good},b:${good}` })).toMatch(
      /PAYLOAD_ENCRYPTION_CURRENT_KEY is required when PAYLOAD_ENCRYPTION_KEYS holds more than one/,
    );
    expect(
      fails({ PAYLOAD_ENCRYPTION_KEYS: `a:${good}`, PAYLOAD_ENCRYPTION_CURRENT_KEY: 'b' }),
    ).toMatch(/PAYLOAD_ENCRYPTION_CURRENT_KEY names no key/);
  });

  it('insists the Banking base URL is the documented /api/v4 one', () => {
    expect(() => loadConfig({ INGO_BANKING_BASE_URL: 'https://example.com' })).toThrow(
      /INGO_BANKING_BASE_URL must be the Banking Platform base URL ending in \/api\/v4/,
    );
  });

  it('polls the onboarding task queue unless TEMPORAL_TASK_QUEUE names another', () => {
    expect(loadConfig({}).temporal).toEqual({ taskQueue: 'onboarding', rpcTimeoutMs: 5000 });
    expect(loadConfig({ TEMPORAL_TASK_QUEUE: '' }).temporal.taskQueue).toBe('onboarding');
    expect(loadConfig({ TEMPORAL_TASK_QUEUE: 'onboarding-eu' }).temporal.taskQueue).toBe(
      'onboarding-eu',
    );
    expect(() => loadConfig({ TEMPORAL_TASK_QUEUE: '   ' })).toThrow(/TEMPORAL_TASK_QUEUE/);
  });

  it('leaves where Temporal is to @temporalio/envconfig', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: 'not an address', TEMPORAL_NAMESPACE: '' });
    expect(config.temporal).toEqual({ taskQueue: 'onboarding', rpcTimeoutMs: 5000 });
  });
});
