import {
  condition,
  getExternalWorkflowHandle,
  log,
  setCurrentDetails,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import {
  reviewProgressQuery,
  reviewStatusChangedSignal,
  verificationResultSignal,
} from '../contract/messages';
import type {
  DecisionSource,
  ReviewInput,
  ReviewOutcome,
  ReviewProgress,
  VerificationEvent,
  VerificationStatus,
} from '../contract/verification';
import type { VerificationReviewWorkflow } from '../contract/workflow-types';
import { publishSearchAttributes } from './publish-search-attributes';
import { reviewSubject, type ReviewSubject } from './review-subjects';

/**
 * One verification review of one subject at Ingo (for a person: child workflow
 * `kyc-<ingoUserId>`): submit, then wait for the `verificationResult` signal (the webhook) and
 * fall back to polling when none comes, until Ingo decides or the deadline passes. A signal only
 * wakes the review up: Ingo's API decides. Duplicate and stale signals change nothing.
 */
export const verificationReview: VerificationReviewWorkflow = async (input) => {
  const review = new VerificationReview(input);
  review.setup();
  return review.run();
};

/**
 * Webhooks wake the review at most this often: a burst of deliveries for one subject (stale or
 * contradicted claims, each with a new event id) costs one Ingo call per spacing, not one each.
 * The first delivery after a quiet spell is confirmed at once.
 */
const WEBHOOK_CONFIRMATION_SPACING_MS = 2_000;

/** Bounds what travels to the next review; ids older than this are long past redelivery. */
const MAX_REMEMBERED_EVENTS = 100;

const isFinal = (status: VerificationStatus) => status === 'verified' || status === 'failed';

class VerificationReview {
  private readonly subject: ReviewSubject;
  private readonly deadline: number;
  private readonly seen: Set<string>;
  /** Deliveries not yet confirmed with Ingo. */
  private readonly inbox: VerificationEvent[] = [];
  /** The latest event claiming each status, for the reasons behind a confirmed decision. */
  private readonly claims = new Map<VerificationStatus, VerificationEvent>();
  private status: VerificationStatus = 'not_started';
  private polls = 0;
  private signals = 0;
  private duplicateSignals = 0;
  private lastWebhookConfirmationAt = -Infinity;

  constructor(private readonly input: ReviewInput) {
    this.subject = reviewSubject(input.subject, input.timing);
    this.deadline = Date.now() + input.timing.kycDeadline;
    this.seen = new Set(input.seenEventIds);
  }

  setup(): void {
    setHandler(verificationResultSignal, (event) => this.onEvent(event));
    setHandler(reviewProgressQuery, () => this.progress());
  }

  async run(): Promise<ReviewOutcome> {
    publishSearchAttributes([this.subject.idAttribute]);
    const source = await this.submitOrLookUp();
    if (isFinal(this.status)) return this.outcome(source);
    return this.awaitDecision();
  }

  /** Submits; for data an earlier review already submitted, asks Ingo where it stands instead. */
  private async submitOrLookUp(): Promise<DecisionSource> {
    let status = this.input.submit ? 'not_started' : await this.subject.check();
    let source: DecisionSource = 'poll';
    if (status === 'not_started') {
      status = await this.subject.submit(this.input.statusBefore ?? 'not_started');
      source = 'submission';
    }
    await this.record(status, 'Waiting for the webhook.');
    return source;
  }

  /** Confirms each wake-up with Ingo, polling with back-off after the grace period. */
  private async awaitDecision(): Promise<ReviewOutcome> {
    const { kycGracePeriod, kycPollInterval, kycMaxPollInterval } = this.input.timing;
    let interval = kycPollInterval;
    let nextPollAt = Date.now() + kycGracePeriod;
    for (;;) {
      const signalled = await this.wakeUp(Math.min(nextPollAt, this.deadline));
      if (!signalled) {
        this.polls += 1;
        nextPollAt = Date.now() + interval;
        interval = Math.min(interval * 2, kycMaxPollInterval);
      }
      const confirmed = await this.subject.check();
      if (signalled) this.lastWebhookConfirmationAt = Date.now();
      const nextPoll = new Date(Math.min(nextPollAt, this.deadline)).toISOString();
      await this.record(confirmed, `Next poll at ${nextPoll}.`);
      if (isFinal(confirmed)) return this.outcome(signalled ? 'webhook' : 'poll');
      if (Date.now() >= this.deadline) return this.outcome();
    }
  }

  /** True when a webhook woke the review, false at `at`; webhooks are confirmed once per spacing. */
  private async wakeUp(at: number): Promise<boolean> {
    const signalled = await condition(() => this.inbox.length > 0, Math.max(at - Date.now(), 1));
    if (signalled) {
      // Deliveries arriving meanwhile join the inbox and are confirmed by the one call after it.
      const wait = this.lastWebhookConfirmationAt + WEBHOOK_CONFIRMATION_SPACING_MS - Date.now();
      if (wait > 0) await sleep(wait);
    }
    for (const event of this.inbox.splice(0)) this.claims.set(event.status, event);
    return signalled;
  }

  /** Tells the parent of a changed status, and shows it in the search attributes and details. */
  private async record(status: VerificationStatus, waiting: string): Promise<void> {
    const { parent } = workflowInfo();
    if (status !== this.status && parent) {
      await getExternalWorkflowHandle(parent.workflowId, parent.runId).signal(
        reviewStatusChangedSignal,
        { subjectId: this.subject.id, status },
      );
    }
    this.status = status;
    publishSearchAttributes([this.subject.statusAttribute(status)]);
    setCurrentDetails(
      `**${this.subject.title}**: **${status}**. ${waiting}\n\n` +
        `Polls: ${this.polls}. Webhook signals: ${this.signals} (${this.duplicateSignals} duplicates). ` +
        `Deadline: ${new Date(this.deadline).toISOString()}.`,
    );
  }

  private onEvent(event: VerificationEvent): void {
    this.signals += 1;
    if (event.subjectId !== this.subject.id) {
      log.warn('verification event for another subject ignored', { eventId: event.eventId });
      return;
    }
    if (this.seen.has(event.eventId)) {
      this.duplicateSignals += 1;
      return;
    }
    this.seen.add(event.eventId);
    this.inbox.push(event);
  }

  private progress(): ReviewProgress {
    const { status, polls, signals, duplicateSignals } = this;
    const deadline = new Date(this.deadline).toISOString();
    return { subjectId: this.subject.id, status, polls, signals, duplicateSignals, deadline };
  }

  private outcome(decidedBy?: DecisionSource): ReviewOutcome {
    const claim = this.claims.get(this.status);
    return {
      status: this.status,
      decided: isFinal(this.status),
      decidedBy,
      reasons: claim?.reasons ?? [],
      reasonCodes: claim?.reasonCodes ?? [],
      seenEventIds: [...this.seen].slice(-MAX_REMEMBERED_EVENTS),
      polls: this.polls,
      signals: this.signals,
      duplicateSignals: this.duplicateSignals,
    };
  }
}
