import path from 'node:path';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { config } from '../../src/config';
import { logger } from '../../src/logger';
import { PinoRuntimeLogger, temporalLogLevel } from '../../src/temporal/runtime-logger';
import { createBaselineActivities, type Announcement } from './activities';

/**
 * The baseline's worker, in a process of its own as the real worker is (started by
 * bench/baseline/process.ts): the same SDK runtime set-up, logging and tuning
 * (`TEMPORAL_WORKER_*`) as src/worker.ts, on task queue `BENCH_BASELINE_TASK_QUEUE` of the dev server
 * at `TEMPORAL_ADDRESS`. It tells its parent over IPC when it is ready and what Ingo would announce
 * by webhook; it stops when told (SIGTERM) or when its parent is gone.
 */

export type BaselineWorkerMessage =
  | { type: 'ready' }
  | { type: 'announce'; kind: Announcement; workflowId: string }
  | { type: 'failed'; message: string };

function send(message: BaselineWorkerMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const { logLevel, workerTuning } = config();
  const address = process.env.TEMPORAL_ADDRESS;
  const taskQueue = process.env.BENCH_BASELINE_TASK_QUEUE;
  if (!address || !taskQueue) {
    throw new Error('TEMPORAL_ADDRESS and BENCH_BASELINE_TASK_QUEUE must be set');
  }
  Runtime.install({
    logger: new PinoRuntimeLogger(logger),
    telemetryOptions: { logging: { filter: { core: temporalLogLevel(logLevel) }, forward: {} } },
  });
  const connection = await NativeConnection.connect({ address });
  try {
    const tuning = Object.fromEntries(
      Object.entries(workerTuning).filter(([, value]) => value !== undefined),
    );
    const worker = await Worker.create({
      ...tuning,
      connection,
      namespace: 'default',
      taskQueue,
      workflowsPath: path.join(__dirname, 'workflows.ts'),
      activities: createBaselineActivities((kind, workflowId) =>
        send({ type: 'announce', kind, workflowId }),
      ),
    });
    const running = worker.run();
    process.once('disconnect', () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
    });
    send({ type: 'ready' });
    await running;
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'baseline worker failed');
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
});
