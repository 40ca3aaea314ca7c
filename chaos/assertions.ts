import type { OnboardingView } from '../src/api/schemas';
import { onboardingWorkflowId } from '../src/contract/ids';
import type { Facts, IngoUserFact } from './facts';
import { expectedIngoTotals, type PlannedSignup } from './plan';
import type { WebhookEvent } from '../dev/sandbox/admin-client';

/**
 * The verdict on a run, from the facts alone (pure, so a planted duplicate or a lost onboarding
 * can be shown to be caught): every onboarding in the final state its scenario prescribes; one Ingo
 * user per signup, tagged for it; no more KYC reviews at Ingo than the onboarding submitted; at
 * most one routable account per user (one for completed onboardings); one linked account and one
 * token per requested destination; every webhook Ingo sent acknowledged, or what it said learned
 * otherwise (Ingo's API, the call's own answer, a later review).
 */

export interface WebhookTally {
  events: number;
  /** Events with at least one delivery the receiver acknowledged. */
  acknowledged: number;
  /**
   * KYC events never acknowledged (dropped, or sent 0 times) whose decision the review read from
   * Ingo's API instead: by polling, or on the submission's retry.
   */
  learnedByPolling: number;
  /** Account events never acknowledged: the issue call's own answer brought the account. */
  learnedFromAnswer: number;
  /** KYC events never acknowledged for a review a later one of the same user superseded. */
  superseded: number;
  deliveries: number;
  deliveriesDelivered: number;
  deliveriesDropped: number;
}

export interface Verdict {
  violations: string[];
  /** Ingo side effects beyond what the signups asked for (users, accounts, links, tokens). */
  duplicates: number;
  /** Onboardings not in their prescribed final state, and side effects missing. */
  lost: number;
  finalStates: Record<string, number>;
  kycDecidedBy: Record<string, number>;
  duplicateSignals: number;
  webhooks: WebhookTally;
}

const KYC_EVENT = /^user\.kyc\./;
/**
 * Decisions read from Ingo's API rather than a webhook: a poll, or a submission whose retry (after
 * a lost answer) found the review already decided by asking `check-verification-request`, the
 * same call a poll makes.
 */
const LEARNED_FROM_INGO_API = new Set(['poll', 'submission']);
const ACCOUNT_EVENT = 'account.issue.created';
const PENDING = new Set(['waiting_for_url', 'scheduled', 'in_flight']);

