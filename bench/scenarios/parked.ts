import path from 'node:path';
import { workerNodeFlags } from '../../src/temporal/worker-heap';
import { COMPLETED, IN_REVIEW, runParked, type ParkedRun } from '../parked/run';
import type { ProcessReading } from '../parked/process-sampler';
import { formatSpread, spread, type Scenario, type ScenarioResult } from '../scenario';

/**
 * Scenario 5, many waiting onboardings: BENCH_PARKED_ONBOARDINGS (10,000) onboardings parked in
 * Ingo's manual review (SSN ending 2222) on the local stack as production runs it; the worker's and
 * the dev server's memory while they wait, then all decided through the sandbox's admin API and
 * the time until every one completed. Target: worker RSS under 300 MB while they wait.
 *
 * Knobs (environment), for development runs at 1,000 first: BENCH_PARKED_ONBOARDINGS;
 * BENCH_PARKED_CONCURRENCY (48 requests in flight); BENCH_PARKED_MAX_UNPARKED (24: onboardings
 * started and not yet in review, so they arrive as the stack can take them, not all at once);
 * BENCH_PARKED_HOLD_SECONDS (60); BENCH_PARKED_MAX_CACHED_WORKFLOWS (the worker's cache for this
 * run; unset: the configured default); BENCH_PARKED_GRACE_MINUTES (how long the reviews wait for
 * the webhook before polling; production's 5 by default: parking thousands at ~8/s squeezes days of
 * arrivals into minutes, and every review's first polls, 1 minute doubling, then fall inside the
 * run, a polling storm no real arrival rate makes); BENCH_PARKED_PHASE_TIMEOUT_SECONDS (each phase; by
 * default 10 minutes, or a quarter second per onboarding when that is longer).
 */

const TARGET_WORKER_RSS_MB = 300;
const PRODUCTION_GRACE_MINUTES = 5; // the production kycGracePeriod: polling starts after it

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

function optionalInt(name: string): number | undefined {
  return process.env[name] ? positiveInt(name, 0) : undefined;
}

const mb = (value: number) => value.toFixed(0);
const max = (values: number[]) => Math.max(...values);

function rssRow(run: ParkedRun, part: string, title: string): string {
  const waiting = run.sampler.readings(part, ['waiting']);
  const loading = run.sampler.readings(part, ['start', 'parking']);
  const all = run.sampler.readings(part, ['start', 'parking', 'waiting', 'deciding', 'completing']);
  if (waiting.length === 0) return `| ${title} | n/a | | | | |`;
  const rss = (readings: ProcessReading[]) => readings.map((reading) => reading.rssMb);
  const cpu = (phases: string[]) =>
    phases.reduce((sum, phase) => sum + run.sampler.cpuSeconds(part, phase), 0).toFixed(0);
  return (
    `| ${title} | ${formatSpread(spread(rss(waiting)), 0)} | ${mb(max(rss(loading)))} | ` +
    `${mb(max(rss(all)))} | ${mb(max(all.map((reading) => reading.hwmMb)))} | ` +
    `${cpu(['start', 'parking'])} / ${cpu(['waiting'])} / ${cpu(['deciding', 'completing'])} |`
  );
}

