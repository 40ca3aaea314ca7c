import { describeCounts } from '../lib/history';
import type { LoadRun } from '../lib/load';
import { formatNumber, markdownTable, summaryLine } from '../lib/format';
import { formatRuns, spreadOf } from '../lib/stats';
import { type Scenario, type ScenarioResult } from '../scenario';
import { e2eSession, peakLevel, type E2eSession } from './e2e';

/**
 * Scenario 1: end-to-end throughput and latency. Onboardings started through the API by a closed
 * loop of N clients (each starts its next as soon as its last completed), the sandbox's webhooks
 * delivered through the receiver; completed onboardings per second, and the time from
 * `POST /v1/onboardings` to `completed`.
 */

/** `0`, or `2, 3 unfinished` (not done within the drain time: latency ∞). */
export function describeFailures(runs: readonly LoadRun[]): string {
  const errors = runs.reduce((total, run) => total + run.errors, 0);
  const unfinished = runs.reduce((total, run) => total + run.unfinished, 0);
  return unfinished > 0 ? `${errors}, ${unfinished} unfinished` : String(errors);
}

export function throughputReport(session: E2eSession): ScenarioResult {
  const { plan, ours } = session;
  const rows = session.levels.map((level) => {
    const s = (figure: (run: LoadRun) => number, digits = 0) =>
      formatRuns(level.ours, figure, digits);
    return [
      String(level.concurrency),
      s((r) => r.throughput, 1),
      s((r) => r.latency.p50),
      s((r) => r.latency.p95),
      s((r) => r.latency.p99),
      describeFailures(level.ours),
    ];
  });
  const peak = peakLevel(session, 'ours');
  const peakThroughput = spreadOf(peak.ours, (r) => r.throughput).median;
  const peakP50 = spreadOf(peak.ours, (r) => r.latency.p50).median;
  const peakP99 = spreadOf(peak.ours, (r) => r.latency.p99).median;
  const events = ours.total.events;
  const windows = [...new Set(plan.concurrencies.map((c) => plan.windowMs(c) / 1000))].join(' or ');
  const markdown = [
    `Closed loop at concurrencies ${plan.concurrencies.join(', ')}: each client starts an onboarding ` +
      '(`POST /v1/onboardings`, minimal happy path: applicant only, KYC verified by webhook) and, once it ' +
      'completed, the next. Completion is learned from Temporal (the workflow result, a long poll: no ' +
      'polling of the API). One session per concurrency: a warm-up (until ' +
      `${plan.warmupCompletions ?? 'min(concurrency, 20)'} onboardings completed), then ${plan.runs} ` +
      `consecutive ${windows} s windows, each a run: completions in it per second, and the latency of ` +
      'the onboardings started in it, from just before the start request to the result; they are waited ' +
      `for after the last window, at most ${plan.drainTimeoutMs / 1000} s (then abandoned: latency ∞, ` +
      'workflow terminated, so the next session starts on an idle system). Median (min–max) over the windows.',
    '',
    markdownTable(['concurrency', 'completed /s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors'], rows),
    '',
    `Peak: ${formatNumber(peakThroughput, 1)} completed/s at concurrency ${peak.concurrency}.`,
    '',
    `One happy-path onboarding, counted from its history (measured in this run): **${events} events** ` +
      `(onboarding ${ours.onboarding.events}, KYC review ${ours.review.events}), ` +
      `${ours.total.workflowTasks} workflow tasks, activities ${describeCounts(ours.total.activities)}, ` +
      `signals received ${describeCounts(ours.total.signalsReceived)}, ` +
      `${ours.total.searchAttributeUpserts} search-attribute upserts, ${ours.total.timers} timers, ` +
      `${ours.total.markers} markers, ${ours.total.failedWorkflowTasks} failed workflow tasks.`,
  ].join('\n');
  return {
    summary: summaryLine([
      ['throughput_per_s', peakThroughput],
      ['at_concurrency', peak.concurrency],
      ['p50_ms', peakP50],
      ['p99_ms', peakP99],
      ['events_per_onboarding', events],
    ]),
    markdown,
    figures: {
      throughput_per_s: peakThroughput,
      p99_ms: peakP99,
      events_per_onboarding: events,
    },
  };
}

export const throughputScenario: Scenario = {
  id: 'throughput',
  title: 'End-to-end throughput and latency',
  inQuick: true,
  run: async (options) => throughputReport(await e2eSession(options)),
};
