import type { SandboxAdminClient } from '../dev/sandbox/admin-client';
import { sleep } from './time';

/**
 * "200 ms extra latency on some calls": the sandbox's request-fault scope (`paths`) applies to all
 * request faults at once, so scoping latency to some paths would scope the 5xx and the lost
 * responses too. Instead latency is switched on for every call in windows, and off between them.
 * The sandbox counts the calls that waited (`faults.delayedCalls`).
 */

export interface LatencyWindowReport {
  windows: number;
  onMs: number;
  offMs: number;
  latencyMs: number;
}

export class LatencyWindows {
  private stopped = false;
  private stoppedSignal: (() => void) | undefined;
  private running: Promise<void> | undefined;
  readonly report: LatencyWindowReport;

  constructor(
    private readonly admin: SandboxAdminClient,
    settings: { latencyMs: number; onMs: number; offMs: number },
  ) {
    this.report = { windows: 0, ...settings };
  }

  start(): void {
    this.running = this.loop();
  }

  /** Ends the current window (latency off) and stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stoppedSignal?.();
    await this.running;
  }

  private async pause(ms: number): Promise<void> {
    await Promise.race([sleep(ms), new Promise<void>((resolve) => (this.stoppedSignal = resolve))]);
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      await this.pause(this.report.offMs);
      if (this.stopped) break;
      await this.admin.putFaults({ latencyMs: this.report.latencyMs });
      this.report.windows += 1;
      await this.pause(this.report.onMs);
      await this.admin.putFaults({ latencyMs: 0 });
    }
  }
}