export const parkedScenario: Scenario = {
  id: 'parked',
  title: 'Many waiting onboardings',
  inQuick: false,
  async run(options): Promise<ScenarioResult> {
    const progress = (message: string) => options.progress(message);
    const { workDir } = options;
    const onboardings = positiveInt('BENCH_PARKED_ONBOARDINGS', 10_000);
    const concurrency = positiveInt('BENCH_PARKED_CONCURRENCY', 48);
    const holdSeconds = positiveInt('BENCH_PARKED_HOLD_SECONDS', 60);
    const graceMinutes = positiveInt('BENCH_PARKED_GRACE_MINUTES', PRODUCTION_GRACE_MINUTES);
    const maxUnparked = positiveInt('BENCH_PARKED_MAX_UNPARKED', 24);
    const run = await runParked({
      onboardings,
      concurrency,
      maxUnparked,
      holdSeconds,
      maxCachedWorkflows: optionalInt('BENCH_PARKED_MAX_CACHED_WORKFLOWS'),
      gracePeriodMinutes: graceMinutes,
      phaseTimeoutMs:
        positiveInt(
          'BENCH_PARKED_PHASE_TIMEOUT_SECONDS',
          Math.max(600, Math.ceil(onboardings / 4)),
        ) * 1000,
      logFile: path.join(workDir, 'parked-stack.jsonl'),
      progress,
    });
    if (run.leftover.length > 0) {
      throw new Error(`processes left running after the stack stopped: ${run.leftover.join(', ')}`);
    }

    const waitingWorker = run.sampler.readings('worker', ['waiting']).map((r) => r.rssMb);
    const waitingTemporal = run.sampler.readings('temporal', ['waiting']).map((r) => r.rssMb);
    const worker = spread(waitingWorker);
    const temporal = spread(waitingTemporal);
    const workerPeak = max(
      run.sampler
        .readings('worker', ['start', 'parking', 'waiting', 'deciding', 'completing'])
        .map((r) => r.hwmMb),
    );
    const met = worker.max < TARGET_WORKER_RSS_MB;
    // The worker right after it started, before the first onboarding: what the cache adds to.
    const idle = run.sampler.readings('worker', ['starting']).at(-1)?.rssMb ?? Number.NaN;
    const cached = Math.min(2 * onboardings, run.cache.size); // an onboarding and its review
    const aboveIdle = worker.median - idle;
    const checks = run.ingoCalls['/api/v4/user/check-verification-request'] ?? 0;
    // Each review checks once after its webhook; every other check was a poll.
    const polls = Math.max(checks - onboardings, 0);
    const startWindows = spread(run.startWindowRates);
    const completeWindows =
      run.completeWindowRates.length > 0 ? spread(run.completeWindowRates) : undefined;
    const ingoCalls = Object.values(run.ingoCalls).reduce((sum, calls) => sum + calls, 0);

    const markdown = [
      `${onboardings.toLocaleString('en-US')} onboardings started through the API ` +
        `(\`POST /v1/onboardings\`, ${concurrency} in flight, at most ${maxUnparked} started and not ` +
        'yet in review at any time) on the local stack as production ' +
        `runs it (\`dist/\`, each part its own process: dev server, sandbox, API and webhook ` +
        `receiver, worker; \`LOG_LEVEL=warn\`), every applicant's SSN ending 2222, so Ingo (the ` +
        `sandbox, KYC delay 0) keeps each review in manual review. ` +
        (graceMinutes === PRODUCTION_GRACE_MINUTES
          ? 'Production timing: the reviews '
          : `Production timing except the grace period (\`BENCH_PARKED_GRACE_MINUTES=${graceMinutes}\`, ` +
            'production 5): the reviews ') +
        `wait for the webhook ${graceMinutes} minutes, then poll (1 min doubling to 1 h)` +
        (polls > 0
          ? `; Ingo was asked ${polls.toLocaleString('en-US')} times more than once per review ` +
            '(polls of reviews waiting that long, and retried checks). '
          : '; no review reached its first poll. ') +
        `Once all ${onboardings.toLocaleString('en-US')} were \`in_review\` (visibility: ` +
        `\`${IN_REVIEW}\`), memory was sampled once a second for ${holdSeconds} s; then every ` +
        `review was decided \`verified\` through \`POST /_sandbox/kyc/:userId/decision\` ` +
        `(${concurrency} in flight), and the onboardings were followed until all completed ` +
        `(\`${COMPLETED}\`). Worker workflow cache: ${run.cache.size} workflows ` +
        `(${run.cache.source}). One run: the rates are the median (min–max) over its 10-second ` +
        `windows.`,
      '',
      '| phase | result |',
      '| --- | --- |',
      `| start ${onboardings.toLocaleString('en-US')} | ${run.startSeconds.toFixed(0)} s: ` +
        `${run.startRate.toFixed(0)} starts/s overall, ${formatSpread(startWindows, 0)} per window` +
        `${run.startRetries > 0 ? ` (${run.startRetries} requests retried)` : ''} |`,
      `| all in review | ${run.parkSeconds.toFixed(0)} s after the first start |`,
      `| decide all (admin API) | ${run.decideSeconds.toFixed(1)} s |`,
      `| all completed | ${run.completeSeconds.toFixed(0)} s after the first decision` +
        `${completeWindows ? `: ${formatSpread(completeWindows, 0)} completions/s per window` : ''} |`,
      `| Ingo calls | ${ingoCalls.toLocaleString('en-US')} in all (${polls.toLocaleString('en-US')} polls) |`,
      '',
      '| process | RSS while all wait, MB: median (min–max) | max RSS starting, MB | max RSS overall, MB | peak (VmHWM), MB | CPU s: starting / waiting / completing |',
      '| --- | --- | --- | --- | --- | --- |',
      rssRow(run, 'worker', 'worker'),
      rssRow(run, 'temporal', 'Temporal dev server'),
      rssRow(run, 'api', 'API + webhook receiver'),
      rssRow(run, 'sandbox', 'Ingo sandbox'),
      '',
      `The worker used ${mb(idle)} MB right after it started and ${mb(aboveIdle)} MB more ` +
        `while the onboardings waited, with at most ${cached.toLocaleString('en-US')} workflows ` +
        `(onboardings and reviews alike) in its cache: what the cached workflows hold, and ` +
        `garbage of evicted ones not yet collected, within the heap's bounds (\`` +
        `${workerNodeFlags(run.cache.size).join(' ')}\`: src/temporal/worker-heap.ts). ` +
        `The whole scenario took ` +
        `${(run.totalSeconds / 60).toFixed(1)} minutes.`,
      '',
      `Target: worker RSS under ${TARGET_WORKER_RSS_MB} MB while ` +
        `${onboardings.toLocaleString('en-US')} wait: **${met ? 'met' : 'missed'}** ` +
        `(${mb(worker.median)} MB median, ${mb(worker.max)} MB at most while waiting; ` +
        `${mb(workerPeak)} MB peak over the run).`,
    ].join('\n');

    const figures = {
      onboardings,
      worker_rss_mb: Number(worker.median.toFixed(1)),
      worker_rss_max_mb: Number(worker.max.toFixed(1)),
      worker_peak_mb: Number(workerPeak.toFixed(1)),
      devserver_rss_mb: Number(temporal.median.toFixed(1)),
      start_rate_per_s: Number(run.startRate.toFixed(1)),
      park_seconds: Number(run.parkSeconds.toFixed(1)),
      decide_seconds: Number(run.decideSeconds.toFixed(1)),
      complete_seconds: Number(run.completeSeconds.toFixed(1)),
      worker_cache_size: run.cache.size,
      worker_idle_mb: Number(idle.toFixed(1)),
      worker_rss_above_idle_mb: Number(aboveIdle.toFixed(1)),
      total_minutes: Number((run.totalSeconds / 60).toFixed(1)),
    };
    const summary =
      `onboardings=${onboardings} worker_rss_mb=${mb(worker.median)} worker_peak_mb=${mb(workerPeak)} ` +
      `devserver_rss_mb=${mb(temporal.median)} start_rate_per_s=${run.startRate.toFixed(0)} ` +
      `complete_s=${run.completeSeconds.toFixed(0)} worker_rss_target=${met ? 'met' : 'missed'}`;
    return { summary, markdown, figures };
  },
};
