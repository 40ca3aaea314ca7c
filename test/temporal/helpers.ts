import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { installQuietRuntime } from '../../dev/temporal/quiet-runtime';
import { greet } from './fixtures/workflows';
import * as activities from './fixtures/activities';

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

export interface FixtureServer {
  /** The running environment (set once `beforeAll` has run). */
  env(): TestWorkflowEnvironment;
  taskQueue: string;
}

/**
 * One Temporal server per suite with a fixture worker on it, stopped after the suite, plus the
 * smoke test every server must pass: a workflow that calls an activity.
 */
export function useFixtureServer(
  name: string,
  create: () => Promise<TestWorkflowEnvironment>,
): FixtureServer {
  const taskQueue = `smoke-${name}-${randomUUID()}`;
  let env: TestWorkflowEnvironment | undefined;
  let worker: RunningWorker | undefined;

  beforeAll(async () => {
    installQuietRuntime();
    env = await create();
    worker = await startFixtureWorker(env, taskQueue);
  });

  afterAll(async () => {
    try {
      await worker?.stop();
    } finally {
      await env?.teardown();
    }
  });

  it('runs a workflow that calls an activity', async () => {
    const result = await env!.client.workflow.execute(greet, {
      args: ['Temporal'],
      taskQueue,
      workflowId: `greet-${randomUUID()}`,
    });
    expect(result).toBe('Hello, Temporal!');
  });

  return { env: () => env!, taskQueue };
}
