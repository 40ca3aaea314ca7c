import { randomBytes } from 'node:crypto';
import { ACTION_CATEGORIES, type ActionCategory } from '../cost/actions';
import { track } from '../lib/cleanup';
import { measureCase, type CostCase, type CostMeasurement } from '../cost/measure';
import { backoffPhase, expectedPolls, maxPolls } from '../cost/polling';
import { benchWorkflowCode } from '../cost/workflow-code';
import { formatSpread, spread, type Scenario, type ScenarioResult } from '../scenario';
import { kycWorkflowId } from '../../src/contract/ids';
import { reviewStatusChangedSignal, verificationResultSignal } from '../../src/contract/messages';
import { timingSchema } from '../../src/contract/onboarding-input';
import { createKeyring } from '../../src/codec/keyring';
import { startInProcessStack } from '../../dev/testing/in-process-stack';

/**
 * Scenario 4, cost per onboarding: history events, Temporal Cloud actions and Ingo API calls of
 * one onboarding (the onboarding's history and its KYC review's), on the time-skipping test server
 * with the production worker, the sandbox (KYC delay 0) and the real webhook receiver: the happy
 * path with its webhook, and the webhook lost while Ingo takes from no time to 7 days to decide,
 * where only polling finds the decision. The poll counts are held against the backoff's formula.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The workflow's production timing (no overrides): grace 5 min, 1 min doubling to 1 h, 7 days. */
const TIMING = timingSchema.parse({});

/** Repeats of each case: actions, Ingo calls and polls must come out the same every time. */
const RUNS = 3;

interface NamedCase extends CostCase {
  id: string;
  label: string;
  runs: number;
}

const HAPPY_CASES: NamedCase[] = [
  {
    id: 'happy',
    label: 'happy path, webhook: user, KYC, account',
    ssnLast4: '6789',
    optionalSteps: false,
    webhookLost: false,
    runs: RUNS,
  },
  {
    id: 'happy_full',
    label: 'happy path, webhook, every optional step (linked account, check and bill-pay tokens)',
    ssnLast4: '6789',
    optionalSteps: true,
    webhookLost: false,
    runs: RUNS,
  },
];

/** Waits before Ingo decides; the last stays inside the default 7-day deadline. */
const WAITS: { label: string; id: string; ms: number }[] = [
  { label: '0 (at once)', id: '0', ms: 0 },
  { label: '1 h', id: '1h', ms: HOUR },
  { label: '6 h', id: '6h', ms: 6 * HOUR },
  { label: '24 h', id: '24h', ms: DAY },
  { label: '3 d', id: '3d', ms: 3 * DAY },
  { label: '7 d (6 d 23 h: inside the 7-day deadline)', id: '7d', ms: 7 * DAY - HOUR },
];

const LOST_CASES: (NamedCase & { waitMs: number })[] = WAITS.map((wait) => ({
  id: `lost_${wait.id}`,
  label: `webhook lost, Ingo decides after ${wait.label}`,
  ssnLast4: '2222',
  optionalSteps: false,
  webhookLost: true,
  waitMs: wait.ms,
  runs: RUNS,
}));

const CATEGORY_TITLES: Record<ActionCategory, string> = {
  workflowStarted: 'workflow starts',
  childWorkflowStarted: 'child starts',
  activities: 'activities',
  timers: 'timers',
  searchAttributeUpserts: 'upserts',
  signals: 'signals',
  updates: 'updates',
  markers: 'markers',
  optionsUpdated: 'options updated',
};

interface CaseResult {
  spec: NamedCase;
  runs: CostMeasurement[];
}

/**
 * The first run's measurement, after checking that every run made the same actions, Ingo calls
 * and polls (they follow from the workflow code alone). History events may differ by a few: how
 * signals and activity completions batch into workflow tasks depends on timing.
 */
function consistent(result: CaseResult): CostMeasurement {
  const [first, ...rest] = result.runs;
  const key = (m: CostMeasurement) => `${m.cost.actions}/${m.ingoCalls}/${m.polls}`;
  for (const run of rest) {
    if (key(run) !== key(first!)) {
      throw new Error(
        `${result.spec.label}: runs disagree (actions/Ingo calls/polls: ${result.runs.map(key).join(', ')})`,
      );
    }
  }
  return first!;
}

/** History events over the runs: `86`, or `86 (84–89)` when they differ. */
function eventsOf(runs: CostMeasurement[], pick: (m: CostMeasurement) => number): string {
  const values = spread(runs.map(pick));
  return values.min === values.max ? String(values.median) : formatSpread(values, 0);
}

function minutes(ms: number): string {
  return ms % HOUR === 0 ? `${ms / HOUR} h` : `${ms / MINUTE} min`;
}

const OTHER: ActionCategory[] = ['updates', 'markers', 'optionsUpdated'];
const SHOWN = ACTION_CATEGORIES.filter((category) => !OTHER.includes(category));

