import { randomUUID } from 'node:crypto';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { startOnboarding } from '../../src/temporal/start-onboarding';
import { kycWorkflowId } from '../../src/contract/ids';
import type { ReviewOutcome } from '../../src/contract/verification';
import { statusQuery } from '../../src/contract/messages';
import type { OnboardingStatusView } from '../../src/contract/onboarding-view';
import type { OnboardingRequest } from '../../src/contract/onboarding-input';
import { countCost, normaliseEventType, type CostCount, type HistoryJson } from './actions';
import { applicantFor, OPTIONAL_STEPS } from '../../dev/testing/signups';
import type { InProcessStack } from '../../dev/testing/in-process-stack';
import { until, within } from './wait';

/** One onboarding, alone on the stack, measured: what it cost in Temporal and at Ingo. */

export interface CostCase {
  /** The SSN's last four: `6789` verified with a webhook, `2222` in review until decided. */
  ssnLast4: string;
  /** Link an external account and tokenise both payees as well. */
  optionalSteps: boolean;
  /** Every webhook dropped (the sandbox's `dropWebhookRate: 1`): only polling can decide. */
  webhookLost: boolean;
  /** With `webhookLost`: how long the review waits (time skipped) before Ingo decides it. */
  waitMs?: number;
}

export interface CostMeasurement {
  cost: CostCount;
  onboardingEvents: number;
  reviewEvents: number;
  ingoCalls: number;
  callsByPath: Record<string, number>;
  webhooksDelivered: number;
  polls: number;
  decidedBy: string | undefined;
  /** Wall-clock time the case took, time skipping included. */
  realMs: number;
}

/** Generous: a 7-day wait is ~170 polls, each a few round trips on a busy machine. */
const SKIP_TIMEOUT_MS = 10 * 60_000;
const REAL_TIMEOUT_MS = 60_000;

const runTag = randomUUID().slice(0, 8);
let signups = 0;

/** What a case needs of the stack (on the time-skipping server). */
export type CostStack = Pick<InProcessStack, 'env' | 'taskQueue' | 'admin'>;

async function historyOf(stack: CostStack, workflowId: string): Promise<HistoryJson> {
  const history = await stack.env.client.workflow.getHandle(workflowId).fetchHistory();
  return JSON.parse(historyToJSON(history)) as HistoryJson;
}

export async function measureCase(stack: CostStack, spec: CostCase): Promise<CostMeasurement> {
  const started = Date.now();
  await stack.admin.reset();
  if (spec.webhookLost) await stack.admin.putFaults({ dropWebhookRate: 1 });

  signups += 1;
  const signupId = `bench-cost-${runTag}-${signups}`;
  const request: OnboardingRequest = {
    signupId,
    applicant: applicantFor(signupId, spec.ssnLast4),
    ...(spec.optionalSteps ? OPTIONAL_STEPS : {}),
  };
  const handle = await startOnboarding(stack.env.client, request, { taskQueue: stack.taskQueue });
  // Queries run in real time: the server's clock only skips while a result is awaited (or env.sleep).
  const status = async (): Promise<OnboardingStatusView | undefined> => {
    try {
      return await handle.query(statusQuery);
    } catch {
      return undefined; // before its first workflow task
    }
  };

  if (!spec.webhookLost) {
    await until(
      `onboarding ${signupId} to finish`,
      async () => {
        const view = await status();
        return view && view.status !== 'in_progress' ? view : undefined;
      },
      REAL_TIMEOUT_MS,
    );
  } else {
    const view = await until(
      `the KYC review of ${signupId} to be in review`,
      async () => {
        const current = await status();
        return current?.kycStatus === 'in_review' ? current : undefined;
      },
      REAL_TIMEOUT_MS,
    );
    const userId = view.ingoUserId!;
    // The review's wait has begun once its timer is in its history; only then may time skip.
    await until(
      `the KYC review of ${signupId} to start waiting`,
      async () => {
        const events = (await historyOf(stack, kycWorkflowId(userId))).events;
        return events.some((event) => normaliseEventType(event.eventType) === 'TIMER_STARTED')
          ? true
          : undefined;
      },
      REAL_TIMEOUT_MS,
    );
    if (spec.waitMs) {
      await within(
        `${spec.waitMs} ms of skipped time`,
        stack.env.sleep(spec.waitMs),
        SKIP_TIMEOUT_MS,
      );
    }
    await stack.admin.decide(userId, 'verified');
  }

  const result = await within(`the result of ${signupId}`, handle.result(), SKIP_TIMEOUT_MS);
  if (result.outcome !== 'completed') {
    throw new Error(`onboarding ${signupId} ended ${result.outcome}, not completed`);
  }
  const reviewId = kycWorkflowId(result.ingoUserId);
  const review = (await stack.env.client.workflow.getHandle(reviewId).result()) as ReviewOutcome;
  const [onboardingHistory, reviewHistory] = await Promise.all([
    historyOf(stack, handle.workflowId),
    historyOf(stack, reviewId),
  ]);
  const stats = await stack.admin.stats();
  return {
    cost: countCost([
      { workflowId: handle.workflowId, history: onboardingHistory },
      { workflowId: reviewId, history: reviewHistory },
    ]),
    onboardingEvents: onboardingHistory.events.length,
    reviewEvents: reviewHistory.events.length,
    ingoCalls: Object.values(stats.calls).reduce((sum, calls) => sum + calls, 0),
    callsByPath: stats.calls,
    webhooksDelivered: stats.webhooks.delivered,
    polls: review.polls,
    decidedBy: review.decidedBy,
    realMs: Date.now() - started,
  };
}
