import type { Logger } from 'pino';

/**
 * The sandbox's background timers (KYC decisions, webhook deliveries), kept in one place so reset
 * and shutdown can cancel every one of them. A failing callback is logged, never allowed to crash
 * the process.
 */
export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>();

  constructor(private readonly log: Logger) {}

  /** Runs `callback` after `ms`; returns a handle for `cancel`. */
  schedule(ms: number, callback: () => void | Promise<void>): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      Promise.resolve()
        .then(callback)
        .catch((error: unknown) => this.log.error({ err: error }, 'sandbox timer failed'));
    }, ms);
    this.pending.add(timer);
    return timer;
  }

  cancel(timer: NodeJS.Timeout | undefined): void {
    if (timer === undefined) return;
    clearTimeout(timer);
    this.pending.delete(timer);
  }

  cancelAll(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}
