import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OnboardingApiClient } from '../../src/api/client';
import { startBaselineWorker } from '../baseline/process';
import { signalSink } from '../baseline/workflows';
import { startBenchStack } from '../lib/bench-stack';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { kycWebhookEvent } from '../../src/ingo/schemas/webhook';
import { kycEvent } from '../../dev/sandbox/webhook-event';
import { kycWorkflowId } from '../../src/contract/ids';
import { verificationResultSignal } from '../../src/contract/messages';
import { roundRobin, unknownUsers, WEBHOOK_PATH, type DeliverySigner } from '../lib/deliveries';
import { formatNumber, markdownTable, summaryLine } from '../lib/format';
import { pacedCalls, type CallOutcome, type PacedRun } from '../lib/paced';
import { pacedRequests } from '../lib/paced-http';
import { saturate, type SaturationRun } from '../lib/saturation';
import { formatRuns, spreadOf } from '../lib/stats';
import { onboardingRequest, signupIdFor } from '../lib/targets';
import { type Scenario, type ScenarioOptions, type ScenarioResult } from '../scenario';
import { startSignatureOnlyServer } from '../webhook/child-server';

/**
 * Scenario 3: the webhook receiver. Signed `user.kyc.success` deliveries at a fixed rate, each
 * signalling one of a set of open KYC reviews (onboardings whose SSN ends 2222 stay in review, so
 * every delivery wakes a real review, which confirms with Ingo and waits again); beside it the
 * same checks without the signal (signature-only server), and deliveries for users without a
 * review. Then each receiver's ceiling: as many deliveries as a fixed number of connections can
 * push (autocannon). Last, alone on the machine, the engine's own ceiling: the same signal from a
 * Temporal client to workflows that do nothing but take it. The receiver and that ceiling are also
 * measured at a lower rate, to show where the engine's p99 comes under the target.
 */

interface WebhookPlan {
  rate: number;
  durationMs: number;
  warmupMs: number;
  /** Between runs. */
  pauseMs: number;
  runs: number;
  openReviews: number;
  /** Whether the "no review" and engine-ceiling variants and the saturation runs are measured too. */
  extended: boolean;
  /** A second rate for the receiver and the engine's ceiling (extended plans). */
  lowerRate: number;
  saturationSeconds: number;
  saturationConnections: number;
}

const FULL: WebhookPlan = {
  rate: 200,
  durationMs: 10_000,
  warmupMs: 2_000,
  pauseMs: 1_000,
  runs: 3,
  openReviews: 50,
  extended: true,
  lowerRate: 100,
  saturationSeconds: 8,
  saturationConnections: 20,
};
const QUICK: WebhookPlan = {
  rate: 200,
  durationMs: 3_000,
  warmupMs: 1_000,
  pauseMs: 500,
  runs: 3,
  openReviews: 10,
  extended: false,
  lowerRate: 0,
  saturationSeconds: 0,
  saturationConnections: 0,
};

type VariantName = 'signalled' | 'signature_only' | 'engine_only' | 'engine_ceiling' | 'no_review';

const SIGNAL_SINK_TASK_QUEUE = 'bench-signal-sink';

const VARIANT_TEXT: Record<VariantName, string> = {
  signalled: 'receiver, signalling an open KYC review',
  signature_only: 'signature check and parsing only, no signal',
  engine_only: 'the same signal sent straight from a Temporal client: no HTTP, no receiver',
  engine_ceiling:
    "the engine's ceiling: the same signal from a Temporal client to a workflow that only takes " +
    'it, on a dev server alone',
  no_review: 'receiver, no review for the user (`workflow_not_found`)',
};

