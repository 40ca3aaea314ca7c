import { describe, expect, it } from 'vitest';
import type { OnboardingView } from '../../src/api/schemas';
import { judge } from '../../chaos/assertions';
import { ONBOARDING_TAG, onboardingWorkflowId } from '../../src/contract/ids';
import type { Facts } from '../../chaos/facts';
import { runbookAction } from '../../chaos/operator';
import { buildPlan, expectedIngoTotals, type PlannedSignup } from '../../chaos/plan';
import type { SandboxUser, WebhookEvent } from '../../dev/sandbox/admin-client';
import { FRESH_SANDBOX_STATS } from '../sandbox/helpers';

// The chaos run's verdict (chaos/assertions.ts) on facts built here: a run that went as planned
// passes, and each planted fault (a second user, a second account, a lost onboarding, a webhook
// whose news never arrived) is caught and counted.

const plan = buildPlan(21, 11);

function delivered(event: string, userId: string, id: string): WebhookEvent {
  return {
    event_id: id,
    event,
    user_id: userId,
    deliveries: [{ state: 'delivered', attempts: 1 }],
  };
}

/** What the API and the sandbox report after a run in which everything went as planned. */
function perfectFacts(signups: readonly PlannedSignup[]): Facts {
  const views = new Map<string, OnboardingView>();
  const sandboxUsers = new Map<string, SandboxUser>();
  const webhookEvents: WebhookEvent[] = [];
  const ingoUsers = signups.map((signup, i) => {
    const id = `user-${i}`;
    const completed = signup.expected === 'completed';
    const account = completed ? [{ id: `rbac-${i}`, account_number_last_4: '1234' }] : [];
    const linked =
      completed && signup.extras.bankAccount
        ? [{ id: `bbac-${i}`, account_number_last_4: '6789' }]
        : [];
    sandboxUsers.set(id, {
      id,
      email: signup.email,
      kyc_status: completed ? 'verified' : 'failed',
      meta_data: [{ name: ONBOARDING_TAG, value: onboardingWorkflowId(signup.signupId) }],
      routable_accounts: account,
      bank_accounts: linked,
    });
    webhookEvents.push(delivered(completed ? 'user.kyc.success' : 'user.kyc.failed', id, `k-${i}`));
    if (completed) webhookEvents.push(delivered('account.issue.created', id, `a-${i}`));
    const token = (kind: string) => ({
      customerAccountToken: `tok-${kind}-${i}`,
      last4: '1234',
      partialAddressMatch: false,
    });
    views.set(signup.signupId, {
      signupId: signup.signupId,
      workflowId: onboardingWorkflowId(signup.signupId),
      status: signup.expected,
      step: 'done',
      kycStatus: completed ? 'verified' : 'failed',
      ingoUserId: id,
      routableAccount: completed
        ? { id: `rbac-${i}`, routingNumber: '021000021', accountNumberLast4: '1234' }
        : null,
      ...(linked.length
        ? {
            linkedBankAccount: {
              id: `bbac-${i}`,
              routingNumber: '021000021',
              accountNumberLast4: '6789',
            },
          }
        : {}),
      ...(completed
        ? {
            payoutTokens: {
              ...(signup.extras.checkByMail ? { checkByMail: token('check') } : {}),
              ...(signup.extras.billPay
                ? { billPay: { ...token('bill'), payeeId: '200104', billerName: 'Metro' } }
                : {}),
            },
          }
        : {}),
      lastError: null,
      attempts: {},
      kycSubmissions: signup.scenario === 'failed_resubmitted' ? 2 : 1,
      lastKycReview: { decidedBy: 'webhook', polls: 0, signals: 1, duplicateSignals: 0 },
      startedAt: '2026-11-21T09:00:00.000Z',
      closedAt: '2026-11-21T09:01:00.000Z',
      detail: 'full',
    });
    return { id, email: signup.email, onboardingId: onboardingWorkflowId(signup.signupId) };
  });
  const totals = expectedIngoTotals(signups);
  return {
    views,
    ingoUsers,
    sandboxUsers,
    webhookEvents,
    stats: {
      ...FRESH_SANDBOX_STATS,
      usersCreated: totals.users,
      accountsIssued: totals.routableAccounts,
      bankAccountsLinked: totals.linkedBankAccounts,
      tokensIssued: totals.tokens,
    },
  };
}

const completedSignup = plan.signups.find((s) => s.scenario === 'webhook')!;
const indexOf = (signup: PlannedSignup) => plan.signups.indexOf(signup);

