// Smoke test: the Java time-skipping test server from the path scripts/install-temporal.mjs
// resolved. A workflow that sleeps for a day completes as soon as the worker is idle.

import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { temporalTestServerPath } from '../../dev/temporal/binaries';
import { greetAfterSleep } from './fixtures/workflows';
import { useFixtureServer } from './helpers';

const ONE_DAY_MS = 24 * 60 * 60 * 1000;

describe('Temporal time-skipping test server', () => {
  const server = useFixtureServer('ts', () =>
    TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
    }),
  );

  it("skips a one-day timer (the workflow's own clock advances a full day)", async () => {
    expect(server.env().supportsTimeSkipping).toBe(true);
    const { greeting, elapsedMs } = await server.env().client.workflow.execute(greetAfterSleep, {
      args: ['sleeper', '1 day'],
      taskQueue: server.taskQueue,
      workflowId: `sleep-${randomUUID()}`,
    });
    expect(greeting).toBe('Hello, sleeper!');
    expect(elapsedMs).toBeGreaterThanOrEqual(ONE_DAY_MS);
  });
});
