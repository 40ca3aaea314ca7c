import { Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import type { LogOutput } from './log-output';
import { describeExit, PartProcess, type PartExit } from './part-process';
import type { StackRecord } from './stack-record';
import { PROJECT_ROOT, type PartName, type PartSpec, type StackPlan } from './stack-plan';

/**
 * The local stack's parts as processes: started in dependency order (the worker once Temporal
 * answers), watched (a part that exits on its own is reported through `died`, so the stack goes
 * down rather than run half), and stopped in an order that loses nothing: the API first, so no
 * new work arrives; the worker, sandbox and codec server next; Temporal last, so the worker can
 * still complete what it holds.
 */

const STOP_ORDER: PartName[][] = [['api'], ['worker', 'sandbox', 'codec'], ['temporal']];

/** Long enough for a cold worker start (it bundles the workflow code) on a busy 2-core machine. */
const READY_TIMEOUT_MS = 120_000;

export class LocalStack {
  readonly parts = new Map<PartName, PartProcess>();
  /** Settles with the first part that exits without being asked to. */
  readonly died: Promise<{ part: PartSpec; exit: PartExit }>;
  private reportDeath!: (death: { part: PartSpec; exit: PartExit }) => void;
  private stopping = false;

  constructor(
    readonly plan: StackPlan,
    private readonly output: LogOutput,
    private readonly logger: Logger,
    /** Where the parts' pids are kept, so a later stack can clean up after this one if killed. */
    private readonly record?: StackRecord,
  ) {
    this.died = new Promise((resolve) => (this.reportDeath = resolve));
  }

  /** Starts every part and resolves once all serve; rejects at the first that fails to. */
  async start(): Promise<void> {
    const ready = new Map<PartName, Promise<void>>();
    for (const spec of this.plan.parts) {
      const after = spec.after.map((name) => ready.get(name) ?? Promise.resolve());
      ready.set(
        spec.name,
        Promise.all(after).then(() => this.launch(spec)),
      );
    }
    // Parts still starting when one failed are stopped by `stop`, or never launched.
    for (const promise of ready.values()) promise.catch(() => undefined);
    await Promise.all(ready.values());
  }

  private async launch(spec: PartSpec): Promise<void> {
    if (this.stopping) return;
    const part = new PartProcess(spec, {
      env: this.plan.env,
      cwd: PROJECT_ROOT,
      output: this.output,
    });
    this.parts.set(spec.name, part);
    this.record?.save(this.parts.values());
    void part.exited.then((exit) => {
      if (!part.isStopping) this.reportDeath({ part: spec, exit });
    });
    const started = Date.now();
    await part.ready(
      spec.name === 'temporal' ? () => this.temporalAnswers() : undefined,
      READY_TIMEOUT_MS,
    );
    this.logger.debug(
      { part: spec.name, pid: part.pid, ms: Date.now() - started },
      `${spec.title} ready`,
    );
  }

  /** The dev server is ready once its frontend knows the namespace the parts use. */
  private async temporalAnswers(): Promise<boolean> {
    const { address, namespace } = this.plan.temporal;
    const connection = await Connection.connect({ address, connectTimeout: 1_000 });
    try {
      await connection.workflowService.describeNamespace({ namespace });
      return true;
    } finally {
      await connection.close();
    }
  }

  /** Stops every running part in order; parts that overrun their stop timeout are killed. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const phase of STOP_ORDER) {
      await Promise.all(
        phase.map(async (name) => {
          const part = this.parts.get(name);
          if (!part) return;
          const { killed, ...exit } = await part.stop();
          if (killed) {
            this.logger.warn(
              { part: name, stopTimeoutMs: part.spec.stopTimeoutMs },
              `${part.spec.title} did not stop in time and was killed`,
            );
          } else {
            this.logger.debug(
              { part: name, exit: describeExit(exit) },
              `${part.spec.title} stopped`,
            );
          }
        }),
      );
    }
    this.record?.remove();
  }

  /** One part killed without grace, as a crash would; its exit is expected, not reported. */
  async killPart(name: PartName): Promise<PartExit> {
    const part = this.parts.get(name);
    if (!part) throw new Error(`${name} is not running in this stack`);
    part.kill();
    return part.exited;
  }

  /** Starts a part again (after `killPart`) as it first started; resolves once it serves. */
  async startPart(name: PartName): Promise<void> {
    const spec = this.plan.parts.find((part) => part.name === name);
    if (!spec) throw new Error(`${name} is not a part of this stack`);
    await this.launch(spec);
  }

  /** Every part at once, without grace (a second Ctrl-C). */
  kill(): void {
    this.stopping = true;
    for (const part of this.parts.values()) part.kill();
  }

  /** Process ids of the running parts, for the banner and for checking nothing is left behind. */
  pids(): Partial<Record<PartName, number>> {
    return Object.fromEntries(
      [...this.parts].flatMap(([name, part]) => (part.pid === undefined ? [] : [[name, part.pid]])),
    );
  }
}