/** Starts onboardings whose KYC stays in review and returns their Ingo user ids once it is. */
async function openReviews(
  api: OnboardingApiClient,
  count: number,
  progress: (message: string) => void,
): Promise<string[]> {
  const signupIds = Array.from({ length: count }, (_, i) => signupIdFor('review', i));
  for (let i = 0; i < signupIds.length; i += 20) {
    await Promise.all(
      signupIds.slice(i, i + 20).map((id) => api.start(onboardingRequest(id, '2222'))),
    );
  }
  const users = new Map<string, string>();
  const deadline = Date.now() + 120_000;
  while (users.size < count) {
    if (Date.now() > deadline) throw new Error(`only ${users.size} of ${count} reviews opened`);
    const waiting = signupIds.filter((id) => !users.has(id));
    for (let i = 0; i < waiting.length; i += 20) {
      await Promise.all(
        waiting.slice(i, i + 20).map(async (id) => {
          const view = await api.get(id);
          if (view.kycStatus === 'in_review' && view.ingoUserId) users.set(id, view.ingoUserId);
        }),
      );
    }
    if (users.size < count) await sleep(500);
  }
  progress(`${count} KYC reviews open (in review until decided)`);
  return [...users.values()];
}

/**
 * The receiver's signal without the receiver: the KYC event it would signal (the sandbox's
 * delivery, read by the receiver's schema), sent by the benchmark's own Temporal client to the
 * review (payloads encrypted alike; what is left is Temporal and the worker), or to a signal sink
 * of the baseline worker (what is left is Temporal and the SDK).
 */
function signalStraight(
  client: Client,
  userIds: readonly string[],
  workflowId: (userId: string) => string = kycWorkflowId,
) {
  return async (seq: number): Promise<CallOutcome> => {
    const userId = userIds[seq % userIds.length]!;
    const event = kycWebhookEvent.parse(kycEvent(userId, 'verified', new Date()));
    try {
      await client.workflow.getHandle(workflowId(userId)).signal(verificationResultSignal, event);
      return { ack: true };
    } catch (error) {
      if (error instanceof WorkflowNotFoundError)
        return { ack: false, refused: 'workflow_not_found' };
      throw error;
    }
  };
}

/** Paced calls of one variant at a rate, for a duration. */
type Variant = (rate: number, durationMs: number) => Promise<PacedRun>;

/** One variant at one rate. */
interface Measurement {
  name: VariantName;
  rate: number;
}

const key = (name: VariantName, rate: number) => `${name}@${rate}`;

/**
 * Measures each variant at its rate, `plan.runs` times in rotation (so no variant always runs right
 * after another's backlog), after a warm-up of each (JIT, connections, first wake-ups).
 */
async function pacedRuns(
  plan: WebhookPlan,
  measurements: Measurement[],
  variants: Partial<Record<VariantName, Variant>>,
  paced: Map<string, PacedRun[]>,
  progress: (message: string) => void,
): Promise<void> {
  const variant = (name: VariantName) => {
    const run = variants[name];
    if (!run) throw new Error(`variant ${name} is not set up here`);
    return run;
  };
  for (const name of new Set(measurements.map((m) => m.name))) {
    await variant(name)(plan.rate, plan.warmupMs);
  }
  for (let run = 0; run < plan.runs; run += 1) {
    const order = measurements.map((_, i) => measurements[(i + run) % measurements.length]!);
    for (const { name, rate } of order) {
      // The previous variant's answers are all in; a moment for its after-effects too.
      await sleep(plan.pauseMs);
      const result = await variant(name)(rate, plan.durationMs);
      paced.set(key(name, rate), [...(paced.get(key(name, rate)) ?? []), result]);
      progress(
        `${name} at ${rate}/s: ${result.acksPerSecond.toFixed(1)} acks/s, p50 ` +
          `${result.latency.p50.toFixed(1)} ms, p99 ${result.latency.p99.toFixed(1)} ms, ` +
          `non-2xx ${describeNon2xx(result)}, sent late ${result.late}`,
      );
    }
  }
}

/**
 * The engine's own ceiling for these signals, on a stack of its own that is only the dev server:
 * `plan.openReviews` workflows that do nothing but take the KYC signal, on a baseline worker (its
 * own process, the real worker's tuning and heap), signalled from a Temporal client without the
 * payload codec (the baseline worker has none), at each rate.
 */
