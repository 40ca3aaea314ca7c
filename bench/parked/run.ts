import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { OnboardingApiClient } from '../../src/api/client';
import { OnboardingApiError, OnboardingApiUnreachableError } from '../../src/api/client-errors';
import { ingoUserIdOfReview } from '../../src/contract/ids';
import { KycStatusKey } from '../../src/contract/search-attributes';
import {
  ONBOARDING_WORKFLOW,
  VERIFICATION_REVIEW_WORKFLOW,
} from '../../src/contract/workflow-types';
import { SandboxAdminClient, SandboxUnreachableError } from '../../dev/sandbox/admin-client';
import { describeExit } from '../../dev/stack/part-process';
import { startScriptedStack } from '../../dev/stack/scripted-stack';
import { track } from '../lib/cleanup';
import { benchStackEnv } from '../lib/bench-stack';
import { WORKER_SEMI_SPACE_MB, workerOldSpaceMb } from '../../src/temporal/worker-heap';
import { readProcess, ProcessSampler } from './process-sampler';
import { forEachLimited, withRetries } from './pool';
import { applicantFor } from '../../dev/testing/signups';
import { pause, within } from '../cost/wait';

/**
 * Many onboardings parked in manual review on the local stack as production runs it (`dist/`,
 * separate processes, the dev server): started through the API, left waiting while the worker's
 * and the dev server's memory is sampled, then all decided through the sandbox's admin API and
 * followed until every one completed.
 */

export interface ParkedOptions {
  onboardings: number;
  /** Requests in flight, for the starts and for the decisions. */
  concurrency: number;
  /**
   * At most this many onboardings started and not yet in review: a start waits for reviews to
   * open. Arriving all at once, 10,000 would be ten thousand workflows in progress on one worker,
   * far more than its workflow cache, each workflow task replaying its history.
   */
  maxUnparked: number;
  /** How long the parked onboardings are watched once all wait. */
  holdSeconds: number;
  /** TEMPORAL_WORKER_MAX_CACHED_WORKFLOWS for this run; unset: the configured default. */
  maxCachedWorkflows?: number;
  /** How long each review waits for the webhook before its first poll (production: 5). */
  gracePeriodMinutes: number;
  /** How long each phase (starting, parking, deciding, completing) may take. */
  phaseTimeoutMs: number;
  logFile: string;
  progress(message: string): void;
}

export interface ParkedRun {
  onboardings: number;
  /** What the worker's workflow cache held at most, and where that number came from. */
  cache: { size: number; source: string };
  startSeconds: number;
  /** Starts per second over the whole start phase, and over each full 10-second window. */
  startRate: number;
  startWindowRates: number[];
  startRetries: number;
  /** From the first start until every review is `in_review`. */
  parkSeconds: number;
  /** Sending every decision through the admin API. */
  decideSeconds: number;
  /** From the first decision until every onboarding completed. */
  completeSeconds: number;
  completeWindowRates: number[];
  sampler: ProcessSampler;
  ingoCalls: Record<string, number>;
  /** Processes of the stack still alive after it stopped (should be none). */
  leftover: string[];
  /** The whole run, the stack's start and stop included. */
  totalSeconds: number;
}

const WINDOW_SECONDS = 10;

/** The visibility queries the run counts by (also quoted in its report). */
const REVIEWS = `WorkflowType="${VERIFICATION_REVIEW_WORKFLOW}"`;
export const IN_REVIEW = `${REVIEWS} AND ${KycStatusKey.name}="in_review"`;
const RUNNING_REVIEWS = `${REVIEWS} AND ExecutionStatus="Running"`;
export const COMPLETED = `WorkflowType="${ONBOARDING_WORKFLOW}" AND ExecutionStatus="Completed"`;

function transient(error: unknown): boolean {
  if (error instanceof OnboardingApiUnreachableError) return true;
  return error instanceof OnboardingApiError && [429, 502, 503, 504].includes(error.status);
}

/** Events per second in each full window of `WINDOW_SECONDS`, from event times in ms. */
function windowRates(times: number[], from: number): number[] {
  const counts: number[] = [];
  for (const time of times) {
    const window = Math.floor((time - from) / 1000 / WINDOW_SECONDS);
    counts[window] = (counts[window] ?? 0) + 1;
  }
  const last = Math.floor((Math.max(...times) - from) / 1000 / WINDOW_SECONDS);
  // The last window is partial; leave it out unless it is the only one.
  const full = last > 0 ? counts.slice(0, last) : counts;
  return Array.from(full, (count) => (count ?? 0) / WINDOW_SECONDS);
}

