import { describe, expect, it } from 'vitest';
import { resubmitKycBody, startOnboardingBody } from '../../src/api/schemas';
import {
  buildPlan,
  expectedFinalState,
  expectedIngoTotals,
  KYC_SCENARIOS,
  scenarioCounts,
} from '../../chaos/plan';

// The chaos run's plan (chaos/plan.ts): the scenario mix, the state each scenario prescribes, and
// requests the API accepts, each with data of its own.

describe('chaos plan', () => {
  it('prescribes the final state by the sandbox KYC outcome and what follows it', () => {
    expect(Object.fromEntries(KYC_SCENARIOS.map((s) => [s, expectedFinalState(s)]))).toEqual({
      webhook: 'completed',
      poll: 'completed',
      failed_resubmitted: 'completed',
      failed_final: 'kyc_failed',
      manual_verified: 'completed',
      manual_failed: 'kyc_failed',
      duplicates: 'completed',
    });
  });

  it('mixes every scenario into any plan of 7 or more, summing to its size', () => {
    for (const size of [7, 30, 200, 1000]) {
      const counts = scenarioCounts(size);
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(size);
      expect(Math.min(...Object.values(counts))).toBeGreaterThanOrEqual(1);
    }
    expect(scenarioCounts(1000)).toMatchObject({ webhook: 500, poll: 100, duplicates: 160 });
  });

  it('chooses each SSN ending by scenario, and the same plan from the same seed', () => {
    const plan = buildPlan(200, 42);
    expect(buildPlan(200, 42)).toEqual(plan);
    expect(buildPlan(200, 43).signups[0]!.request).not.toEqual(plan.signups[0]!.request);
    const ending: Record<string, string | undefined> = {
      poll: '1111',
      failed_resubmitted: '0000',
      failed_final: '0000',
      manual_verified: '2222',
      manual_failed: '2222',
      duplicates: '3333',
    };
    for (const signup of plan.signups) {
      const last4 = signup.request.applicant.ssn.slice(-4);
      if (ending[signup.scenario]) expect(last4).toBe(ending[signup.scenario]);
      else expect(['0000', '1111', '2222', '3333']).not.toContain(last4);
      expect(signup.expected).toBe(expectedFinalState(signup.scenario));
    }
  });

  it('builds requests the API accepts, each with personal values no other signup has', () => {
    const plan = buildPlan(300, 7, { activityTimeout: '10 seconds' });
    const seen = new Map<string, string>();
    for (const signup of plan.signups) {
      expect(startOnboardingBody.safeParse(signup.request).success).toBe(true);
      expect(signup.request.timing).toEqual({ activityTimeout: '10 seconds' });
      if (signup.scenario === 'failed_resubmitted') {
        expect(resubmitKycBody.safeParse(signup.resubmission).success).toBe(true);
        expect(signup.resubmission!.ssn.slice(-4)).not.toBe('0000');
      } else {
        expect(signup.resubmission).toBeUndefined();
      }
      for (const { kind, value } of signup.personal) {
        if (kind === 'name') continue;
        expect(seen.get(value), `${kind} ${value}`).toBeUndefined();
        seen.set(value, signup.signupId);
      }
      const kinds = new Set(signup.personal.map((p) => p.kind));
      expect(kinds.has('bankAccount')).toBe(signup.extras.bankAccount);
      expect(kinds.has('checkAccount')).toBe(signup.extras.checkByMail);
      expect(kinds.has('billAccount')).toBe(signup.extras.billPay);
    }
  });

  it('totals what Ingo should hold: requests of onboardings that complete only', () => {
    const plan = buildPlan(100, 3);
    const completed = plan.signups.filter((s) => s.expected === 'completed');
    expect(expectedIngoTotals(plan.signups)).toEqual({
      users: 100,
      routableAccounts: completed.length,
      linkedBankAccounts: completed.filter((s) => s.extras.bankAccount).length,
      tokens:
        completed.filter((s) => s.extras.checkByMail).length +
        completed.filter((s) => s.extras.billPay).length,
    });
  });
});
