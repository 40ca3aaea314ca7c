import path from 'node:path';
import { Client } from '@temporalio/client';
import { kycWorkflowId, onboardingWorkflowId } from '../../src/contract/ids';
import { routableAccountIssuedSignal } from '../../src/contract/messages';
import type { OnboardingResult } from '../../src/contract/onboarding-view';
import { baselineIngoUserId } from '../baseline/activities';
import { startBaselineWorker } from '../baseline/process';
import { baselineOnboarding } from '../baseline/workflows';
import { startBenchStack, type BenchStack } from '../lib/bench-stack';
import { track } from '../lib/cleanup';
import {
  combineShapes,
  historyShape,
  structuralDifferences,
  type HistoryShape,
} from '../lib/history';
import { snapshot, type CpuSnapshot } from '../lib/cpu';
import { closedLoop, type LoadRun, type LoadTarget } from '../lib/load';
import { BASELINE_TASK_QUEUE, baselineTarget, onboardingTarget, announce } from '../lib/targets';
import { spreadOf } from '../lib/stats';
import type { ScenarioOptions } from '../scenario';

/**
 * Scenarios 1 and 2 measure in one run against one stack: our onboardings through the API, and
 * the baseline workflow on the same dev server, at the same concurrencies, one closed-loop session
 * per system and concurrency (warm-up, `runs` consecutive windows, drain), alternating which
 * system goes first so drift of the machine or of the server's database favours neither.
 */

export interface E2ePlan {
  concurrencies: number[];
  /** Measurement windows per session: the runs each figure is the median of. */
  runs: number;
  windowMs: (concurrency: number) => number;
  /** Completions that end the warm-up (default: the concurrency, at most 20). */
  warmupCompletions?: number;
  /** How long a session waits after its last window for the onboardings started in it. */
  drainTimeoutMs: number;
}

export const FULL_PLAN: E2ePlan = {
  concurrencies: [1, 10, 50, 200],
  runs: 3,
  windowMs: (concurrency) => (concurrency === 1 ? 6_000 : 8_000),
  drainTimeoutMs: 60_000,
};

export const QUICK_PLAN: E2ePlan = {
  concurrencies: [10],
  runs: 3,
  windowMs: () => 3_000,
  warmupCompletions: 5,
  drainTimeoutMs: 20_000,
};

/**
 * Ingo's `account.issue.created` reaches a running onboarding only if the receiver finds it before
 * it completes (the webhook is sent as the account is issued, the step right before the end).
 */
export const RACING_SIGNALS = [routableAccountIssuedSignal.name];

export interface Shapes {
  onboarding: HistoryShape;
  review: HistoryShape;
  total: HistoryShape;
}

export interface E2eLevel {
  concurrency: number;
  ours: LoadRun[];
  baseline: LoadRun[];
}

/** CPU seconds spent and onboardings completed, by system, over all its sessions. */
export interface CpuAccount {
  seconds: Record<string, number>;
  onboardings: number;
}

export interface E2eSession {
  plan: E2ePlan;
  env: Record<string, string>;
  ours: Shapes;
  baseline: Shapes;
  /** Where the baseline's structure differs from a real onboarding's (empty: none). */
  differences: string[];
  levels: E2eLevel[];
  cpu: { ours: CpuAccount; baseline: CpuAccount };
  baselineSignalErrors: number;
}

/** Counts the onboardings a target completed. */
function counted(target: LoadTarget): LoadTarget & { completed: number } {
  const wrapped = {
    name: target.name,
    completed: 0,
    async runOne(seq: number) {
      await target.runOne(seq);
      wrapped.completed += 1;
    },
  };
  return wrapped;
}

function addCpu(account: CpuAccount, before: CpuSnapshot, after: CpuSnapshot, onboardings: number) {
  for (const [name, start] of Object.entries(before)) {
    const end = after[name];
    if (start === undefined || end === undefined) continue;
    account.seconds[name] = (account.seconds[name] ?? 0) + (end - start);
  }
  account.onboardings += onboardings;
}

async function shapesOf(client: Client, onboardingId: string, reviewId: string): Promise<Shapes> {
  const [onboarding, review] = await Promise.all(
    [onboardingId, reviewId].map(async (id) =>
      historyShape((await client.workflow.getHandle(id).fetchHistory()).events ?? []),
    ),
  );
  return { onboarding: onboarding!, review: review!, total: combineShapes([onboarding!, review!]) };
}

/** One happy-path onboarding on its own, counted from its history (parent and KYC review). */
export async function measureOnboardingShape(stack: BenchStack, series: string): Promise<Shapes> {
  const target = onboardingTarget(stack, series);
  await target.runOne(0);
  const result = target.lastResult as Extract<OnboardingResult, { outcome: 'completed' }>;
  const signupId = result.signupId;
  return shapesOf(stack.client, onboardingWorkflowId(signupId), kycWorkflowId(result.ingoUserId));
}

async function measureBaselineShape(client: Client, target: LoadTarget): Promise<Shapes> {
  const seq = 0;
  await target.runOne(seq);
  const { executions } = await client.workflowService.listWorkflowExecutions({
    namespace: client.options.namespace,
    query: `WorkflowType = '${baselineOnboarding.name}'`,
    pageSize: 1,
  });
  const onboardingId = executions?.[0]?.execution?.workflowId;
  if (!onboardingId) throw new Error('baseline onboarding not found');
  return shapesOf(client, onboardingId, kycWorkflowId(baselineIngoUserId(onboardingId)));
}