/** The SDK's default cache (worker-options.js) for the worker's heap limit: old space and young generation. */
function sdkDefaultCache(maxCachedWorkflows: number): number {
  const heapMiB = workerOldSpaceMb(maxCachedWorkflows) + 3 * WORKER_SEMI_SPACE_MB;
  return Math.max(Math.floor((Math.max(heapMiB - 200, 0) * 600) / 1024), 10);
}

/** What the phases share: the client, the person watching, and the stack's health. */
interface Watch {
  client: Client;
  sampler: ProcessSampler;
  progress(message: string): void;
  timeoutMs: number;
  /** Rejects as soon as a part of the stack exits on its own (the worker out of memory, say). */
  died: Promise<never>;
}

/** The promise, unless a part of the stack dies first. */
function guarded<T>(watch: Watch, promise: Promise<T>): Promise<T> {
  return Promise.race([promise, watch.died]);
}

/** Polls a visibility count once a second until it reaches `target`. */
async function waitForCount(
  watch: Watch,
  query: string,
  target: number,
  what: string,
  onCount?: (count: number) => void,
): Promise<void> {
  const deadline = Date.now() + watch.timeoutMs;
  let reported = Date.now();
  for (;;) {
    const { count } = await guarded(watch, watch.client.workflow.count(query));
    onCount?.(count);
    if (count >= target) return;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}: ${count} of ${target} after ${watch.timeoutMs} ms`,
      );
    }
    if (Date.now() - reported > 15_000) {
      const worker = watch.sampler.samples.at(-1)?.readings.worker;
      const rss = worker ? `; worker RSS ${worker.rssMb.toFixed(0)} MB` : '';
      watch.progress(`parked: ${what}: ${count}/${target}${rss}`);
      reported = Date.now();
    }
    await guarded(watch, pause(1_000));
  }
}

export async function runParked(options: ParkedOptions): Promise<ParkedRun> {
  const began = Date.now();
  const { onboardings: total, concurrency } = options;
  const progress = (message: string) => options.progress(message);
  // Warnings and errors only: ~40,000 request log lines would load the benchmark's own process.
  // The shell's overrides (worker tuning, Node options) apply as in every other scenario.
  const env: Record<string, string> = benchStackEnv({ LOG_LEVEL: 'warn' });
  env.ONBOARDING_KYC_GRACE_PERIOD = `${options.gracePeriodMinutes} minutes`;
  if (options.maxCachedWorkflows !== undefined) {
    env.TEMPORAL_WORKER_MAX_CACHED_WORKFLOWS = String(options.maxCachedWorkflows);
  }
  progress(`parked: starting the stack (dist/, log ${path.basename(options.logFile)})`);
  fs.rmSync(options.logFile, { force: true }); // this run's lines only
  const stack = await startScriptedStack({
    code: 'built',
    parts: ['temporal', 'sandbox', 'api', 'worker'],
    env,
    logFile: options.logFile,
  });
  // Ctrl-C during the run (bench/main.ts) stops it too; stopped once either way.
  const stopStack = track({
    name: 'parked scenario stack',
    stop: () => stack.stop(),
    kill: () => stack.stack.kill(),
  });
  const configured = stack.plan.config.workerTuning.maxCachedWorkflows;
  const sdkDefault = `the SDK's default for the worker's heap limit would be ${sdkDefaultCache(configured)}`;
  const cache =
    options.maxCachedWorkflows !== undefined
      ? { size: configured, source: `set for this run; ${sdkDefault}` }
      : {
          size: configured,
          source: `TEMPORAL_WORKER_MAX_CACHED_WORKFLOWS' default; ${sdkDefault}`,
        };
  const pids = stack.stack.pids();
  const sampled = Object.fromEntries(
    (['worker', 'temporal', 'api', 'sandbox'] as const).flatMap((name) =>
      pids[name] === undefined ? [] : [[name, pids[name]]],
    ),
  );
  const sampler = new ProcessSampler(sampled);
  sampler.start();
  const died = stack.stack.died.then(({ part, exit }) => {
    throw new Error(
      `${part.title} exited during the run (${describeExit(exit)}); see ${options.logFile}`,
    );
  });
  died.catch(() => undefined); // raced by every phase; unobserved when nothing dies
  let connection: Connection | undefined;
  let run: ParkedRun;
  try {
    connection = await Connection.connect({ address: stack.temporalAddress });
    const client = new Client({ connection, namespace: stack.plan.temporal.namespace });
    const watch: Watch = { client, sampler, progress, timeoutMs: options.phaseTimeoutMs, died };
    const api = new OnboardingApiClient({ baseUrl: stack.apiUrl, token: stack.apiToken });
    const admin = new SandboxAdminClient(stack.sandboxUrl, { timeoutMs: 30_000 });

    // Start: every onboarding through the API, SSN ending 2222 (manual review).
    sampler.enter('start');
    const tag = randomUUID().slice(0, 8);
    const signupIds = Array.from({ length: total }, (_, i) => `parked-${tag}-${i + 1}`);
    const startedAt = Date.now();
    const startTimes: number[] = [];
    let startRetries = 0;
    let parked = 0;
    let admitting = true;
    const admission = (async () => {
      while (admitting) {
        parked = (await guarded(watch, client.workflow.count(IN_REVIEW))).count;
        await pause(500);
      }
    })();
    await within(
      'the starts',
      guarded(
        watch,
        forEachLimited(signupIds, concurrency, async (signupId) => {
          while (startTimes.length - parked >= options.maxUnparked) await pause(100);
          const { retries } = await withRetries(
            () => api.start({ signupId, applicant: applicantFor(signupId, '2222') }),
            transient,
          );
          startRetries += retries;
          startTimes.push(Date.now());
          if (startTimes.length % 1000 === 0)
            progress(`parked: started ${startTimes.length}/${total}`);
        }),
      ),
      options.phaseTimeoutMs,
    ).finally(() => {
      admitting = false;
    });
    await admission;
    const startSeconds = (Date.now() - startedAt) / 1000;

    // Parked: every review in Ingo's manual review, waiting for its webhook.
    sampler.enter('parking');
    await waitForCount(watch, IN_REVIEW, total, 'reviews in review');
    const parkSeconds = (Date.now() - startedAt) / 1000;
    progress(
      `parked: all ${total} in review after ${parkSeconds.toFixed(0)} s; watching ${options.holdSeconds} s`,
    );
    sampler.enter('waiting');
    await guarded(watch, pause(options.holdSeconds * 1000));

    // Decide: every review verified through the admin API; the webhook wakes it.
    sampler.enter('deciding');
    const userIds: string[] = [];
    for await (const execution of client.workflow.list({
      query: RUNNING_REVIEWS,
      pageSize: 1000,
    })) {
      userIds.push(ingoUserIdOfReview(execution.workflowId));
    }
    if (userIds.length !== total) {
      throw new Error(`${userIds.length} KYC reviews running, expected ${total}`);
    }
    const decidedAt = Date.now();
    await within(
      'the decisions',
      guarded(
        watch,
        forEachLimited(userIds, concurrency, async (userId) => {
          await withRetries(
            () => admin.decide(userId, 'verified'),
            (error) => error instanceof SandboxUnreachableError,
          );
        }),
      ),
      options.phaseTimeoutMs,
    );
    const decideSeconds = (Date.now() - decidedAt) / 1000;
    progress(`parked: all decided in ${decideSeconds.toFixed(1)} s; waiting for completion`);

    sampler.enter('completing');
    const completions: { at: number; count: number }[] = [];
    await waitForCount(watch, COMPLETED, total, 'completed onboardings', (count) =>
      completions.push({ at: Date.now(), count }),
    );
    const completeSeconds = (Date.now() - decidedAt) / 1000;
    // Completions per second in each window, from the counts seen once a second.
    const completeTimes = completions.flatMap(({ at, count }, i) =>
      Array.from({ length: count - (completions[i - 1]?.count ?? 0) }, () => at),
    );
    sampler.enter('done');
    const stats = await admin.stats();

    run = {
      onboardings: total,
      cache,
      startSeconds,
      startRate: total / startSeconds,
      startWindowRates: windowRates(startTimes, startedAt),
      startRetries,
      parkSeconds,
      decideSeconds,
      completeSeconds,
      completeWindowRates: windowRates(completeTimes, decidedAt),
      sampler,
      ingoCalls: stats.calls,
      leftover: [],
      totalSeconds: 0,
    };
  } catch (error) {
    // What was measured until then, for whoever reads the failure.
    const worker = sampler.samples.flatMap((sample) =>
      sample.readings.worker ? [sample.readings.worker] : [],
    );
    if (error instanceof Error && worker.length > 0) {
      error.message +=
        ` (in phase ${sampler.phase}; worker RSS ${worker.at(-1)!.rssMb.toFixed(0)} MB, ` +
        `peak ${Math.max(...worker.map((reading) => reading.hwmMb)).toFixed(0)} MB)`;
    }
    throw error;
  } finally {
    sampler.stop();
    await connection?.close();
    progress('parked: stopping the stack');
    await stopStack();
  }
  run.leftover = survivors(sampled);
  run.totalSeconds = (Date.now() - began) / 1000;
  return run;
}

/** Which of the stack's processes still run (after `runParked` stopped it). */
export function survivors(pids: Record<string, number>): string[] {
  return Object.entries(pids)
    .filter(([, pid]) => readProcess(pid) !== undefined)
    .map(([name, pid]) => `${name} (pid ${pid})`);
}
