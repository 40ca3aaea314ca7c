import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config';
import {
  planStack,
  PROJECT_ROOT,
  readLocalDefaults,
  StackPlanError,
  type StackPlan,
} from '../../dev/stack/stack-plan';

// What `npm start` decides before starting anything: the parts, their shared environment, and
// which embedded parts give way to a real Temporal or a real Ingo.

const names = (plan: StackPlan) => plan.parts.map((part) => part.name);
const part = (plan: StackPlan, name: string) => plan.parts.find((spec) => spec.name === name);

describe('the local stack plan', () => {
  it('runs every part by default, wired to each other on the default ports', () => {
    const plan = planStack({});
    expect(names(plan)).toEqual(['temporal', 'sandbox', 'codec', 'api', 'worker']);
    expect(plan.skipped).toEqual([]);
    expect(plan.env).toMatchObject({
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      INGO_SANDBOX_WEBHOOK_URL: 'http://127.0.0.1:3000/webhooks/ingo',
      CODEC_CORS_ORIGINS: 'http://localhost:8233,http://127.0.0.1:8233',
      DATA_DIR: path.resolve('.data'),
    });
    expect(plan.config.ingo.bankingBaseUrl).toBe('http://127.0.0.1:4010/api/v4');
    expect(plan.temporal).toEqual({
      address: '127.0.0.1:7233',
      namespace: 'default',
      uiUrl: 'http://localhost:8233',
    });
    expect(part(plan, 'worker')?.after).toEqual(['temporal']);
    // Our Node parts run in their own process with tsx's loader and report readiness over IPC.
    expect(part(plan, 'api')).toMatchObject({
      command: process.execPath,
      args: ['--import', 'tsx', path.join(PROJECT_ROOT, 'src/api/main.ts')],
      ipc: true,
    });
    // The worker's heap is bounded for its cache (src/temporal/worker-heap.ts).
    expect(part(plan, 'worker')?.args).toEqual([
      '--max-old-space-size=128',
      '--max-semi-space-size=8',
      '--import',
      'tsx',
      path.join(PROJECT_ROOT, 'src/worker.ts'),
    ]);
    expect(
      part(planStack({ TEMPORAL_WORKER_MAX_CACHED_WORKFLOWS: '500' }), 'worker')?.args[0],
    ).toBe('--max-old-space-size=564');
    const temporal = part(plan, 'temporal')!;
    expect(temporal.ipc).toBe(false);
    expect(temporal.args).toEqual(
      expect.arrayContaining(['--port', '7233', '--ui-port', '8233', '--log-format', 'json']),
    );
    expect(temporal.args).toContain(path.resolve('.data', 'temporal.sqlite'));
  });

  it('follows configured ports everywhere a part must find another', () => {
    const plan = planStack({
      ONBOARDING_API_PORT: '3300',
      INGO_SANDBOX_PORT: '4400',
      TEMPORAL_DEV_SERVER_PORT: '7300',
      TEMPORAL_DEV_SERVER_UI_PORT: '8300',
      CODEC_SERVER_PORT: '8100',
    });
    expect(plan.env).toMatchObject({
      TEMPORAL_ADDRESS: '127.0.0.1:7300',
      INGO_SANDBOX_WEBHOOK_URL: 'http://127.0.0.1:3300/webhooks/ingo',
      CODEC_CORS_ORIGINS: 'http://localhost:8300,http://127.0.0.1:8300',
    });
    expect(plan.config.ingo.bankingBaseUrl).toBe('http://127.0.0.1:4400/api/v4');
    expect(plan.config.ingo.payBaseUrl).toBe('http://127.0.0.1:4400');
    expect(plan.config.api.url).toBe('http://127.0.0.1:3300');
    expect(part(plan, 'temporal')?.args).toEqual(
      expect.arrayContaining(['--port', '7300', '--ui-port', '8300']),
    );
    expect(part(plan, 'temporal')?.args).toContain('http://127.0.0.1:8100/codec/local-codec-token');
    // A codec server on every interface is still reached by the browser on loopback.
    expect(part(planStack({ CODEC_SERVER_HOST: '0.0.0.0' }), 'temporal')?.args).toContain(
      'http://127.0.0.1:8081/codec/local-codec-token',
    );
  });

  it('runs no dev server where TEMPORAL_ADDRESS names a cluster', () => {
    const plan = planStack({ TEMPORAL_ADDRESS: 'temporal.example.com:7233' });
    expect(names(plan)).toEqual(['sandbox', 'codec', 'api', 'worker']);
    expect(plan.skipped).toEqual([
      { name: 'temporal', reason: 'using Temporal at temporal.example.com:7233' },
    ]);
    expect(plan.env.TEMPORAL_ADDRESS).toBe('temporal.example.com:7233');
    expect(part(plan, 'worker')?.after).toEqual([]);
    // A cluster's UI is not guessed; it is shown where TEMPORAL_UI_URL says.
    expect(plan.temporal.uiUrl).toBeUndefined();
    expect(
      planStack({ TEMPORAL_ADDRESS: 'x:7233', TEMPORAL_UI_URL: 'https://ui.example.com' }).temporal
        .uiUrl,
    ).toBe('https://ui.example.com');
  });

  it('runs no sandbox where both Ingo base URLs are configured, and refuses just one', () => {
    const plan = planStack({
      INGO_BANKING_BASE_URL: 'https://api.sdev.banking.ingopayments.tech/api/v4',
      INGO_PAY_BASE_URL: 'https://gateway.example.com',
    });
    expect(names(plan)).toEqual(['temporal', 'codec', 'api', 'worker']);
    expect(plan.skipped).toEqual([
      {
        name: 'sandbox',
        reason: 'using Ingo at https://api.sdev.banking.ingopayments.tech/api/v4',
      },
    ]);
    expect(plan.env.INGO_SANDBOX_WEBHOOK_URL).toBeUndefined();

    expect(() => planStack({ INGO_PAY_BASE_URL: 'https://gateway.example.com' })).toThrow(
      new StackPlanError(
        'INGO_PAY_BASE_URL is set but not INGO_BANKING_BASE_URL: set both to use a real Ingo, ' +
          'or neither to use the local sandbox',
      ),
    );
  });

  it('runs only the parts asked for', () => {
    const plan = planStack({}, { requested: ['temporal', 'worker'] });
    expect(names(plan)).toEqual(['temporal', 'worker']);
    expect(plan.skipped.map((entry) => entry.name)).toEqual(['sandbox', 'codec', 'api']);
    expect(part(plan, 'worker')?.after).toEqual(['temporal']);
    // Without the dev server in this stack, the worker does not wait for it.
    expect(part(planStack({}, { requested: ['worker'] }), 'worker')?.after).toEqual([]);
  });

  it('refuses ports the parts cannot find each other by', () => {
    expect(() => planStack({ ONBOARDING_API_PORT: '0' })).toThrow(
      "ONBOARDING_API_PORT is 0: the stack's parts find each other by fixed ports",
    );
    expect(() => planStack({ CODEC_SERVER_PORT: '4010' })).toThrow(
      'INGO_SANDBOX_PORT and CODEC_SERVER_PORT are both 4010',
    );
  });

  it('names a bad variable, whether it comes from the environment or local.env', () => {
    const failure = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return error;
      }
      throw new Error('expected a ConfigError');
    };
    const fromEnv = failure(() => planStack({ ONBOARDING_API_PORT: 'abc' }));
    expect(fromEnv).toBeInstanceOf(ConfigError);
    expect((fromEnv as ConfigError).variables.map((v) => v.name)).toEqual(['ONBOARDING_API_PORT']);
    const fromDefaults = failure(() =>
      planStack({}, { localDefaults: { ONBOARDING_KYC_POLL_INTERVAL: 'soon' } }),
    );
    expect((fromDefaults as ConfigError).variables.map((v) => v.name)).toEqual([
      'ONBOARDING_KYC_POLL_INTERVAL',
    ]);
  });

  it('takes short local timings from local.env, each overridden by the environment', () => {
    const localDefaults = readLocalDefaults();
    expect(localDefaults).toMatchObject({
      ONBOARDING_KYC_GRACE_PERIOD: '20 seconds',
      ONBOARDING_KYC_POLL_INTERVAL: '5 seconds',
    });
    const plan = planStack({ ONBOARDING_KYC_GRACE_PERIOD: '3 seconds' }, { localDefaults });
    expect(plan.config.timing).toMatchObject({ kycGracePeriod: 3_000, kycPollInterval: 5_000 });
    // A lost webhook is noticed and polled within about 30 s.
    const local = planStack({}, { localDefaults }).config.timing;
    expect(local.kycGracePeriod! + local.kycPollInterval!).toBeLessThanOrEqual(30_000);
    // Without the local profile, production-sized defaults stay (the workflow's own).
    expect(planStack({}).config.timing).toEqual({});
  });
});
