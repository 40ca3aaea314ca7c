import { describe, expect, it } from 'vitest';
import { startOnboardingBody } from '../../src/api/schemas';
import {
  demoScenarios,
  newRunId,
  readExampleRequest,
  SCENARIO_SPECS,
} from '../../dev/demo/scenarios';

// The demo's requests are the documented example, varied per scenario and per run; each must be
// one the API accepts, and together they must cover every KYC outcome of the sandbox contract.

const scenarios = demoScenarios('a1b2c3');
const lastFour = (ssn: string) => ssn.slice(-4);
/** docs/SANDBOX.md: the endings with their own outcome; anything else is verified by webhook. */
const SPECIAL_ENDINGS = ['0000', '1111', '2222', '3333'];

describe('the demo scenarios', () => {
  it('are valid start requests for the API', () => {
    for (const scenario of scenarios) {
      const parsed = startOnboardingBody.safeParse(scenario.request);
      expect(parsed.error?.issues, scenario.key).toBeUndefined();
    }
  });

  it('cover every SSN outcome of the sandbox, each with the state it must end in', () => {
    const byEnding = new Map(
      scenarios.map((scenario) => [lastFour(scenario.request.applicant.ssn), scenario]),
    );
    expect(byEnding.get('0000')).toMatchObject({ expected: 'kyc_failed', kycDecidedBy: 'webhook' });
    expect(byEnding.get('1111')).toMatchObject({ expected: 'completed', kycDecidedBy: 'poll' });
    expect(byEnding.get('2222')).toMatchObject({ expected: 'completed', kycDecidedBy: 'operator' });
    expect(byEnding.get('3333')).toMatchObject({ expected: 'completed' });
    const ordinary = scenarios.filter(
      (scenario) => !SPECIAL_ENDINGS.includes(lastFour(scenario.request.applicant.ssn)),
    );
    expect(ordinary.length).toBeGreaterThanOrEqual(2);
    for (const scenario of ordinary) expect(scenario.expected).toBe('completed');
    // The SSN is the example's but for the last four digits.
    const example = readExampleRequest();
    for (const scenario of scenarios) {
      expect(scenario.request.applicant.ssn.slice(0, 5)).toBe(example.applicant.ssn.slice(0, 5));
      expect(lastFour(scenario.request.applicant.ssn)).toBe(scenario.ssnLastFour);
    }
  });

  it('cover webhook KYC with every extra, and completions with and without payout destinations', () => {
    const webhook = scenarios.find((scenario) => scenario.key === 'webhook')!;
    expect(webhook.request.externalBankAccount).toBeDefined();
    expect(webhook.request.payoutDestinations?.checkByMail).toBeDefined();
    expect(webhook.request.payoutDestinations?.billPay).toBeDefined();

    const polling = scenarios.find((scenario) => scenario.key === 'polling')!;
    expect(polling.request.payoutDestinations).toBeUndefined();

    const billPayOnly = scenarios.find((scenario) => scenario.key === 'bill-pay-only')!;
    expect(billPayOnly.request.payoutDestinations).toEqual({
      billPay: readExampleRequest().payoutDestinations!.billPay,
    });
    expect(billPayOnly.request.externalBankAccount).toBeUndefined();
  });

  it('never meet each other or an earlier run: signup ids and emails are new each time', () => {
    const other = demoScenarios('d4e5f6');
    const ids = [...scenarios, ...other].map((scenario) => scenario.request.signupId);
    const emails = [...scenarios, ...other].map((scenario) => scenario.request.applicant.email);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(emails).size).toBe(emails.length);
    expect(scenarios.map((scenario) => scenario.request.signupId)).toContain(
      'demo-a1b2c3-manual-review',
    );
    expect(scenarios[0]!.request.applicant.email).toBe('jane.doe+demo-a1b2c3-webhook@example.com');
    expect(newRunId()).toMatch(/^[0-9a-f]{6}$/);
    expect(newRunId()).not.toBe(newRunId());
  });

  it('leave timing to the stack configuration', () => {
    for (const scenario of scenarios) expect(scenario.request.timing).toBeUndefined();
  });

  it('have short, distinct keys', () => {
    const keys = SCENARIO_SPECS.map((spec) => spec.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) expect(key).toMatch(/^[a-z-]{1,20}$/);
  });
});
