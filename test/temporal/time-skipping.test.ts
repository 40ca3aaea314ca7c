// Smoke test: the Java time-skipping test server from the path scripts/install-temporal.mjs
// resolved. A workflow that sleeps for a day completes as soon as the worker is idle.

import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporalTestServerPath } from '../../src/temporal/binaries';
import { greet, greetAfterSleep } from './fixtures/workflows';
import { installQuietRuntime, startFixtureWorker, type RunningWorker } from './helpers';

const ONE_DAY_MS = 24 * 60 * 60 * 1000;

describe('Temporal time-skipping test server', () => {
  const taskQueue = `smoke-ts-${randomUUID()}`;
  let env: TestWorkflowEnvironment | undefined;
  let worker: RunningWorker | undefined;

  beforeAll(async () => {
    installQuietRuntime();
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
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

  it("skips a one-day timer (the workflow's own clock advances a full day)", async () => {
    expect(env!.supportsTimeSkipping).toBe(true);
    const { greeting, elapsedMs } = await env!.client.workflow.execute(greetAfterSleep, {
      args: ['sleeper', '1 day'],
      taskQueue,
      workflowId: `sleep-${randomUUID()}`,
    });
    expect(greeting).toBe('Hello, sleeper!');
    expect(elapsedMs).toBeGreaterThanOrEqual(ONE_DAY_MS);
  });
});
