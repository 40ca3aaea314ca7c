import {
  condition,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { OnboardingActivities } from '../activities';
import type { KycStatus } from '../ingo/kyc-status';
import type { KycWebhookEvent } from '../ingo/schemas/webhook';
import { ingoActivityOptions } from './activity-options';
import {
  kycProgressQuery,
  kycResultSignal,
  kycStatusChangedSignal,
  type KycDecisionSource,
  type KycProgress,
  type KycReviewSummary,
} from '../contract/messages';
import type { KycData, Timing } from '../contract/onboarding-input';
import { LIGHTER_WORKFLOWS } from './patches';
import { searchAttributePublisher } from './publish-search-attributes';
import { IngoUserIdKey, KycStatusKey } from '../contract/search-attributes';

export interface KycReviewInput {
  ingoUserId: string;
  kyc: KycData;
  /**
   * False when an earlier review of this user already submitted this data (an operator retry
   * after the deadline): the review is then looked up and waited for, not restarted.
   */
  submit: boolean;
  /** Event ids earlier reviews of this user consumed, so their late duplicates change nothing. */
  seenEventIds: string[];
  timing: Timing;
  /** Ingo's status of the user before this submission (`failed` for corrected data). */
  statusBefore?: KycStatus;
}

export interface KycOutcome extends KycReviewSummary {
  kycStatus: KycStatus;
  /** False when the deadline passed with the review still open. */
  decided: boolean;
  reasons: string[];
  reasonCodes: string[];
  seenEventIds: string[];
}

/**
 * Webhooks wake the review at most this often: a burst of deliveries for one user (stale or
 * contradicted claims, each with a new event id) costs one Ingo call per spacing, not one each.
 * The first delivery after a quiet spell is confirmed at once. Histories from before
 * (`LIGHTER_WORKFLOWS`) confirmed every delivery at once.
 */
const WEBHOOK_CONFIRMATION_SPACING_MS = 2_000;

/** Bounds what travels to the next review; ids older than this are long past redelivery. */
const MAX_REMEMBERED_EVENTS = 100;

const isFinal = (status: KycStatus) => status === 'verified' || status === 'failed';

/**
 * One KYC review of one Ingo user, as child workflow `kyc-<ingoUserId>`: submit, then wait for
 * the `kycResult` signal (the webhook) and fall back to polling when none comes. A signal only
 * wakes the review up: Ingo's API decides. Duplicate and stale signals change nothing.
 */
export async function kycReview(input: KycReviewInput): Promise<KycOutcome> {
  const { ingoUserId, timing } = input;
  const lighter = patched(LIGHTER_WORKFLOWS);
  const publishSearchAttributes = searchAttributePublisher(lighter);
  const { submitKyc, checkKyc } = proxyActivities<OnboardingActivities>(
    ingoActivityOptions(timing),
  );

  const seen = new Set(input.seenEventIds);
  const inbox: KycWebhookEvent[] = [];
  /** The latest event claiming each status, for the reasons behind a confirmed decision. */
  const claims = new Map<KycStatus, KycWebhookEvent>();
  const deadline = Date.now() + timing.kycDeadline;
  let kycStatus: KycStatus = 'not_started';
  let polls = 0;
  let signals = 0;
  let duplicateSignals = 0;

  setHandler(kycResultSignal, (event) => {
    signals += 1;
    if (event.userId !== ingoUserId) {
      log.warn('KYC event for another user ignored', { eventId: event.eventId });
      return;
    }
    if (seen.has(event.eventId)) {
      duplicateSignals += 1;
      return;
    }
    seen.add(event.eventId);
    inbox.push(event);
  });
  setHandler(kycProgressQuery, (): KycProgress => ({
    ingoUserId,
    kycStatus,
    polls,
    signals,
    duplicateSignals,
    deadline: new Date(deadline).toISOString(),
  }));

  const { parent } = workflowInfo();
  const record = async (status: KycStatus, waiting: string) => {
    if (status !== kycStatus && parent) {
      await getExternalWorkflowHandle(parent.workflowId, parent.runId).signal(
        kycStatusChangedSignal,
        status,
      );
    }
    kycStatus = status;
    publishSearchAttributes([{ key: KycStatusKey, value: status }]);
    setCurrentDetails(
      `**KYC review** of Ingo user \`${ingoUserId}\`: **${status}**. ${waiting}\n\n` +
        `Polls: ${polls}. Webhook signals: ${signals} (${duplicateSignals} duplicates). ` +
        `Deadline: ${new Date(deadline).toISOString()}.`,
    );
  };
  const outcome = (decidedBy?: KycDecisionSource): KycOutcome => ({
    kycStatus,
    decided: isFinal(kycStatus),
    decidedBy,
    reasons: claims.get(kycStatus)?.reasons ?? [],
    reasonCodes: claims.get(kycStatus)?.reasonCodes ?? [],
    seenEventIds: [...seen].slice(-MAX_REMEMBERED_EVENTS),
    polls,
    signals,
    duplicateSignals,
  });

  publishSearchAttributes([{ key: IngoUserIdKey, value: ingoUserId }]);
  let status = input.submit ? 'not_started' : (await checkKyc({ ingoUserId })).kycStatus;
  let source: KycDecisionSource = 'poll';
  if (status === 'not_started') {
    const statusBefore = input.statusBefore ?? 'not_started';
    status = (await submitKyc({ ingoUserId, ...input.kyc, statusBefore })).kycStatus;
    source = 'submission';
  }
  await record(status, 'Waiting for the webhook.');
  if (isFinal(status)) return outcome(source);

  let lastWebhookConfirmationAt = -Infinity;
  let interval = timing.kycPollInterval;
  let nextPollAt = Date.now() + timing.kycGracePeriod;
  for (;;) {
    const wakeAt = Math.min(nextPollAt, deadline);
    const signalled = await condition(() => inbox.length > 0, Math.max(wakeAt - Date.now(), 1));
    if (signalled && lighter) {
      // Deliveries arriving meanwhile join the inbox and are confirmed by the one call after it.
      const wait = lastWebhookConfirmationAt + WEBHOOK_CONFIRMATION_SPACING_MS - Date.now();
      if (wait > 0) await sleep(wait);
    }
    source = signalled ? 'webhook' : 'poll';
    for (const event of inbox.splice(0)) claims.set(event.kycStatus, event);
    if (!signalled) {
      polls += 1;
      nextPollAt = Date.now() + interval;
      interval = Math.min(interval * 2, timing.kycMaxPollInterval);
    }

    const confirmed = (await checkKyc({ ingoUserId })).kycStatus;
    if (signalled) lastWebhookConfirmationAt = Date.now();
    await record(
      confirmed,
      `Next poll at ${new Date(Math.min(nextPollAt, deadline)).toISOString()}.`,
    );
    if (isFinal(confirmed)) return outcome(source);
    if (Date.now() >= deadline) return outcome();
  }
}
