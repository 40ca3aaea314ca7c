import type { LocalStack } from '../dev/stack/local-stack';
import type { PartName } from '../dev/stack/stack-plan';
import { sleep } from './time';

/**
 * The crashes, by progress of the load: each one a SIGKILL of one part (no grace, as a crash or an
 * OOM kill), then, after a short outage, the part started again as it first ran: same ports, and
 * for Temporal the same SQLite database. One at a time, in order. A part that dies on its own
 * (not one of these) is noticed, restarted the same way, and reported: that is a finding.
 */

export interface PlannedCrash {
  part: PartName;
  /** Share of the load's starts after which it happens. */
  atProgress: number;
  /** How long the part stays down before it is started again. */
  downMs: number;
}

/** Issue 8: the worker twice, the Temporal dev server once, the API and receiver once. */
export const CRASH_SCHEDULE: readonly PlannedCrash[] = [
  { part: 'worker', atProgress: 0.2, downMs: 2_000 },
  { part: 'temporal', atProgress: 0.35, downMs: 2_000 },
  { part: 'worker', atProgress: 0.55, downMs: 1_000 },
  { part: 'api', atProgress: 0.7, downMs: 3_000 },
];

export interface CrashRecord {
  part: PartName;
  /** ms since the run began. */
  killedAtMs: number;
  /** When the part served again, ms since the run began. */
  backAtMs: number;
  downtimeMs: number;
  exit: string;
  /** Planned (the schedule), or a part that died on its own. */
  planned: boolean;
}

type Parts = Pick<LocalStack, 'killPart' | 'startPart' | 'parts'>;

export class CrashRunner {
  readonly records: CrashRecord[] = [];
  private progress = 0;
  private wake: (() => void) | undefined;
  private done = false;
  private busy: Promise<void> = Promise.resolve();
  private readonly seenDead = new WeakSet<object>();
  private watchTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stack: Parts,
    private readonly schedule: readonly PlannedCrash[],
    private readonly runStart: number,
    private readonly log: (line: string) => void,
  ) {}

  /** The load's progress, 0-1. */
  setProgress(progress: number): void {
    this.progress = progress;
    this.wake?.();
  }

  /** Runs the schedule; resolves once every crash has happened and its part serves again. */
  async run(): Promise<void> {
    this.watch();
    for (const crash of this.schedule) {
      while (this.progress < crash.atProgress && !this.done) {
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
      await this.exclusive(() => this.crash(crash.part, crash.downMs, true));
    }
  }

  /** The load is over: crashes not yet reached happen now. */
  finishLoad(): void {
    this.done = true;
    this.wake?.();
  }

  /** Stops watching for parts that die on their own. */
  stop(): void {
    clearInterval(this.watchTimer);
  }

  private exclusive(work: () => Promise<void>): Promise<void> {
    const next = this.busy.then(work);
    this.busy = next.catch(() => undefined);
    return next;
  }

  private async crash(
    part: PartName,
    downMs: number,
    planned: boolean,
    exitedWith = '',
  ): Promise<void> {
    const killedAt = Date.now();
    let exit = exitedWith;
    if (planned) {
      this.log(`crash: SIGKILL ${part}`);
      const ended = await this.stack.killPart(part);
      exit = ended.signal ? `killed by ${ended.signal}` : `exit code ${ended.code}`;
      await sleep(downMs);
    }
    await this.stack.startPart(part);
    const back = Date.now();
    this.records.push({
      part,
      killedAtMs: killedAt - this.runStart,
      backAtMs: back - this.runStart,
      downtimeMs: back - killedAt,
      exit,
      planned,
    });
    this.log(`crash: ${part} serves again after ${((back - killedAt) / 1000).toFixed(1)} s`);
  }

  /** A part that exited without being asked to: restarted, and reported as unplanned. */
  private watch(): void {
    this.watchTimer = setInterval(() => {
      for (const [name, part] of this.stack.parts) {
        const { child } = part;
        const dead = child.exitCode !== null || child.signalCode !== null;
        if (!dead || part.isStopping || this.seenDead.has(part)) continue;
        this.seenDead.add(part);
        const exit = child.signalCode
          ? `killed by ${child.signalCode}`
          : `exit code ${child.exitCode}`;
        this.log(`${name} died on its own (${exit})`);
        void this.exclusive(() => this.crash(name, 0, false, exit)).catch((error: unknown) =>
          this.log(`could not restart ${name}: ${String(error)}`),
        );
      }
    }, 500);
  }
}