export async function runE2eSession(options: ScenarioOptions, plan: E2ePlan): Promise<E2eSession> {
  const { progress, workDir } = options;
  progress('starting the stack (dist/) and the baseline worker');
  const stack = await startBenchStack({ name: 'throughput', workDir });
  try {
    const baselineClient = new Client({
      connection: stack.connection,
      namespace: stack.scripted.plan.temporal.namespace,
    });
    const worker = await startBaselineWorker({
      env: stack.env,
      taskQueue: BASELINE_TASK_QUEUE,
      logFile: path.join(workDir, 'throughput-baseline-worker.log'),
    });
    const stopWorker = track({ name: 'baseline worker', stop: () => worker.stop() });
    let baselineSignalErrors = 0;
    worker.onAnnouncement((kind, workflowId) => {
      announce(baselineClient, kind, workflowId).catch((error: unknown) => {
        baselineSignalErrors += 1;
        progress(`baseline ${kind} signal to ${workflowId} failed: ${String(error)}`);
      });
    });
    try {
      const ours = await measureOnboardingShape(stack, 'shape');
      const baseline = await measureBaselineShape(
        baselineClient,
        baselineTarget(baselineClient, 'shape'),
      );
      const differences = structuralDifferences(ours.total, baseline.total, RACING_SIGNALS);
      progress(
        `one onboarding: ${ours.total.events} events, ${ours.total.workflowTasks} workflow tasks; ` +
          `baseline ${baseline.total.events} events, ${baseline.total.workflowTasks} workflow tasks` +
          (differences.length > 0 ? `; DIFFERENT: ${differences.join('; ')}` : ''),
      );
      const levels: E2eLevel[] = [];
      const cpu: E2eSession['cpu'] = {
        ours: { seconds: {}, onboardings: 0 },
        baseline: { seconds: {}, onboardings: 0 },
      };
      const pids = {
        ...stack.scripted.stack.pids(),
        'baseline worker': worker.pid,
        driver: process.pid,
      };
      for (const [index, concurrency] of plan.concurrencies.entries()) {
        const level: E2eLevel = { concurrency, ours: [], baseline: [] };
        levels.push(level);
        const sessions: [LoadTarget, LoadRun[], CpuAccount][] = [
          [onboardingTarget(stack, `c${concurrency}`), level.ours, cpu.ours],
          [baselineTarget(baselineClient, `c${concurrency}`), level.baseline, cpu.baseline],
        ];
        if (index % 2 === 1) sessions.reverse();
        for (const [target, into, account] of sessions) {
          const counting = counted(target);
          const before = snapshot(pids);
          const windows = await closedLoop(counting, {
            concurrency,
            windows: plan.runs,
            windowMs: plan.windowMs(concurrency),
            warmupCompletions: plan.warmupCompletions,
            drainTimeoutMs: plan.drainTimeoutMs,
          });
          addCpu(account, before, snapshot(pids), counting.completed);
          into.push(...windows);
          for (const result of windows) {
            progress(
              `${target.name}: ${result.throughput.toFixed(1)}/s, p50 ${result.latency.p50.toFixed(0)} ms, ` +
                `p99 ${result.latency.p99.toFixed(0)} ms (${result.latency.count} timed, ${result.errors} errors, ` +
                `${result.unfinished} unfinished)` +
                (result.errorSamples.length > 0 ? ` first error: ${result.errorSamples[0]}` : ''),
            );
          }
        }
      }
      return {
        plan,
        env: stack.env,
        ours,
        baseline,
        differences,
        levels,
        cpu,
        baselineSignalErrors,
      };
    } finally {
      await stopWorker();
    }
  } finally {
    progress('stopping the stack');
    await stack.stop();
  }
}

const sessions = new Map<string, Promise<E2eSession>>();

/**
 * The one session scenarios 1 and 2 share in a benchmark run: whichever asks first starts it, the
 * other gets the same measurements.
 */
export function e2eSession(options: ScenarioOptions): Promise<E2eSession> {
  const key = `${options.workDir}|${options.quick}`;
  let session = sessions.get(key);
  if (!session) {
    session = runE2eSession(options, options.quick ? QUICK_PLAN : FULL_PLAN);
    sessions.set(key, session);
  }
  return session;
}

/** The concurrency level with the highest median throughput of `side`. */
export function peakLevel(session: E2eSession, side: 'ours' | 'baseline'): E2eLevel {
  const median = (level: E2eLevel) => spreadOf(level[side], (r) => r.throughput).median;
  return session.levels.reduce((best, level) => (median(level) > median(best) ? level : best));
}

/** Ours over the baseline at their peaks: the figure scenario 2 reports. */
export function throughputRatio(session: E2eSession): number {
  const ours = spreadOf(peakLevel(session, 'ours').ours, (r) => r.throughput).median;
  const baseline = spreadOf(peakLevel(session, 'baseline').baseline, (r) => r.throughput).median;
  return ours / baseline;
}
