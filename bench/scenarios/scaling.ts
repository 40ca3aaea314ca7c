import path from 'node:path';
import { startBenchStack } from '../lib/bench-stack';
import { renderScalingChart, type ScalingPoint } from '../lib/chart';
import { formatNumber, markdownTable, summaryLine } from '../lib/format';
import { openLoop, type OpenLoopRun } from '../lib/load';
import { formatRuns, spreadOf } from '../lib/stats';
import { onboardingTarget } from '../lib/targets';
import { type Scenario, type ScenarioOptions, type ScenarioResult } from '../scenario';

/**
 * Scenario 6: the scaling curve. Onboardings started through the API at fixed rates (open loop:
 * on schedule, whatever the system does), doubling until the system saturates: the completion rate
 * stops following the offered rate, or p99 explodes. Table and PNG chart.
 */

export const SCALING_CHART = 'benchmarks-scaling.png';

interface ScalingPlan {
  rates: number[];
  runs: number;
  durationMs: number;
  warmupMs: number;
  drainTimeoutMs: number;
}

const PLAN: ScalingPlan = {
  rates: [2, 5, 10, 20, 40, 80, 160],
  runs: 3,
  durationMs: 10_000,
  warmupMs: 2_000,
  drainTimeoutMs: 60_000,
};

/** Completion rate below this share of the offered rate: saturated. */
const SATURATED = 0.85;
/** Or a p99 this many times the lowest rate's. */
const EXPLODED = 10;

export interface ScalingStep {
  offered: number;
  runs: OpenLoopRun[];
}

/** Whether the curve has reached saturation at this step (by its medians). */
export function isSaturated(step: ScalingStep, lowestP99: number): boolean {
  const throughput = spreadOf(step.runs, (r) => r.throughput).median;
  const p99 = spreadOf(step.runs, (r) => r.latency.p99).median;
  const unfinished = step.runs.some((r) => r.unfinished > 0);
  return unfinished || throughput < SATURATED * step.offered || p99 > EXPLODED * lowestP99;
}

/**
 * Past the knee: this step saturated and the completion rate stopped growing (less than 20 % above
 * the best before it), or three steps saturated. A saturated step whose rate still grows was a
 * disturbance (a busy machine), not the plateau.
 */
export function shouldStop(steps: readonly ScalingStep[]): boolean {
  const last = steps[steps.length - 1];
  if (!last) return false;
  const lowestP99 = spreadOf(steps[0]!.runs, (r) => r.latency.p99).median;
  if (!isSaturated(last, lowestP99)) return false;
  const rate = (step: ScalingStep) => spreadOf(step.runs, (r) => r.throughput).median;
  const before = Math.max(0, ...steps.slice(0, -1).map(rate));
  const saturated = steps.filter((step) => isSaturated(step, lowestP99)).length;
  return saturated >= 3 || (before > 0 && rate(last) < 1.2 * before);
}

async function measure(options: ScenarioOptions, plan: ScalingPlan): Promise<ScenarioResult> {
  const { progress, workDir } = options;
  progress('starting the stack (dist/)');
  const stack = await startBenchStack({ name: 'scaling', workDir });
  const steps: ScalingStep[] = [];
  try {
    // Warm-up: JIT, connections, the worker's caches.
    await openLoop(onboardingTarget(stack, 'scaling-warmup'), {
      rate: plan.rates[0]!,
      durationMs: 3_000,
      warmupMs: 0,
      drainTimeoutMs: plan.drainTimeoutMs,
    });
    for (const rate of plan.rates) {
      const step: ScalingStep = { offered: rate, runs: [] };
      steps.push(step);
      for (let run = 0; run < plan.runs; run += 1) {
        const result = await openLoop(onboardingTarget(stack, `rate${rate}-r${run}`), {
          rate,
          durationMs: plan.durationMs,
          warmupMs: plan.warmupMs,
          drainTimeoutMs: plan.drainTimeoutMs,
        });
        step.runs.push(result);
        progress(
          `offered ${rate}/s: ${result.throughput.toFixed(1)} completed/s, p50 ` +
            `${result.latency.p50.toFixed(0)} ms, p99 ${result.latency.p99.toFixed(0)} ms, ` +
            `${result.errors} errors, ${result.unfinished} unfinished`,
        );
      }
      if (shouldStop(steps)) break;
    }
  } finally {
    progress('stopping the stack');
    await stack.stop();
  }
  return report(options, plan, steps, stack.env.LOG_LEVEL ?? 'info');
}