export function judge(signups: readonly PlannedSignup[], facts: Facts): Verdict {
  const violations: string[] = [];
  let duplicates = 0;
  let lost = 0;
  const finalStates: Record<string, number> = {};
  const kycDecidedBy: Record<string, number> = {};
  let duplicateSignals = 0;
  const bump = (counts: Record<string, number>, key: string) => {
    counts[key] = (counts[key] ?? 0) + 1;
  };

  const usersByEmail = new Map<string, IngoUserFact[]>();
  for (const user of facts.ingoUsers) {
    const email = (user.email ?? '').toLowerCase();
    usersByEmail.set(email, [...(usersByEmail.get(email) ?? []), user]);
  }
  const signupOfUser = new Map<string, PlannedSignup>();
  const planned = new Set(signups.map((s) => s.email));
  for (const user of facts.ingoUsers) {
    if (!planned.has((user.email ?? '').toLowerCase())) {
      duplicates += 1;
      violations.push(`Ingo user ${user.id} belongs to no signup of the run`);
    }
  }

  const kycEventsOf = new Map<string, number>();
  for (const event of facts.webhookEvents) {
    if (KYC_EVENT.test(event.event)) {
      kycEventsOf.set(event.user_id, (kycEventsOf.get(event.user_id) ?? 0) + 1);
    }
  }

  const tokens = new Map<string, string>();
  const noteToken = (token: string | undefined, signupId: string) => {
    if (token === undefined) return;
    const other = tokens.get(token);
    if (other !== undefined) {
      duplicates += 1;
      violations.push(`${signupId}: payout token also given to ${other}`);
    }
    tokens.set(token, signupId);
  };

  for (const signup of signups) {
    const id = signup.signupId;
    const view = facts.views.get(id);
    if (view === undefined) {
      lost += 1;
      violations.push(`${id}: the API knows no onboarding for it`);
      continue;
    }
    const closed = view.closedAt !== undefined;
    bump(finalStates, closed ? view.status : `open:${view.status}`);
    if (view.lastKycReview) {
      bump(kycDecidedBy, view.lastKycReview.decidedBy ?? 'undecided');
      duplicateSignals += view.lastKycReview.duplicateSignals;
    }
    if (!closed || view.status !== signup.expected) {
      lost += 1;
      const why = view.lastError ? ` (${view.lastError.type} at ${view.lastError.step})` : '';
      violations.push(
        `${id} (${signup.scenario}): expected ${signup.expected}, is ${closed ? '' : 'still '}` +
          `${view.status} at step ${view.step}${why}`,
      );
    }

    // Users: exactly one per signup, tagged for its onboarding, the one the onboarding names.
    const users = usersByEmail.get(signup.email) ?? [];
    if (users.length === 0) {
      lost += 1;
      violations.push(`${id}: no Ingo user with its email`);
    } else if (users.length > 1) {
      duplicates += users.length - 1;
      violations.push(`${id}: ${users.length} Ingo users with its email`);
    }
    for (const user of users) {
      signupOfUser.set(user.id, signup);
      if (user.onboardingId !== onboardingWorkflowId(id)) {
        violations.push(
          `${id}: Ingo user ${user.id} is tagged ${user.onboardingId ?? 'with nothing'}`,
        );
      }
    }
    if (users.length === 1 && view.ingoUserId !== users[0]!.id) {
      violations.push(
        `${id}: the onboarding names Ingo user ${view.ingoUserId}, Ingo holds ${users[0]!.id}`,
      );
    }

    // KYC reviews Ingo ran: one event per decided review (recorded even when never sent). More
    // than the onboarding submitted means a submission was repeated into a review of its own.
    const reviews = users.reduce((n, u) => n + (kycEventsOf.get(u.id) ?? 0), 0);
    const submitted = view.kycSubmissions ?? 0;
    if (reviews > submitted) {
      duplicates += reviews - submitted;
      violations.push(
        `${id}: Ingo ran ${reviews} KYC reviews for ${submitted} submission(s) by the onboarding`,
      );
    }

    const completed = signup.expected === 'completed';
    const accounts = users.flatMap((u) => facts.sandboxUsers.get(u.id)?.routable_accounts ?? []);
    const linked = users.flatMap((u) => facts.sandboxUsers.get(u.id)?.bank_accounts ?? []);
    ({ duplicates, lost } = countAgainst(
      `${id}: routable accounts`,
      accounts.length,
      completed ? 1 : 0,
      { duplicates, lost },
      violations,
    ));
    if (completed && accounts.length === 1 && view.routableAccount?.id !== accounts[0]!.id) {
      violations.push(
        `${id}: the onboarding reports account ${view.routableAccount?.id ?? 'none'}, Ingo holds ${accounts[0]!.id}`,
      );
    }
    const wantLink = completed && signup.extras.bankAccount ? 1 : 0;
    ({ duplicates, lost } = countAgainst(
      `${id}: linked bank accounts`,
      linked.length,
      wantLink,
      { duplicates, lost },
      violations,
    ));
    if (wantLink === 1 && linked.length === 1 && view.linkedBankAccount?.id !== linked[0]!.id) {
      violations.push(`${id}: the onboarding reports another linked account than Ingo holds`);
    }

    const payout = view.payoutTokens ?? {};
    for (const [kind, wanted, token] of [
      ['check', signup.extras.checkByMail, payout.checkByMail?.customerAccountToken],
      ['bill pay', signup.extras.billPay, payout.billPay?.customerAccountToken],
    ] as const) {
      const want = completed && wanted;
      if (want && token === undefined && view.status === 'completed') {
        lost += 1;
        violations.push(`${id}: no ${kind} token, though requested`);
      }
      if (!want && token !== undefined) {
        duplicates += 1;
        violations.push(`${id}: a ${kind} token, though none was requested`);
      }
      noteToken(token, id);
    }
  }

  // Ingo's own counters: what was created, retries and lost answers included.
  const totals = expectedIngoTotals(signups);
  const { stats } = facts;
  for (const [what, actual, expected] of [
    ['users created', stats.usersCreated, totals.users],
    ['routable accounts issued', stats.accountsIssued, totals.routableAccounts],
    ['bank accounts linked', stats.bankAccountsLinked, totals.linkedBankAccounts],
    ['payout tokens issued', stats.tokensIssued, totals.tokens],
  ] as const) {
    if (actual !== expected) {
      violations.push(`Ingo counts ${actual} ${what}; the signups call for ${expected}`);
    }
  }
  // More tokens than all requests together: some request was tokenised twice.
  const extraTokens = stats.tokensIssued - totals.tokens;
  if (extraTokens > 0) duplicates += extraTokens;

  const webhooks = judgeWebhooks(facts, signupOfUser, violations);
  return {
    violations,
    duplicates,
    lost,
    finalStates,
    kycDecidedBy,
    duplicateSignals,
    webhooks,
  };
}

