import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { LogOutput } from './log-output';
import type { PartSpec } from './stack-plan';

/**
 * One part of the local stack as a child process: its output goes, line by line and labelled, to
 * the stack's log output; it is ready when it says so over IPC (our Node parts) or when `probe`
 * succeeds (the Temporal dev server); it stops on SIGTERM, or is killed when it takes too long.
 * Each part runs in its own process group, so a Ctrl-C at the terminal reaches only the stack,
 * which then stops the parts in order.
 */

export interface PartExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class PartProcess {
  readonly child: ChildProcess;
  /** Settles when the process has exited, whatever the reason. */
  readonly exited: Promise<PartExit>;
  /** Settles when the part says it serves (our Node parts, over IPC). */
  private readonly reported: Promise<void>;
  private stopping = false;

  constructor(
    readonly spec: PartSpec,
    { env, cwd, output }: { env: Record<string, string>; cwd: string; output: LogOutput },
  ) {
    this.child = spawn(spec.command, spec.args, {
      cwd,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', ...(spec.ipc ? (['ipc'] as const) : [])],
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => resolve({ code, signal }));
      // A process that never started (e.g. the binary vanished) has no exit event.
      this.child.once('error', (error) => {
        output.line(spec.name, String(error), 'stderr');
        if (this.child.pid === undefined) resolve({ code: null, signal: null });
      });
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: this.child[stream]!, crlfDelay: Infinity }).on('line', (line) =>
        output.line(spec.name, line, stream),
      );
    }
    this.reported = new Promise((resolve) => {
      this.child.on('message', (message: { type?: string }) => {
        if (message.type === 'ready') resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private get hasExited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** True once the stack has asked it to stop: its exit is then expected. */
  get isStopping(): boolean {
    return this.stopping;
  }

  /**
   * Resolves once the part serves. Rejects if it exits first or is not ready within `timeoutMs`.
   */
  async ready(probe: (() => Promise<boolean>) | undefined, timeoutMs: number): Promise<void> {
    const exitedFirst = this.exited.then((exit) => {
      throw new Error(`${this.spec.title} exited while starting (${describeExit(exit)})`);
    });
    const signalled = this.spec.ipc
      ? this.reported
      : pollUntil(probe ?? (() => Promise.resolve(true)), () => this.hasExited);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${this.spec.title} was not ready within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([signalled, exitedFirst, timedOut]);
    } finally {
      clearTimeout(timer);
      exitedFirst.catch(() => undefined);
    }
  }

  /** SIGTERM, then SIGKILL after the part's stop timeout; resolves with how it ended. */
  async stop(): Promise<PartExit & { killed: boolean }> {
    this.stopping = true;
    if (this.hasExited) {
      return { ...(await this.exited), killed: false };
    }
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.spec.stopTimeoutMs);
    });
    const outcome = await Promise.race([this.exited, late]);
    clearTimeout(timer);
    if (outcome !== 'late') return { ...outcome, killed: false };
    this.kill();
    return { ...(await this.exited), killed: true };
  }

  /** At once, no grace: a second Ctrl-C, or a part that would not stop. */
  kill(): void {
    this.stopping = true;
    if (!this.hasExited) this.child.kill('SIGKILL');
  }
}

export function describeExit({ code, signal }: PartExit): string {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}

async function pollUntil(check: () => Promise<boolean>, gaveUp: () => boolean): Promise<void> {
  while (!gaveUp()) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // The exit itself is reported by `ready`.
  await new Promise(() => undefined);
}
