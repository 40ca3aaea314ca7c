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

  it('insists the Banking base URL is the documented /api/v4 one', () => {
    expect(() => loadConfig({ INGO_BANKING_BASE_URL: 'https://example.com' })).toThrow(
      /INGO_BANKING_BASE_URL must be the Banking Platform base URL ending in \/api\/v4/,
    );
  });

  it('polls the onboarding task queue unless TEMPORAL_TASK_QUEUE names another', () => {
    expect(loadConfig({}).temporal).toEqual({ taskQueue: 'onboarding' });
    expect(loadConfig({ TEMPORAL_TASK_QUEUE: '' }).temporal.taskQueue).toBe('onboarding');
    expect(loadConfig({ TEMPORAL_TASK_QUEUE: 'onboarding-eu' }).temporal.taskQueue).toBe(
      'onboarding-eu',
    );
    expect(() => loadConfig({ TEMPORAL_TASK_QUEUE: '   ' })).toThrow(/TEMPORAL_TASK_QUEUE/);
  });

  it('leaves where Temporal is to @temporalio/envconfig', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: 'not an address', TEMPORAL_NAMESPACE: '' });
    expect(config.temporal).toEqual({ taskQueue: 'onboarding' });
  });
});
