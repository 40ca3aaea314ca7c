import { routableAccountIssuedSignal, verificationResultSignal } from '../../src/contract/messages';
import { describeCounts, type HistoryShape } from '../lib/history';
import { formatNumber, markdownTable, summaryLine } from '../lib/format';
import { formatRuns, spreadOf } from '../lib/stats';
import { type Scenario, type ScenarioResult } from '../scenario';
import { e2eSession, peakLevel, throughputRatio, type CpuAccount, type E2eSession } from './e2e';

/**
 * Scenario 2: the engine's ceiling, in the same run as scenario 1: the baseline workflow
 * (bench/baseline/) with a happy-path onboarding's structure and no-op activities, on the same dev
 * server with the same worker tuning, at the same concurrencies. Our throughput as a ratio of the
 * baseline's; target at least 0.8.
 */

export const TARGET_RATIO = 0.8;

function shapeRows(ours: HistoryShape, baseline: HistoryShape): string[][] {
  const row = (what: string, a: string | number, b: string | number) => [
    what,
    String(a),
    String(b),
  ];
  return [
    row('events', ours.events, baseline.events),
    row('workflow tasks', ours.workflowTasks, baseline.workflowTasks),
    row('activities', describeCounts(ours.activities), describeCounts(baseline.activities)),
    row('child workflows', ours.childWorkflows, baseline.childWorkflows),
    row(
      'signals received',
      describeCounts(ours.signalsReceived),
      describeCounts(baseline.signalsReceived),
    ),
    row('signals sent', describeCounts(ours.signalsSent), describeCounts(baseline.signalsSent)),
    row('search-attribute upserts', ours.searchAttributeUpserts, baseline.searchAttributeUpserts),
    row('timers', ours.timers, baseline.timers),
    row('markers', ours.markers, baseline.markers),
    row('failed workflow tasks', ours.failedWorkflowTasks, baseline.failedWorkflowTasks),
  ];
}

/** CPU ms per onboarding by process, ours beside the baseline's, with the total. */
function cpuTable(session: E2eSession): string[][] {
  const per = (account: CpuAccount, name: string) =>
    account.onboardings > 0
      ? ((account.seconds[name] ?? 0) * 1000) / account.onboardings
      : Number.NaN;
  const names = [
    ...new Set([
      ...Object.keys(session.cpu.ours.seconds),
      ...Object.keys(session.cpu.baseline.seconds),
    ]),
  ];
  if (names.length === 0) return [];
  const rows = names.map((name) => [
    name,
    formatNumber(per(session.cpu.ours, name), 0),
    formatNumber(per(session.cpu.baseline, name), 0),
  ]);
  const total = (account: CpuAccount) => names.reduce((sum, name) => sum + per(account, name), 0);
  rows.push([
    '**total**',
    formatNumber(total(session.cpu.ours), 0),
    formatNumber(total(session.cpu.baseline), 0),
  ]);
  return rows;
}

export function baselineReport(session: E2eSession): ScenarioResult {
  const rows = session.levels.map((level) => {
    const ratios = level.ours.map((run, i) => run.throughput / level.baseline[i]!.throughput);
    return [
      String(level.concurrency),
      formatRuns(level.ours, (r) => r.throughput, 1),
      formatRuns(level.baseline, (r) => r.throughput, 1),
      formatRuns(ratios, (r) => r, 2),
      formatRuns(level.ours, (r) => r.latency.p99, 0),
      formatRuns(level.baseline, (r) => r.latency.p99, 0),
    ];
  });
  const ratio = throughputRatio(session);
  const oursPeak = peakLevel(session, 'ours');
  const baselinePeak = peakLevel(session, 'baseline');
  const baselineThroughput = spreadOf(baselinePeak.baseline, (r) => r.throughput).median;
  const cpuRows = cpuTable(session);
  const markdown = [
    'The baseline (`bench/baseline/`) is a workflow pair with the structure of a happy-path onboarding ' +
      'and its KYC review, read from a real one in this run (below), whose activities do nothing. It runs ' +
      'on the same dev server in the same run, in a worker process of its own with the same ' +
      '`TEMPORAL_WORKER_*` tuning and logging, and is driven by the same closed loop, alternating with ' +
      'ours. It is started through the Temporal client (no API), without payload encryption, and the ' +
      'benchmark sends the signals the receiver would ' +
      `(\`${verificationResultSignal.name}\` once the no-op \`submitKyc\` ran, ` +
      `\`${routableAccountIssuedSignal.name}\` once the no-op ` +
      '`issueRoutableAccount` ran) straight to the workflow ids.',
    '',
    markdownTable(
      ['per onboarding (with its review)', 'ours', 'baseline'],
      shapeRows(session.ours.total, session.baseline.total),
    ),
    '',
    session.differences.length === 0
      ? 'Same activities, child workflow, signals and upserts. Timers, markers, failed workflow tasks ' +
        `and the \`${routableAccountIssuedSignal.name}\` signal depend on timing: a webhook ` +
        'arriving before or after ' +
        'the review waits for it (a timer), the account announcement arriving before the onboarding ' +
        'completed or after (then nothing is signalled), a signal racing the completion (the completion ' +
        'fails and is retried with the signal).'
      : `**The structures differ** (the workflow changed since the baseline was written): ${session.differences.join('; ')}.`,
    '',
    markdownTable(
      ['concurrency', 'ours /s', 'baseline /s', 'ratio', 'ours p99 ms', 'baseline p99 ms'],
      rows,
    ),
    '',
    `Ratio of the peaks (ours ${formatNumber(spreadOf(oursPeak.ours, (r) => r.throughput).median, 1)}/s at ` +
      `concurrency ${oursPeak.concurrency}, baseline ${formatNumber(baselineThroughput, 1)}/s at ` +
      `${baselinePeak.concurrency}): **${formatNumber(ratio, 2)}**; target at least ${TARGET_RATIO} — ` +
      `${ratio >= TARGET_RATIO ? 'met' : 'missed'}.` +
      (session.baselineSignalErrors > 0
        ? ` (${session.baselineSignalErrors} baseline signals failed.)`
        : ''),
    ...(cpuRows.length > 0
      ? [
          '',
          'Where the CPU goes: CPU milliseconds per completed onboarding, by process, over all sessions ' +
            '(warm-ups and drains included; the idle system of the other side included too). CPU time ' +
            'is less disturbed by a busy machine than timings are.',
          '',
          markdownTable(['process', 'ours', 'baseline'], cpuRows),
        ]
      : []),
  ].join('\n');
  return {
    summary: summaryLine([
      ['throughput_ratio', ratio],
      ['ours_per_s', spreadOf(oursPeak.ours, (r) => r.throughput).median],
      ['baseline_per_s', baselineThroughput],
    ]),
    markdown,
    figures: { throughput_ratio: ratio, baseline_per_s: baselineThroughput },
  };
}

export const baselineScenario: Scenario = {
  id: 'baseline',
  title: "The engine's ceiling",
  inQuick: true,
  run: async (options) => baselineReport(await e2eSession(options)),
};
