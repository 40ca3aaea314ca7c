import fs from 'node:fs';

/**
 * Memory and CPU of a few processes, read from /proc once a second (Linux): resident set size
 * (VmRSS), its peak so far (VmHWM), and CPU seconds used (utime + stime), each sample tagged with
 * the benchmark's phase at the time.
 */

export interface ProcessReading {
  rssMb: number;
  hwmMb: number;
  cpuSeconds: number;
}

export interface Sample {
  /** Seconds since the sampler started. */
  at: number;
  phase: string;
  readings: Record<string, ProcessReading | undefined>;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** One process's reading, or undefined when it is gone (or this is not Linux). */
export function readProcess(pid: number): ProcessReading | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    // Fields after the command (which may hold spaces) start after its closing parenthesis.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
    return {
      rssMb: kb('VmRSS') / 1024,
      hwmMb: kb('VmHWM') / 1024,
      cpuSeconds: ticks / TICKS_PER_SECOND,
    };
  } catch {
    return undefined;
  }
}

export class ProcessSampler {
  readonly samples: Sample[] = [];
  phase = 'starting';
  private timer: NodeJS.Timeout | undefined;
  private readonly started = Date.now();

  constructor(
    private readonly pids: Record<string, number>,
    private readonly intervalMs = 1_000,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  /** Takes a sample now (also between the regular ones, at a phase's end). */
  sample(): Sample {
    const readings = Object.fromEntries(
      Object.entries(this.pids).map(([name, pid]) => [name, readProcess(pid)]),
    );
    const sample = { at: (Date.now() - this.started) / 1000, phase: this.phase, readings };
    this.samples.push(sample);
    return sample;
  }

  /** Enters the next phase, with a sample at the boundary. */
  enter(phase: string): void {
    this.sample();
    this.phase = phase;
  }

  /** One process's readings in the given phases. */
  readings(part: string, phases: readonly string[]): ProcessReading[] {
    return this.samples
      .filter((sample) => phases.includes(sample.phase))
      .flatMap((sample) => (sample.readings[part] ? [sample.readings[part]] : []));
  }

  /** CPU seconds a process used during the given phase: from the sample before it to its last. */
  cpuSeconds(part: string, phase: string): number {
    const first = this.samples.findIndex((sample) => sample.phase === phase);
    const last = this.samples.findLastIndex((sample) => sample.phase === phase);
    if (first < 0) return 0;
    const before = this.samples[Math.max(first - 1, 0)]!.readings[part];
    const end = this.samples[last]!.readings[part];
    return before && end ? end.cpuSeconds - before.cpuSeconds : 0;
  }
}
