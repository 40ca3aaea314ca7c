import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { summarizeLatencies, type LatencySummary } from './stats';

/**
 * Load generators for whole onboardings. A target runs one onboarding from start request to
 * completion; the generators time each (`performance.now()` before the start request, until the
 * completion is known) and say how many completed per second.
 */

export interface LoadTarget {
  name: string;
  /** Starts onboarding number `seq` and resolves once it completed; rejects if it did not. */
  runOne(seq: number): Promise<void>;
  /**
   * Gives up on onboarding `seq` (terminates its workflow), so the next measurement starts on an
   * idle system; its `runOne` then settles soon.
   */
  abandon?(seq: number): Promise<void>;
}

export interface Sample {
  startedAt: number;
  finishedAt: number;
  ok: boolean;
  /** Still running when the drain time ran out: its latency is longer than anything measured. */
  unfinished?: boolean;
}

export interface LoadRun {
  /** Completed onboardings per second within the measurement window. */
  throughput: number;
  /** Of the onboardings started within the window. */
  latency: LatencySummary;
  completed: number;
  errors: number;
  /** Started in the window, still running when the drain time ran out (latency counted as ∞). */
  unfinished: number;
  /** The measurement window, ms. */
  windowMs: number;
  /** Errors' messages, a few, for the log. */
  errorSamples: string[];
}

/** Throughput and latency of the samples in a window, as both generators report them. */
export function measureWindow(
  samples: readonly Sample[],
  windowStart: number,
  windowEnd: number,
): Omit<LoadRun, 'errorSamples'> {
  const windowMs = windowEnd - windowStart;
  const inWindow = (t: number) => t >= windowStart && t < windowEnd;
  const completed = samples.filter((s) => s.ok && inWindow(s.finishedAt)).length;
  const started = samples.filter((s) => inWindow(s.startedAt));
  const timed = started.filter((s) => s.ok || s.unfinished);
  return {
    throughput: windowMs > 0 ? completed / (windowMs / 1000) : Number.NaN,
    latency: summarizeLatencies(
      timed.map((s) => (s.unfinished ? Number.POSITIVE_INFINITY : s.finishedAt - s.startedAt)),
    ),
    completed,
    errors: started.filter((s) => !s.ok && !s.unfinished).length,
    unfinished: started.filter((s) => s.unfinished).length,
    windowMs,
  };
}

/**
 * How fast the onboardings started in a window completed: one less than their number over the time
 * from the first completion to the last. Below saturation that is the rate they were started at;
 * above it, the rate the system works off its backlog, its capacity, however long each one waited.
 */
export function completionRate(
  samples: readonly Sample[],
  windowStart: number,
  windowEnd: number,
): number {
  const finished = samples
    .filter((s) => s.ok && s.startedAt >= windowStart && s.startedAt < windowEnd)
    .map((s) => s.finishedAt)
    .sort((a, b) => a - b);
  if (finished.length < 2) return Number.NaN;
  const span = finished[finished.length - 1]! - finished[0]!;
  return span > 0 ? ((finished.length - 1) * 1000) / span : Number.NaN;
}

class Recorder {
  readonly samples: Sample[] = [];
  readonly errorSamples: string[] = [];
  private readonly inFlight = new Map<number, { startedAt: number; settled: Promise<void> }>();
  private readonly abandoned = new Set<number>();
  completions = 0;
  seq = 0;

  constructor(private readonly target: LoadTarget) {}

  run(seq: number): Promise<void> {
    const startedAt = performance.now();
    const settled = (async () => {
      let ok = true;
      try {
        await this.target.runOne(seq);
      } catch (error) {
        ok = false;
        if (!this.abandoned.has(seq) && this.errorSamples.length < 5) {
          this.errorSamples.push(String(error));
        }
      }
      this.inFlight.delete(seq);
      if (this.abandoned.has(seq)) return;
      this.samples.push({ startedAt, finishedAt: performance.now(), ok });
      this.completions += 1;
    })();
    this.inFlight.set(seq, { startedAt, settled });
    return settled;
  }

  /** Every onboarding still running, given up on: recorded as unfinished, its workflow ended. */
  async abandonAll(): Promise<void> {
    const left = [...this.inFlight];
    for (const [seq, { startedAt }] of left) {
      this.abandoned.add(seq);
      this.samples.push({
        startedAt,
        finishedAt: Number.POSITIVE_INFINITY,
        ok: false,
        unfinished: true,
      });
    }
    await Promise.all(
      left.map(async ([seq, { settled }]) => {
        await this.target.abandon?.(seq).catch(() => undefined);
        await withDeadline(settled, 30_000, `abandoning ${this.target.name} #${seq}`).catch(
          () => undefined,
        );
      }),
    );
  }
}