describe('chaos verdict', () => {
  it('passes a run that went as planned', () => {
    const verdict = judge(plan.signups, perfectFacts(plan.signups));
    expect(verdict.violations).toEqual([]);
    expect(verdict).toMatchObject({ duplicates: 0, lost: 0 });
    expect(verdict.webhooks.acknowledged).toBe(verdict.webhooks.events);
  });

  it('catches a second Ingo user for a signup (a create repeated after a lost answer)', () => {
    const facts = perfectFacts(plan.signups);
    facts.ingoUsers.push({ id: 'user-dup', email: completedSignup.email, onboardingId: undefined });
    facts.stats.usersCreated += 1;
    const verdict = judge(plan.signups, facts);
    expect(verdict.duplicates).toBe(1);
    expect(verdict.violations).toContain(
      `${completedSignup.signupId}: 2 Ingo users with its email`,
    );
  });

  it('catches a second routable account and an extra token', () => {
    const facts = perfectFacts(plan.signups);
    const user = facts.sandboxUsers.get(`user-${indexOf(completedSignup)}`)!;
    user.routable_accounts.push({ id: 'rbac-second', account_number_last_4: '5678' });
    facts.stats.accountsIssued += 1;
    facts.stats.tokensIssued += 1;
    const verdict = judge(plan.signups, facts);
    expect(verdict.duplicates).toBe(2);
    expect(verdict.violations).toEqual(
      expect.arrayContaining([
        `${completedSignup.signupId}: routable accounts: 2, expected 1`,
        expect.stringMatching(/payout tokens issued/),
      ]) as unknown,
    );
  });

  it('catches a KYC submission repeated into a second review at Ingo', () => {
    const facts = perfectFacts(plan.signups);
    const i = indexOf(completedSignup);
    facts.webhookEvents.unshift(delivered('user.kyc.failed', `user-${i}`, `k-again-${i}`));
    const verdict = judge(plan.signups, facts);
    expect(verdict.duplicates).toBe(1);
    expect(verdict.violations).toEqual([
      `${completedSignup.signupId}: Ingo ran 2 KYC reviews for 1 submission(s) by the onboarding`,
    ]);
  });

  it('counts an onboarding stuck or ended otherwise as lost', () => {
    const facts = perfectFacts(plan.signups);
    const view = facts.views.get(completedSignup.signupId)!;
    facts.views.set(completedSignup.signupId, {
      ...view,
      status: 'needs_attention',
      closedAt: undefined,
      lastError: {
        step: 'issue_account',
        type: 'IngoOutcomeUnknown',
        message: '',
        at: view.startedAt,
      },
    });
    const verdict = judge(plan.signups, facts);
    expect(verdict.lost).toBe(1);
    expect(verdict.violations[0]).toMatch(
      /expected completed, is still needs_attention .*IngoOutcomeUnknown/,
    );
  });

  it('accepts a dropped KYC webhook only when the review read the decision from Ingo', () => {
    const facts = perfectFacts(plan.signups);
    const i = indexOf(completedSignup);
    const event = facts.webhookEvents.find((e) => e.event_id === `k-${i}`)!;
    event.deliveries = [{ state: 'dropped', attempts: 0 }];
    expect(judge(plan.signups, facts).violations).toEqual([
      `webhook k-${i} (user.kyc.success): never acknowledged, yet ${completedSignup.signupId}'s review says it was decided by webhook`,
    ]);

    facts.views.get(completedSignup.signupId)!.lastKycReview!.decidedBy = 'poll';
    const verdict = judge(plan.signups, facts);
    expect(verdict.violations).toEqual([]);
    expect(verdict.webhooks.learnedByPolling).toBe(1);
  });

  it('reports a delivery Ingo gave up on', () => {
    const facts = perfectFacts(plan.signups);
    facts.webhookEvents[0]!.deliveries.push({ state: 'failed', attempts: 40 });
    expect(judge(plan.signups, facts).violations).toEqual([
      `webhook ${facts.webhookEvents[0]!.event_id} (${facts.webhookEvents[0]!.event}): a delivery was given up after 40 attempts`,
    ]);
  });
});

describe('chaos operator, by docs/RUNBOOK.md', () => {
  it('retries what Ingo left undone, asks Ingo to redeliver an issued account, leaves the rest', () => {
    expect(runbookAction('IngoServerError', undefined)).toBe('retry');
    expect(runbookAction('Timeout', undefined)).toBe('retry');
    expect(runbookAction('KycDeadlineExceeded', undefined)).toBe('retry');
    expect(runbookAction('IngoOutcomeUnknown', { routableAccounts: 1, accountEvents: 1 })).toBe(
      'redeliver',
    );
    expect(runbookAction('IngoOutcomeUnknown', { routableAccounts: 0, accountEvents: 0 })).toBe(
      'retry',
    );
    expect(runbookAction('IngoOutcomeUnknown', { routableAccounts: 1, accountEvents: 0 })).toBe(
      'left_alone',
    );
    expect(runbookAction('IngoUserConflict', undefined)).toBe('left_alone');
    expect(runbookAction('IngoValidationError', undefined)).toBe('left_alone');
  });
});