async function measureEngineCeiling(
  plan: WebhookPlan,
  rates: number[],
  paced: Map<string, PacedRun[]>,
  options: ScenarioOptions,
): Promise<void> {
  const { progress, workDir } = options;
  progress("starting a dev server alone for the engine's ceiling");
  const stack = await startBenchStack({ name: 'webhooks-ceiling', workDir, parts: ['temporal'] });
  try {
    const worker = await startBaselineWorker({
      env: stack.env,
      taskQueue: SIGNAL_SINK_TASK_QUEUE,
      logFile: path.join(workDir, 'webhooks-signal-sink-worker.log'),
    });
    try {
      const client = new Client({
        connection: stack.connection,
        namespace: stack.scripted.plan.temporal.namespace,
      });
      const users = unknownUsers(plan.openReviews);
      const workflowId = (userId: string) => `bench-signal-sink-${userId}`;
      for (const userId of users) {
        await client.workflow.start(signalSink, {
          taskQueue: SIGNAL_SINK_TASK_QUEUE,
          workflowId: workflowId(userId),
        });
      }
      const call = signalStraight(client, users, workflowId);
      await pacedRuns(
        plan,
        rates.map((rate) => ({ name: 'engine_ceiling', rate })),
        { engine_ceiling: (rate, durationMs) => pacedCalls({ rate, durationMs, call }) },
        paced,
        progress,
      );
    } finally {
      await worker.stop();
    }
  } finally {
    await stack.stop();
  }
}

function describeNon2xx(run: PacedRun): number {
  return Object.values(run.non2xx).reduce((total, n) => total + n, 0) + run.failures;
}

async function measure(options: ScenarioOptions, plan: WebhookPlan): Promise<ScenarioResult> {
  const { progress, workDir } = options;
  progress('starting the stack (dist/) and the signature-only receiver');
  const stack = await startBenchStack({ name: 'webhooks', workDir });
  const paced = new Map<string, PacedRun[]>();
  const saturation: Partial<Record<VariantName, SaturationRun[]>> = {};
  const rates = plan.lowerRate > 0 ? [plan.rate, plan.lowerRate] : [plan.rate];
  const names: VariantName[] = plan.extended
    ? ['signalled', 'signature_only', 'engine_only', 'no_review']
    : ['signalled', 'signature_only', 'engine_only'];
  const measurements: Measurement[] = [
    ...names.map((name) => ({ name, rate: plan.rate })),
    ...rates.slice(1).map((rate) => ({ name: 'signalled' as const, rate })),
  ];
  try {
    const signatureOnly = await startSignatureOnlyServer({
      env: stack.env,
      logFile: path.join(workDir, 'webhooks-signature-only.log'),
    });
    try {
      const { ingo } = stack.scripted.plan.config;
      const signer: DeliverySigner = {
        username: ingo.banking.username,
        secret: ingo.webhookSecret,
      };
      const reviewUsers = await openReviews(stack.api, plan.openReviews, progress);
      const receivers = {
        signalled: { url: stack.scripted.apiUrl, build: roundRobin(reviewUsers, signer) },
        signature_only: { url: signatureOnly.url, build: roundRobin(reviewUsers, signer) },
      };
      const http =
        ({ url, build }: { url: string; build: ReturnType<typeof roundRobin> }): Variant =>
        (rate, durationMs) =>
          pacedRequests({ baseUrl: url, rate, durationMs, build });
      await pacedRuns(
        plan,
        measurements,
        {
          signalled: http(receivers.signalled),
          signature_only: http(receivers.signature_only),
          engine_only: (rate, durationMs) =>
            pacedCalls({ rate, durationMs, call: signalStraight(stack.client, reviewUsers) }),
          no_review: http({
            url: stack.scripted.apiUrl,
            build: roundRobin(unknownUsers(1000), signer),
          }),
        },
        paced,
        progress,
      );

      if (plan.saturationSeconds > 0) {
        for (let run = 0; run < plan.runs; run += 1) {
          for (const name of ['signalled', 'signature_only'] as const) {
            await sleep(1_000);
            const result = await saturate({
              url: `${receivers[name].url}${WEBHOOK_PATH}`,
              connections: plan.saturationConnections,
              durationSeconds: plan.saturationSeconds,
              build: receivers[name].build,
            });
            (saturation[name] ??= []).push(result);
            progress(
              `${name} ceiling (${plan.saturationConnections} connections): ` +
                `${result.acksPerSecond.toFixed(0)} acks/s, p50 ${result.p50} ms, p99 ${result.p99} ms, non-2xx ${result.non2xx}`,
            );
          }
        }
      }
    } finally {
      await signatureOnly.stop();
    }
  } finally {
    progress('stopping the stack');
    await stack.stop();
  }
  // Alone on the machine: the main stack's reviews would still be working off their backlog.
  if (plan.extended) await measureEngineCeiling(plan, rates, paced, options);
  const ceiling = rates.map((rate) => ({ name: 'engine_ceiling' as const, rate }));
  return report(
    plan,
    [...measurements, ...(plan.extended ? ceiling : [])],
    paced,
    saturation,
    stack.env.LOG_LEVEL ?? 'info',
  );
}