async function report(
  options: ScenarioOptions,
  plan: ScalingPlan,
  steps: ScalingStep[],
  logLevel: string,
): Promise<ScenarioResult> {
  const points: ScalingPoint[] = steps.map((step) => ({
    offered: step.offered,
    throughput: spreadOf(step.runs, (r) => r.throughput),
    p99: spreadOf(step.runs, (r) => r.latency.p99),
  }));
  const best = Math.max(...points.map((p) => p.throughput.median));
  const lowestP99 = points[0]!.p99.median;
  const knee = steps.find((step) => isSaturated(step, lowestP99));
  const sustained = [...steps].reverse().find((step) => !isSaturated(step, lowestP99));
  const chartFile = path.join(options.reportDir ?? options.workDir, SCALING_CHART);
  await renderScalingChart(points, chartFile, options.context ?? '');
  const rows = steps.map((step) => [
    String(step.offered),
    formatRuns(step.runs, (r) => r.throughput, 1),
    formatRuns(step.runs, (r) => r.latency.p50, 0),
    formatRuns(step.runs, (r) => r.latency.p99, 0),
    String(step.runs.reduce((total, run) => total + run.errors + run.unfinished, 0)),
  ]);
  const markdown = [
    `Onboardings started through the API at a fixed rate (open loop) for ${plan.durationMs / 1000} s per run, ` +
      `${plan.runs} runs per rate. Of the onboardings started after the first ${plan.warmupMs / 1000} s: ` +
      'completed per second, one less than their number over the time from the first completion to the ' +
      "last (the offered rate below saturation, the system's capacity above it, however long each " +
      'waited), and their latency from start request to completion, each waited for at most ' +
      `${plan.drainTimeoutMs / 1000} s after the last start (then abandoned: latency ∞). Rates double until ` +
      `the completion rate falls below ${SATURATED * 100}% of the offered rate (or p99 exceeds ${EXPLODED}× ` +
      `the lowest rate's) and stops growing (less than 20 % above the best before), or three rates ` +
      `saturated. LOG_LEVEL=${logLevel}. Median (min–max) over runs.`,
    '',
    markdownTable(['offered /s', 'completed /s', 'p50 ms', 'p99 ms', 'failed or unfinished'], rows),
    '',
    `Highest completion rate: ${formatNumber(best, 1)}/s. ` +
      (sustained
        ? `Highest offered rate sustained: ${sustained.offered}/s. `
        : 'No offered rate was sustained. ') +
      (knee ? `Saturated from ${knee.offered}/s.` : 'Not saturated within the rates tried.'),
    '',
    `![Scaling curve: completed per second and p99 against the offered rate](${SCALING_CHART})`,
  ].join('\n');
  return {
    summary: summaryLine([
      ['scaling_max_per_s', best],
      ['scaling_sustained_offered_per_s', sustained?.offered ?? 0],
      [
        'scaling_p99_ms_at_sustained',
        sustained ? spreadOf(sustained.runs, (r) => r.latency.p99).median : Number.NaN,
      ],
    ]),
    markdown,
    figures: { scaling_max_per_s: best, scaling_sustained_offered_per_s: sustained?.offered ?? 0 },
  };
}

export const scalingScenario: Scenario = {
  id: 'scaling',
  title: 'Scaling curve',
  inQuick: false,
  run: (options) => measure(options, PLAN),
};