/** Waits for `running` at most `ms`; then abandons what is left. Resolves false if it had to. */
async function drain(recorder: Recorder, running: Promise<unknown>, ms: number): Promise<boolean> {
  try {
    await withDeadline(running, ms, 'drain');
    return true;
  } catch {
    await recorder.abandonAll();
    await running;
    return false;
  }
}

async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

export interface ClosedLoopOptions {
  concurrency: number;
  /** Consecutive measurement windows after the warm-up, each reported as a run of its own. */
  windows: number;
  windowMs: number;
  /**
   * The warm-up ends once this many onboardings completed (default: the concurrency, at most 20:
   * by then every client is busy and, past saturation, the queue is full) and `minWarmupMs` passed.
   */
  warmupCompletions?: number;
  minWarmupMs?: number;
  /** The warm-up must end within this, or the session fails. */
  warmupTimeoutMs?: number;
  /**
   * How long the onboardings still running after the last window may take; the rest are
   * abandoned (latency ∞, workflows terminated).
   */
  drainTimeoutMs?: number;
}

/**
 * `concurrency` clients, each starting its next onboarding as soon as its last one completed,
 * through a warm-up and then `windows` consecutive windows. Per window: completions in it per
 * second, and the latency of the onboardings started in it, which are waited for after the last
 * window (so past saturation each one's latency includes its full wait behind the others).
 */
export async function closedLoop(
  target: LoadTarget,
  options: ClosedLoopOptions,
): Promise<LoadRun[]> {
  const { concurrency, windows, windowMs, minWarmupMs = 2_000 } = options;
  const { warmupTimeoutMs = 300_000, drainTimeoutMs = 60_000 } = options;
  const warmupCompletions = options.warmupCompletions ?? Math.min(concurrency, 20);
  const recorder = new Recorder(target);
  const begun = performance.now();
  let windowStart: number | undefined;
  let stopAt: number | undefined;
  const client = async () => {
    for (;;) {
      const now = performance.now();
      if (stopAt !== undefined && now >= stopAt) return;
      if (
        windowStart === undefined &&
        recorder.completions >= warmupCompletions &&
        now - begun >= minWarmupMs
      ) {
        windowStart = now;
        stopAt = now + windows * windowMs;
      }
      const before = recorder.errorSamples.length;
      await recorder.run(recorder.seq++);
      // A failing system is not hammered in a tight loop.
      if (recorder.errorSamples.length > before) await sleep(100);
    }
  };
  const clients = Promise.all(Array.from({ length: concurrency }, client));
  const warmedUp = (async () => {
    while (stopAt === undefined) await sleep(100);
    return stopAt;
  })();
  const end = await withDeadline(warmedUp, warmupTimeoutMs, `${target.name} warm-up`).catch(
    async (error: unknown) => {
      stopAt = performance.now();
      await drain(recorder, clients, 0);
      throw error;
    },
  );
  await sleep(Math.max(0, end - performance.now()));
  await drain(recorder, clients, drainTimeoutMs);
  const first = windowStart;
  if (first === undefined) throw new Error(`${target.name}: no measurement window`);
  return Array.from({ length: windows }, (_, k) => ({
    ...measureWindow(recorder.samples, first + k * windowMs, first + (k + 1) * windowMs),
    errorSamples: recorder.errorSamples,
  }));
}

export interface OpenLoopOptions {
  /** Onboardings started per second, on a fixed schedule whatever the system does. */
  rate: number;
  durationMs: number;
  /** The first part of the run, not measured (the pipeline filling up). */
  warmupMs: number;
  /** How long the onboardings still running after the last start may take; the rest are abandoned. */
  drainTimeoutMs: number;
}

export interface OpenLoopRun extends LoadRun {
  offered: number;
}

/** Onboardings started at a fixed rate, each on its own, for `durationMs`; then drained. */
export async function openLoop(target: LoadTarget, options: OpenLoopOptions): Promise<OpenLoopRun> {
  const { rate, durationMs, warmupMs, drainTimeoutMs } = options;
  const recorder = new Recorder(target);
  const inFlight = new Set<Promise<void>>();
  const begun = performance.now();
  const total = Math.round((rate * durationMs) / 1000);
  for (let i = 0; i < total; i += 1) {
    const due = begun + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const running = recorder.run(recorder.seq++);
    inFlight.add(running);
    void running.finally(() => inFlight.delete(running));
  }
  await drain(recorder, Promise.all(inFlight), drainTimeoutMs);
  const windowStart = begun + warmupMs;
  const windowEnd = begun + durationMs;
  return {
    ...measureWindow(recorder.samples, windowStart, windowEnd),
    throughput: completionRate(recorder.samples, windowStart, windowEnd),
    offered: rate,
    errorSamples: recorder.errorSamples,
  };
}