function costRow(result: CaseResult): string {
  const m = consistent(result);
  const other = OTHER.reduce((sum, category) => sum + m.cost.byCategory[category], 0);
  const events =
    `${eventsOf(result.runs, (r) => r.onboardingEvents)} + ` +
    `${eventsOf(result.runs, (r) => r.reviewEvents)} = ${eventsOf(result.runs, (r) => r.cost.events)}`;
  return (
    `| ${result.spec.label} | ${m.ingoCalls} | ${events} | **${m.cost.actions}** | ` +
    `${SHOWN.map((category) => m.cost.byCategory[category]).join(' | ')} | ${other} |`
  );
}

export const costScenario: Scenario = {
  id: 'cost',
  title: 'Cost per onboarding',
  inQuick: false,
  async run(options): Promise<ScenarioResult> {
    const progress = (message: string) => options.progress(message);
    progress('cost: starting the time-skipping test server, sandbox, receiver and worker');
    const { code, kind: workflowCode } = benchWorkflowCode();
    const stack = await startInProcessStack({
      temporal: 'time-skipping',
      keyring: createKeyring([{ id: 'bench', key: randomBytes(32) }], 'bench'),
      code,
      taskQueuePrefix: 'bench-cost',
    });
    const stopStack = track({ name: 'cost scenario stack', stop: () => stack.stop() });
    const results: CaseResult[] = [];
    try {
      for (const spec of [...HAPPY_CASES, ...LOST_CASES]) {
        const runs: CostMeasurement[] = [];
        for (let run = 1; run <= spec.runs; run += 1) {
          progress(`cost: ${spec.label}${spec.runs > 1 ? ` (run ${run}/${spec.runs})` : ''}`);
          runs.push(await measureCase(stack, spec));
        }
        results.push({ spec, runs });
      }
    } finally {
      await stopStack();
    }

    const byId = new Map(results.map((result) => [result.spec.id, result]));
    const measured = (id: string) => consistent(byId.get(id)!);
    const medianEvents = (id: string, pick: (m: CostMeasurement) => number) =>
      spread(byId.get(id)!.runs.map(pick)).median;
    const happy = measured('happy');
    const happyFull = measured('happy_full');

    // Decided by the path the case is about: the webhook, or (webhook lost) a poll.
    for (const result of results) {
      const m = consistent(result);
      const expected = result.spec.webhookLost ? 'poll' : 'webhook';
      if (m.decidedBy !== expected) {
        throw new Error(
          `${result.spec.label}: KYC decided by ${m.decidedBy}, expected ${expected}`,
        );
      }
    }

    // Polls against the backoff: never more than its schedule allows.
    const pollRows = LOST_CASES.map((spec) => {
      const m = measured(spec.id);
      const bound = expectedPolls(TIMING, spec.waitMs);
      if (m.polls > bound) {
        throw new Error(
          `${spec.label}: ${m.polls} polls, more than the backoff allows (${bound}): polling is not bounded by its cap`,
        );
      }
      return { spec, m, bound };
    });
    const lost24 = measured('lost_24h');
    const lost7d = measured('lost_7d');
    const perPoll = (lost7d.cost.actions - lost24.cost.actions) / (lost7d.polls - lost24.polls);
    const events24 = medianEvents('lost_24h', (m) => m.cost.events);
    const events7d = medianEvents('lost_7d', (m) => m.cost.events);
    const reviewEvents7d = medianEvents('lost_7d', (m) => m.reviewEvents);
    const happyEvents = medianEvents('happy', (m) => m.cost.events);
    const eventsPerPoll = (events7d - events24) / (lost7d.polls - lost24.polls);
    const upsertShare = happy.cost.byCategory.searchAttributeUpserts / happy.cost.actions;
    const { doublingPolls, cappedFromMs } = backoffPhase(TIMING);
    const realSeconds = spread(results.flatMap((r) => r.runs.map((m) => m.realMs / 1000)));

    const categoryHeader = SHOWN.map((category) => CATEGORY_TITLES[category]);
    const markdown = [
      `One onboarding at a time on Temporal's time-skipping test server, with the production worker ` +
        `(workflow code: ${workflowCode}), the Ingo sandbox (KYC delay 0, no faults, reset ` +
        `before each case) and the real webhook receiver (\`createApp\`). Counts come from the ` +
        `onboarding's history and its KYC review's (\`${kycWorkflowId('<userId>')}\`); Ingo ` +
        `calls from the ` +
        `sandbox's \`GET /_sandbox/stats\`. "Webhook lost": SSN ending 2222 (in review until ` +
        `decided through the admin API) with \`dropWebhookRate: 1\`; the review waits the given ` +
        `time (skipped), then the sandbox decides it and only a poll can find out. Production ` +
        `timing: grace ${minutes(TIMING.kycGracePeriod)}, poll interval ` +
        `${minutes(TIMING.kycPollInterval)} doubling to ${minutes(TIMING.kycMaxPollInterval)}, ` +
        `deadline ${TIMING.kycDeadline / DAY} days. Every case ran ${RUNS} times: actions, Ingo ` +
        `calls and polls were identical in every run (they follow from the workflow code, not ` +
        `the machine); history events are the median (min–max) where runs differed, as signals ` +
        `and activity completions batch into workflow tasks differently.`,
      '',
      `Actions as [Temporal Cloud counts them](https://docs.temporal.io/cloud/actions): workflow ` +
        `and child starts (a child is two: the parent's start and the child's execution), each ` +
        `activity attempt, each timer (including \`condition\`'s), each search attribute upsert, ` +
        `each signal (counted once, where it is received: the webhook's ` +
        `\`${verificationResultSignal.name}\` and the review's \`${reviewStatusChangedSignal.name}\` ` +
        `to the onboarding), updates, markers. Queries are actions ` +
        `too but leave no history: each \`GET /v1/onboardings/:id\` adds one (the benchmark's own ` +
        `status queries are not counted).`,
      '',
      `| case | Ingo calls | history events (onboarding + review) | actions | ${categoryHeader.join(' | ')} | other |`,
      `| --- | --- | --- | --- | ${categoryHeader.map(() => '---').join(' | ')} | --- |`,
      ...results.map(costRow),
      '',
      `**Polling against the wait** (webhook lost). The review polls ${minutes(TIMING.kycGracePeriod)} ` +
        `after submitting, then ${doublingPolls - 1} more times at doubling intervals until ` +
        `${minutes(cappedFromMs)}, then once per ${minutes(TIMING.kycMaxPollInterval)}: a review ` +
        `Ingo decides after W (≥ ${minutes(cappedFromMs)}) polls at most ` +
        `${doublingPolls} + ⌊(W − ${minutes(cappedFromMs)}) / ${minutes(TIMING.kycMaxPollInterval)}⌋ + 1 ` +
        `times (the last poll finds the decision), ${maxPolls(TIMING)} at most before the ` +
        `${TIMING.kycDeadline / DAY}-day deadline hands it to an operator. The scenario fails if ` +
        `a count exceeds the bound.`,
      '',
      '| Ingo decides after | polls | bound (formula) | Ingo calls | review events | actions |',
      '| --- | --- | --- | --- | --- | --- |',
      ...pollRows.map(
        ({ spec, m, bound }) =>
          `| ${WAITS.find((w) => `lost_${w.id}` === spec.id)!.label} | ${m.polls} | ${bound} | ` +
          `${m.ingoCalls} | ${eventsOf(byId.get(spec.id)!.runs, (r) => r.reviewEvents)} | ` +
          `${m.cost.actions} |`,
      ),
      '',
      `What it means: the happy path costs **${happy.cost.actions} actions**, ` +
        `${happyEvents} events and ${happy.ingoCalls} Ingo calls ` +
        `(${happyFull.cost.actions} actions, ${happyFull.ingoCalls} calls with every optional ` +
        `step). Search attribute upserts are ` +
        `${happy.cost.byCategory.searchAttributeUpserts} of ${happy.cost.actions} ` +
        `(${(upsertShare * 100).toFixed(0)} %). With the KYC delay at 0 the webhook arrives ` +
        `before the review starts waiting, so no timer is started; with a real delay add one ` +
        `timer action. Without the webhook each poll adds ${perPoll.toFixed(1)} actions ` +
        `(timer and \`check-verification-request\` activity; \`KycStatus\` is upserted only when it ` +
        `changes), ` +
        `${eventsPerPoll.toFixed(1)} events and 1 Ingo call: after the first ` +
        `${minutes(cappedFromMs)} polling grows linearly at ${DAY / TIMING.kycMaxPollInterval} ` +
        `polls a day, bounded by the cap, so a review waiting the full week costs ` +
        `${lost7d.cost.actions} actions and a ${reviewEvents7d}-event history (far below ` +
        `Temporal's 51,200-event limit). Wall-clock per case: ${realSeconds.median.toFixed(1)} s ` +
        `median (${realSeconds.min.toFixed(1)}–${realSeconds.max.toFixed(1)} s, time skipping ` +
        `included).`,
    ].join('\n');

    const figures = {
      events_per_onboarding: happyEvents,
      actions_per_onboarding: happy.cost.actions,
      ingo_calls_per_onboarding: happy.ingoCalls,
      actions_per_onboarding_full: happyFull.cost.actions,
      polls_24h: lost24.polls,
      actions_24h: lost24.cost.actions,
      ingo_calls_24h: lost24.ingoCalls,
      polls_7d: lost7d.polls,
      actions_7d: lost7d.cost.actions,
      events_7d: events7d,
      actions_per_poll: Number(perPoll.toFixed(2)),
    };
    const summary =
      `actions_per_onboarding=${happy.cost.actions} events_per_onboarding=${happyEvents} ` +
      `ingo_calls=${happy.ingoCalls} polls_24h=${lost24.polls} actions_24h=${lost24.cost.actions} ` +
      `polls_7d=${lost7d.polls} actions_7d=${lost7d.cost.actions} polls_bounded=yes`;
    return { summary, markdown, figures };
  },
};
