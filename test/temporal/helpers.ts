import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { IllegalStateError } from '@temporalio/common';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import * as activities from './fixtures/activities';

/**
 * Installs the SDK runtime with a WARN-level logger, so test output is not flooded with webpack's
 * bundle report and worker state changes. Call before creating a TestWorkflowEnvironment.
 */
export function installQuietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch (err) {
    // Already instantiated in this process (e.g. by another suite): keep that runtime.
    if (!(err instanceof IllegalStateError)) throw err;
  }
}

/** A Worker polling `taskQueue` on `env`, running the fixture workflows and activities. */
export interface RunningWorker {
  worker: Worker;
  /** Shuts the worker down and waits for it to finish. */
  stop(): Promise<void>;
}

export async function startFixtureWorker(
  env: TestWorkflowEnvironment,
  taskQueue: string,
): Promise<RunningWorker> {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    // Bundled by the Worker (webpack + swc); vitest runs this CommonJS file with __dirname set.
    workflowsPath: path.join(__dirname, 'fixtures', 'workflows.ts'),
    activities,
  });
  const running = worker.run();
  return {
    worker,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}
