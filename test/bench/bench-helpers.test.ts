import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { formatNumber, markdownTable, parseSummaryLine, summaryLine } from '../../bench/lib/format';
import {
  combineShapes,
  describeCounts,
  historyShape,
  structuralDifferences,
} from '../../bench/lib/history';
import { completionRate, measureWindow, type Sample } from '../../bench/lib/load';
import { buildReport, readSections, renderSection } from '../../bench/lib/report';
import { percentile, summarizeLatencies } from '../../bench/lib/stats';
import { parseArgs, quickSummaryLine, selectScenarios } from '../../bench/main';
import { formatSpread, spread } from '../../bench/scenario';
import { isSaturated, shouldStop } from '../../bench/scenarios/scaling';

/** The benchmark's pure parts: statistics, summary lines, history counting, report merging. */

const EventType = temporal.api.enums.v1.EventType;

describe('spread', () => {
  it('is the median with min and max, of odd and even counts', () => {
    expect(spread([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, runs: 3 });
    expect(spread([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4, runs: 4 });
    expect(() => spread([])).toThrow('no measurements');
  });

  it('prints as the report does', () => {
    expect(formatSpread(spread([12.34, 11.9, 13]), 1)).toBe('12.3 (11.9–13.0)');
  });
});

describe('percentile', () => {
  it('is the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarises latencies', () => {
    expect(summarizeLatencies([5, 1, 3])).toEqual({ count: 3, p50: 3, p95: 5, p99: 5, max: 5 });
  });
});

describe('summary lines', () => {
  it('are key=value pairs with fixed digits, n/a for what was not measured', () => {
    const line = summaryLine([
      ['throughput_ratio', 0.8349],
      ['webhook_p99_ms', Number.NaN],
      ['events_per_onboarding', 71],
    ]);
    expect(line).toBe('throughput_ratio=0.83 webhook_p99_ms=n/a events_per_onboarding=71.00');
    expect(parseSummaryLine(line)).toEqual({
      throughput_ratio: '0.83',
      webhook_p99_ms: 'n/a',
      events_per_onboarding: '71.00',
    });
  });

  it('refuse keys and values that would break the line', () => {
    expect(() => summaryLine([['bad key', 1]])).toThrow('bad summary key');
    expect(() => summaryLine([['key', 'two words']])).toThrow('bad summary value');
  });

  it("end the quick run with the issue's three figures", () => {
    expect(
      quickSummaryLine({
        throughput_ratio: 0.9,
        webhook_p99_ms: 12.345,
        events_per_onboarding: 71,
      }),
    ).toBe('throughput_ratio=0.90 webhook_p99_ms=12.35 events_per_onboarding=71.00');
    expect(quickSummaryLine({})).toBe(
      'throughput_ratio=n/a webhook_p99_ms=n/a events_per_onboarding=n/a',
    );
  });

  it('format numbers', () => {
    expect(formatNumber(1.25, 1)).toBe('1.3');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('n/a');
  });
});

describe('markdownTable', () => {
  it('writes a header, a rule and escaped rows', () => {
    expect(markdownTable(['a', 'b'], [['1', 'x|y']])).toBe(
      '| a | b |\n| --- | --- |\n| 1 | x\\|y |',
    );
  });
});

function event(eventType: number, attributes: Record<string, unknown> = {}) {
  return { eventType, ...attributes } as temporal.api.history.v1.IHistoryEvent;
}

describe('history shape', () => {
  const parent = [
    event(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED),
    event(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
    event(EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES),
    event(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, {
      activityTaskScheduledEventAttributes: { activityType: { name: 'ensureIngoUser' } },
    }),
    event(EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED),
    event(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, {
      workflowExecutionSignaledEventAttributes: { signalName: 'kycStatusChanged' },
    }),
    event(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, {
      workflowExecutionSignaledEventAttributes: { signalName: 'routableAccountIssued' },
    }),
    event(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED),
    event(EventType.EVENT_TYPE_MARKER_RECORDED),
    event(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
  ];
  const child = [
    event(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
    event(EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, {
      signalExternalWorkflowExecutionInitiatedEventAttributes: { signalName: 'kycStatusChanged' },
    }),
    event(EventType.EVENT_TYPE_TIMER_STARTED),
  ];

  it('counts what an execution did', () => {
    expect(historyShape(parent)).toEqual({
      events: 10,
      workflowTasks: 2,
      activities: { ensureIngoUser: 1 },
      childWorkflows: 1,
      signalsReceived: { kycStatusChanged: 1, routableAccountIssued: 1 },
      signalsSent: {},
      searchAttributeUpserts: 1,
      timers: 0,
      markers: 1,
      failedWorkflowTasks: 1,
    });
  });

  it('adds an onboarding and its review', () => {
    const total = combineShapes([historyShape(parent), historyShape(child)]);
    expect(total.events).toBe(13);
    expect(total.workflowTasks).toBe(3);
    expect(total.signalsSent).toEqual({ kycStatusChanged: 1 });
    expect(total.timers).toBe(1);
    expect(describeCounts(total.signalsReceived)).toBe(
      'kycStatusChanged 1, routableAccountIssued 1',
    );
  });

  it('compares structure, not timing, leaving racing signals aside', () => {
    const ours = combineShapes([historyShape(parent), historyShape(child)]);
    const withoutAnnouncement = combineShapes([
      historyShape(
        parent.filter(
          (e) => e.workflowExecutionSignaledEventAttributes?.signalName !== 'routableAccountIssued',
        ),
      ),
      historyShape(child.filter((e) => e.eventType !== EventType.EVENT_TYPE_TIMER_STARTED)),
    ]);
    expect(structuralDifferences(ours, withoutAnnouncement, ['routableAccountIssued'])).toEqual([]);
    expect(structuralDifferences(ours, withoutAnnouncement)).toEqual([
      'signals received: kycStatusChanged 1, routableAccountIssued 1 vs kycStatusChanged 1',
    ]);
  });
});

describe('measureWindow', () => {
  const samples: Sample[] = [
    { startedAt: 0, finishedAt: 900, ok: true }, // warm-up: neither counted nor timed
    { startedAt: 500, finishedAt: 1_500, ok: true }, // completes in the window: counted, not timed
    { startedAt: 1_000, finishedAt: 1_800, ok: true }, // both
    { startedAt: 1_200, finishedAt: 2_600, ok: true }, // started in it: timed, completes after
    { startedAt: 1_300, finishedAt: 1_400, ok: false }, // an error
  ];

  it('counts completions in the window and times onboardings started in it', () => {
    const run = measureWindow(samples, 1_000, 2_000);
    expect(run.completed).toBe(2);
    expect(run.throughput).toBe(2);
    expect(run.errors).toBe(1);
    expect(run.latency.count).toBe(2);
    expect(run.latency.p50).toBe(800);
    expect(run.latency.max).toBe(1_400);
  });
});

describe('report', () => {
  const notes = { id: 'notes', heading: 'Notes', body: 'hand-written' };

  it('replaces the sections measured and keeps the others and the notes', () => {
    const first = buildReport({
      intro: '# Benchmarks',
      order: ['a', 'b'],
      fresh: new Map([
        ['a', { id: 'a', heading: '1. A', body: 'a one' }],
        ['b', { id: 'b', heading: '2. B', body: 'b one' }],
      ]),
      previous: '',
      defaultNotes: notes,
    });
    const edited = first.replace('hand-written', 'what we changed');
    const second = buildReport({
      intro: '# Benchmarks (again)',
      order: ['a', 'b'],
      fresh: new Map([['b', { id: 'b', heading: '2. B', body: 'b two' }]]),
      previous: edited,
      defaultNotes: notes,
    });
    expect(second).toBe(
      [
        '# Benchmarks (again)',
        renderSection({ id: 'a', heading: '1. A', body: 'a one' }),
        renderSection({ id: 'b', heading: '2. B', body: 'b two' }),
        renderSection({ ...notes, body: 'what we changed' }),
      ].join('\n\n') + '\n',
    );
    expect([...readSections(second).keys()]).toEqual(['a', 'b', 'notes']);
  });
});

describe('command line', () => {
  it('runs every scenario, or the quick ones, or those named', () => {
    expect(selectScenarios(parseArgs([])).map((s) => s.number)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(selectScenarios(parseArgs(['--quick'])).map((s) => s.number)).toEqual([1, 2, 3]);
    expect(selectScenarios(parseArgs(['scaling', 'webhooks'])).map((s) => s.scenario.id)).toEqual([
      'webhooks',
      'scaling',
    ]);
    expect(() => parseArgs(['--fast'])).toThrow('unknown argument --fast');
  });
});

describe('isSaturated', () => {
  const run = (throughput: number, p99: number, unfinished = 0) => ({
    throughput,
    latency: { count: 10, p50: p99 / 2, p95: p99, p99, max: p99 },
    completed: 10,
    errors: 0,
    windowMs: 1_000,
    errorSamples: [],
    offered: 10,
    unfinished,
  });

  it('stops the curve once the rate stops growing past saturation, not at a disturbance', () => {
    const step = (offered: number, throughput: number) => ({
      offered,
      runs: [run(throughput, 900)],
    });
    expect(shouldStop([step(2, 2), step(5, 5)])).toBe(false);
    // Saturated at 2/s on a busy moment, then 4/s at 5/s: still growing.
    expect(shouldStop([step(2, 1.5), step(5, 4)])).toBe(false);
    expect(shouldStop([step(2, 1.5), step(5, 4), step(10, 4.3)])).toBe(true);
    expect(shouldStop([step(2, 1.5), step(5, 3), step(10, 6)])).toBe(true);
  });

  it('is a completion rate well below the offered one, an exploded p99, or onboardings left', () => {
    expect(isSaturated({ offered: 10, runs: [run(9.8, 900)] }, 800)).toBe(false);
    expect(isSaturated({ offered: 10, runs: [run(7, 900)] }, 800)).toBe(true);
    expect(isSaturated({ offered: 10, runs: [run(10, 9_000)] }, 800)).toBe(true);
    expect(isSaturated({ offered: 10, runs: [run(10, 900, 1)] }, 800)).toBe(true);
  });
});

describe('completionRate', () => {
  it('is how fast the onboardings started in the window completed, first to last', () => {
    const samples: Sample[] = [
      { startedAt: 0, finishedAt: 500, ok: true }, // warm-up: left out
      { startedAt: 1_000, finishedAt: 9_000, ok: true },
      { startedAt: 1_500, finishedAt: 10_000, ok: true },
      { startedAt: 2_000, finishedAt: 11_000, ok: true },
      { startedAt: 2_500, finishedAt: 12_000, ok: false }, // failed: left out
    ];
    expect(completionRate(samples, 1_000, 3_000)).toBe(1);
    expect(completionRate(samples.slice(0, 2), 1_000, 3_000)).toBeNaN();
  });
});