/** `actual` against `expected` of one kind of side effect: extras are duplicates, gaps lost. */
function countAgainst(
  what: string,
  actual: number,
  expected: number,
  tally: { duplicates: number; lost: number },
  violations: string[],
): { duplicates: number; lost: number } {
  if (actual === expected) return tally;
  violations.push(`${what}: ${actual}, expected ${expected}`);
  return actual > expected
    ? { ...tally, duplicates: tally.duplicates + actual - expected }
    : { ...tally, lost: tally.lost + expected - actual };
}

function judgeWebhooks(
  facts: Facts,
  signupOfUser: Map<string, PlannedSignup>,
  violations: string[],
): WebhookTally {
  const tally: WebhookTally = {
    events: facts.webhookEvents.length,
    acknowledged: 0,
    learnedByPolling: 0,
    learnedFromAnswer: 0,
    superseded: 0,
    deliveries: 0,
    deliveriesDelivered: 0,
    deliveriesDropped: 0,
  };
  const lastKycEvent = new Map<string, WebhookEvent>();
  /** Users with a KYC event that reached the receiver. */
  const kycDelivered = new Set<string>();
  for (const event of facts.webhookEvents) {
    if (!KYC_EVENT.test(event.event)) continue;
    lastKycEvent.set(event.user_id, event);
    if (event.deliveries.some((d) => d.state === 'delivered')) kycDelivered.add(event.user_id);
  }

  for (const event of facts.webhookEvents) {
    const where = `webhook ${event.event_id} (${event.event})`;
    for (const delivery of event.deliveries) {
      tally.deliveries += 1;
      if (delivery.state === 'delivered') tally.deliveriesDelivered += 1;
      if (delivery.state === 'dropped') tally.deliveriesDropped += 1;
      if (delivery.state === 'failed') {
        violations.push(`${where}: a delivery was given up after ${delivery.attempts} attempts`);
      }
      if (PENDING.has(delivery.state))
        violations.push(`${where}: a delivery is still ${delivery.state}`);
    }
    const signup = signupOfUser.get(event.user_id);
    const view: OnboardingView | undefined = signup && facts.views.get(signup.signupId);
    if (signup === undefined || view === undefined) {
      violations.push(`${where}: for Ingo user ${event.user_id}, of no signup of the run`);
      continue;
    }
    if (event.deliveries.some((d) => d.state === 'delivered')) {
      tally.acknowledged += 1;
      continue;
    }
    // Never acknowledged: what it said must have reached the onboarding some other way.
    if (KYC_EVENT.test(event.event)) {
      const decidedBy = view.lastKycReview?.decidedBy ?? '';
      // Woken by another event of the user, the review read the decision from Ingo's API.
      const wokenByAnother = decidedBy === 'webhook' && kycDelivered.has(event.user_id);
      if (lastKycEvent.get(event.user_id) !== event) {
        // A later review of the user at Ingo made it obsolete (duplicate reviews: judged above).
        tally.superseded += 1;
      } else if (LEARNED_FROM_INGO_API.has(decidedBy) || wokenByAnother) {
        tally.learnedByPolling += 1;
      } else {
        violations.push(
          `${where}: never acknowledged, yet ${signup.signupId}'s review says it was decided by ` +
            `${view.lastKycReview?.decidedBy ?? 'nothing'}`,
        );
      }
    } else if (event.event === ACCOUNT_EVENT) {
      if (view.routableAccount !== null) tally.learnedFromAnswer += 1;
      else violations.push(`${where}: never acknowledged, and ${signup.signupId} has no account`);
    }
  }
  return tally;
}
