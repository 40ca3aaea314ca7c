// Smoke test: the real Temporal dev server (`temporal server start-dev`, in-memory, no UI) from
// the CLI that scripts/install-temporal.mjs resolved, plus a Worker running a fixture workflow.

import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporalCliPath } from '../../src/temporal/binaries';
import { greet } from './fixtures/workflows';
import { installQuietRuntime, startFixtureWorker, type RunningWorker } from './helpers';

describe('Temporal dev server', () => {
  const taskQueue = `smoke-dev-${randomUUID()}`;
  let env: TestWorkflowEnvironment | undefined;
  let worker: RunningWorker | undefined;

  beforeAll(async () => {
    installQuietRuntime();
    env = await TestWorkflowEnvironment.createLocal({
      // No dbFilename: state lives in memory and disappears with the process. No UI.
      server: { executable: { type: 'existing-path', path: temporalCliPath() } },
    });
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
});
