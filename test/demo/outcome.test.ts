import { describe, expect, it } from 'vitest';
import { API_STATUSES } from '../../src/api/schemas';
import { outcomeNote, verdictOf } from '../../dev/demo/outcome';
import { demoSettings, demoTimeoutMs, workflowLink } from '../../dev/demo/settings';
import { loadConfig } from '../../src/config';
import { readLocalDefaults } from '../../dev/stack/stack-plan';
import { timingSchema } from '../../src/contract/onboarding-input';
import { completed, view } from './views';

// When a demo row is done, and whether it is a ✓ or a ✗; what it says it ended with; and the
// configuration the demo reads the way `npm start` does.

describe('the expected-state decision', () => {
  it('is ✓ only for the expected final state, ✗ for any other final state', () => {
    expect(verdictOf('completed', 'completed')).toBe('reached');
    expect(verdictOf('kyc_failed', 'kyc_failed')).toBe('reached');
    // Completed where KYC should have failed is as wrong as the other way round.
    expect(verdictOf('kyc_failed', 'completed')).toBe('unexpected');
    expect(verdictOf('completed', 'kyc_failed')).toBe('unexpected');
    for (const status of ['needs_attention', 'cancelled'] as const) {
      expect(verdictOf('completed', status)).toBe('unexpected');
      expect(verdictOf('kyc_failed', status)).toBe('unexpected');
    }
  });

  it('keeps waiting while the onboarding is in progress, and only then', () => {
    for (const status of API_STATUSES) {
      expect(verdictOf('completed', status) === 'running').toBe(status === 'in_progress');
    }
  });
});

describe('what a settled onboarding says', () => {
  it('lists the accounts and tokens of a completed one, masked, and what Ingo saw', () => {
    const note = outcomeNote(completed('s', { linked: true, check: true, billPay: true }), {
      webhooksSent: 3,
      routableAccounts: 1,
    });
    expect(note).toBe(
      'account ****1234, linked ****6789, check ****4417, bill pay ****7890 (Metro Power & Light), ' +
        'KYC submissions 1, 3 KYC webhooks sent, 1 routable account at Ingo',
    );
    expect(outcomeNote(completed('s'))).toBe(
      'account ****1234, no payout destinations, KYC submissions 1',
    );
  });

  it('says a failed KYC awaits corrected data until the window closes', () => {
    const waiting = view('s', {
      status: 'kyc_failed',
      step: 'kyc',
      kycStatus: 'failed',
      kycReasons: ['Identity could not be verified'],
      resubmitBy: '2026-01-02T03:14:05.000Z',
    });
    expect(outcomeNote(waiting)).toBe(
      'awaiting corrected KYC data until 2026-01-02 03:14:05 UTC (Identity could not be verified)',
    );
    expect(outcomeNote({ ...waiting, resubmitBy: undefined })).toBe(
      'KYC failed (Identity could not be verified)',
    );
  });

  it('names what parked an onboarding, and nothing for one still running', () => {
    const parked = view('s', {
      status: 'needs_attention',
      step: 'issue_account',
      lastError: {
        step: 'issue_account',
        type: 'IngoOutcomeUnknown',
        message: 'the answer was lost',
        at: '2026-01-02T03:04:05.000Z',
      },
    });
    expect(outcomeNote(parked)).toBe(
      'needs attention at issue_account: IngoOutcomeUnknown: the answer was lost',
    );
    expect(outcomeNote(view('s', { status: 'cancelled' }))).toBe('cancelled');
    expect(outcomeNote(view('s'))).toBeUndefined();
  });
});

describe('the demo configuration', () => {
  const local = { ...readLocalDefaults() };

  it('is the stack’s: local.env under the environment, the same ports and token', () => {
    const settings = demoSettings({
      ...local,
      ONBOARDING_API_PORT: '3100',
      INGO_SANDBOX_PORT: '4110',
      TEMPORAL_DEV_SERVER_UI_PORT: '8333',
      ONBOARDING_API_TOKEN: 'another-token',
    });
    expect(settings).toMatchObject({
      apiUrl: 'http://127.0.0.1:3100',
      apiToken: 'another-token',
      sandboxUrl: 'http://127.0.0.1:4110',
      temporalUiUrl: 'http://localhost:8333',
      namespace: 'default',
    });
    // local.env's short timing over the workflow's defaults, as the stack's onboardings get it.
    expect(settings.timing).toEqual(timingSchema.parse(loadConfig(local).timing));
    expect(settings.timing.kycGracePeriod).toBeLessThan(timingSchema.parse({}).kycGracePeriod);
    expect(workflowLink(settings, 'onboarding-demo-a1b2c3-webhook')).toBe(
      'http://localhost:8333/namespaces/default/workflows/onboarding-demo-a1b2c3-webhook',
    );
  });

  it('refuses a real Ingo: the scenarios need the sandbox', () => {
    expect(() =>
      demoSettings({ ...local, INGO_BANKING_BASE_URL: 'https://ingo.example/api/v4' }),
    ).toThrow(/INGO_BANKING_BASE_URL is set: the demo needs the local Ingo sandbox/);
    expect(() =>
      demoSettings({
        ...local,
        INGO_BANKING_BASE_URL: 'https://ingo.example/api/v4',
        INGO_PAY_BASE_URL: 'https://pay.ingo.example',
      }),
    ).toThrow(/INGO_BANKING_BASE_URL and INGO_PAY_BASE_URL are set/);
  });

  it('links a cluster’s workflows only where TEMPORAL_UI_URL says its UI is', () => {
    const cluster = { ...local, TEMPORAL_ADDRESS: 'temporal.internal:7233' };
    expect(demoSettings(cluster).temporalUiUrl).toBeUndefined();
    expect(workflowLink(demoSettings(cluster), 'onboarding-x')).toBeUndefined();
    const named = demoSettings({ ...cluster, TEMPORAL_UI_URL: 'https://temporal.internal/' });
    expect(named.temporalUiUrl).toBe('https://temporal.internal');
  });

  it('gives up after the slowest path’s wait plus a minute, from the configured timing', () => {
    const settings = demoSettings({
      INGO_SANDBOX_KYC_DELAY_MS: '2000',
      ONBOARDING_KYC_GRACE_PERIOD: '20 seconds',
      ONBOARDING_KYC_POLL_INTERVAL: '5 seconds',
    });
    // Sandbox decision 2 s + grace 20 s + three polls of 5 s + 60 s.
    expect(demoTimeoutMs(settings)).toBe(2_000 + 20_000 + 15_000 + 60_000);
    const short = demoSettings({
      INGO_SANDBOX_KYC_DELAY_MS: '2000',
      ONBOARDING_KYC_GRACE_PERIOD: '3 seconds',
      ONBOARDING_KYC_POLL_INTERVAL: '1 second',
    });
    expect(demoTimeoutMs(short)).toBe(2_000 + 3_000 + 3_000 + 60_000);
    // Without local.env: the workflow's production defaults (5 min grace, 1 min polls).
    expect(demoTimeoutMs(demoSettings({}))).toBe(1_000 + 300_000 + 180_000 + 60_000);
  });
});