function report(
  plan: WebhookPlan,
  measurements: Measurement[],
  paced: Map<string, PacedRun[]>,
  saturation: Partial<Record<VariantName, SaturationRun[]>>,
  logLevel: string,
): ScenarioResult {
  const p = (runs: PacedRun[], figure: (run: PacedRun) => number, digits = 1) =>
    formatRuns(runs, figure, digits);
  const runsOf = (name: VariantName, rate = plan.rate) => paced.get(key(name, rate)) ?? [];
  const rows = measurements.map(({ name, rate }) => {
    const runs = runsOf(name, rate);
    return [
      VARIANT_TEXT[name],
      String(rate),
      p(runs, (r) => r.acksPerSecond),
      p(runs, (r) => r.latency.p50),
      p(runs, (r) => r.latency.p99),
      p(runs, (r) => r.latency.max, 0),
      String(runs.reduce((total, run) => total + describeNon2xx(run), 0)),
    ];
  });
  const median = (name: VariantName, figure: (run: PacedRun) => number, rate = plan.rate) =>
    spreadOf(runsOf(name, rate), figure).median;
  const p99 = median('signalled', (r) => r.latency.p99);
  const signatureP50 = median('signature_only', (r) => r.latency.p50);
  const signalCostP50 = median('signalled', (r) => r.latency.p50) - signatureP50;
  const figures: Record<string, number> = {
    webhook_rate: plan.rate,
    webhook_acks_per_s: median('signalled', (r) => r.acksPerSecond),
    webhook_p50_ms: median('signalled', (r) => r.latency.p50),
    webhook_p99_ms: p99,
    signature_only_p50_ms: signatureP50,
    signature_only_p99_ms: median('signature_only', (r) => r.latency.p99),
    signal_cost_p50_ms: signalCostP50,
    engine_only_p50_ms: median('engine_only', (r) => r.latency.p50),
    engine_only_p99_ms: median('engine_only', (r) => r.latency.p99),
  };
  const lines = [
    `Signed \`user.kyc.success\` deliveries at a fixed ${plan.rate}/s for ${plan.durationMs / 1000} s per run, ` +
      `${plan.runs} runs per variant (median (min–max) over runs), each delivery a fresh event id ` +
      `signed at send time, in turn for ${plan.openReviews} open KYC reviews (SSN ending 2222: the review ` +
      'wakes, confirms with the sandbox, and waits again; the worker runs). Latency is from the ' +
      "delivery's scheduled send time to the end of the answer (open loop: a stall delays no later " +
      `delivery). LOG_LEVEL=${logLevel}. The signature-only server is the receiver's own ` +
      '`signatureCheck` and `readDelivery` behind the same request logging, answering without the signal.',
    '',
    markdownTable(['variant', 'rate /s', 'acks/s', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx'], rows),
    '',
    `What the signal costs: ${formatNumber(signalCostP50, 1)} ms at the median (signalled p50 minus ` +
      `signature-only p50). Target: p99 under 50 ms at 200/s — ${p99 < 50 ? 'met' : 'missed'} ` +
      `(${formatNumber(p99, 1)} ms).`,
    '',
    `Without the receiver: the same signals sent straight from a Temporal client to the same reviews ` +
      `had p50 ${formatNumber(figures.engine_only_p50_ms!, 1)} ms and p99 ` +
      `${formatNumber(figures.engine_only_p99_ms!, 1)} ms at ${plan.rate}/s. That is Temporal and the ` +
      'worker on this machine: the signal lands in the review, which wakes for it (a workflow task ' +
      'per signal); the receiver adds the difference.',
  ];
  if (runsOf('engine_ceiling').length > 0) {
    const ceilingP99 = median('engine_ceiling', (r) => r.latency.p99);
    figures.engine_ceiling_p99_ms = ceilingP99;
    const lower = plan.lowerRate;
    const lowerCeilingP99 = median('engine_ceiling', (r) => r.latency.p99, lower);
    lines.push(
      '',
      `The engine's own ceiling: the same signals to workflows that do nothing but take them (a ` +
        "baseline worker with the real worker's tuning and heap), on a dev server with nothing " +
        `else running, had p99 ` +
        `${formatNumber(ceilingP99, 1)} ms at ${plan.rate}/s and ` +
        `${formatNumber(lowerCeilingP99, 1)} ms at ${lower}/s; through the receiver, to the ` +
        `reviews, p99 was ${formatNumber(
          median('signalled', (r) => r.latency.p99, lower),
          1,
        )} ms ` +
        `at ${lower}/s. ` +
        (ceilingP99 < 50
          ? `The engine leaves room under 50 ms at ${plan.rate}/s: the rest is ours.`
          : `At ${plan.rate}/s the engine alone is past 50 ms on this machine: no receiver can meet ` +
            'the target here.'),
    );
  }
  const saturationRows = (['signalled', 'signature_only'] as const).flatMap((name) => {
    const runs = saturation[name];
    if (!runs) return [];
    return [
      [
        VARIANT_TEXT[name],
        formatRuns(runs, (r) => r.acksPerSecond, 0),
        formatRuns(runs, (r) => r.p50, 0),
        formatRuns(runs, (r) => r.p99, 0),
        String(runs.reduce((total, run) => total + run.non2xx + run.errors, 0)),
      ],
    ];
  });
  if (saturationRows.length > 0) {
    const ceiling = spreadOf(saturation.signalled ?? [], (r) => r.acksPerSecond).median;
    figures.webhook_ceiling_per_s = ceiling;
    lines.push(
      '',
      `Ceiling: autocannon, ${plan.saturationConnections} connections, closed loop, ` +
        `${plan.saturationSeconds} s per run (autocannon's latency, whole milliseconds):`,
      '',
      markdownTable(['variant', 'acks/s', 'p50 ms', 'p99 ms', 'non-2xx'], saturationRows),
    );
  }
  return {
    summary: summaryLine([
      ['webhook_rate', plan.rate],
      ['webhook_acks_per_s', figures.webhook_acks_per_s!],
      ['webhook_p50_ms', figures.webhook_p50_ms!],
      ['webhook_p99_ms', p99],
      ['signature_only_p99_ms', figures.signature_only_p99_ms!],
      ['signal_cost_p50_ms', signalCostP50],
      ['engine_only_p99_ms', figures.engine_only_p99_ms!],
      ...(figures.engine_ceiling_p99_ms === undefined
        ? []
        : [['engine_ceiling_p99_ms', figures.engine_ceiling_p99_ms] as const]),
      ...(figures.webhook_ceiling_per_s === undefined
        ? []
        : [['webhook_ceiling_per_s', figures.webhook_ceiling_per_s] as const]),
    ]),
    markdown: lines.join('\n'),
    figures,
  };
}

export const webhooksScenario: Scenario = {
  id: 'webhooks',
  title: 'Webhook receiver',
  inQuick: true,
  run: (options) => measure(options, options.quick ? QUICK : FULL),
};
