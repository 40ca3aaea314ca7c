import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { IllegalStateError } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type WorkerOptions } from '@temporalio/worker';
import pino from 'pino';
import { createApp } from '../../src/api/app';
import { encryptedDataConverter } from '../../src/codec/data-converter';
import { createKeyring } from '../../src/codec/keyring';
import { config, type Config } from '../../src/config';
import { NO_FAULTS } from '../../dev/sandbox/faults';
import { createSandbox } from '../../dev/sandbox/sandbox';
import { temporalTestServerPath } from '../../dev/temporal/binaries';
import { registerSearchAttributes } from '../../src/temporal/search-attributes';
import { createOnboardingWorker } from '../../src/worker';

/**
 * The real parts on Temporal's time-skipping test server, wired as test/onboarding/harness.ts
 * wires them (that module cannot be loaded outside vitest): the production worker, the Ingo
 * sandbox over HTTP (KYC delay 0, no faults), and the real HTTP process (API and webhook receiver,
 * `createApp`), to which the sandbox delivers its signed webhooks. Time skips only while a client
 * awaits a workflow's result or `env.sleep`.
 */

export interface TimeSkippingStack {
  env: TestWorkflowEnvironment;
  taskQueue: string;
  sandboxUrl: string;
  /** Which workflow code the worker runs: the built bundle, or src/workflows bundled at start. */
  workflowCode: 'dist bundle' | 'source';
  /** The sandbox's admin API (`/_sandbox` + path). */
  admin<T = unknown>(method: string, adminPath: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

const ROOT = path.resolve(__dirname, '../..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(file) : fs.statSync(file).mtimeMs);
  }
  return newest;
}

/**
 * The built workflow bundle when it is at least as new as everything under src/ (the workflows
 * import schemas and helpers from elsewhere in it): it starts without webpack. Otherwise the
 * sources, bundled at start, so a stale build is never measured.
 */
export function benchWorkflowCode(): {
  code: Pick<WorkerOptions, 'workflowsPath' | 'workflowBundle'>;
  kind: 'dist bundle' | 'source';
} {
  const bundle = path.join(ROOT, 'dist', 'workflow-bundle.js');
  const sources = path.join(ROOT, 'src', 'workflows');
  if (fs.existsSync(bundle) && fs.statSync(bundle).mtimeMs >= newestMtime(path.join(ROOT, 'src'))) {
    return { code: { workflowBundle: { codePath: bundle } }, kind: 'dist bundle' };
  }
  return { code: { workflowsPath: sources }, kind: 'source' };
}

function installQuietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch (error) {
    // Another scenario in this process installed it already: keep that one.
    if (!(error instanceof IllegalStateError)) throw error;
  }
}

function listen(app: ReturnType<typeof createApp>): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', (error?: Error) =>
      error ? reject(error) : resolve(server),
    );
  });
}

export async function startTimeSkippingStack(
  options: {
    tuning?: Config['workerTuning'];
    /** Another workflow bundle (experiments); by default `benchWorkflowCode()`. */
    workflowBundlePath?: string;
  } = {},
): Promise<TimeSkippingStack> {
  installQuietRuntime();
  const silent = pino({ level: 'silent' });
  const keyring = createKeyring([{ id: 'bench', key: randomBytes(32) }], 'bench');
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    const errors: unknown[] = [];
    for (const step of stops.reverse()) await step().catch((error: unknown) => errors.push(error));
    stops.length = 0;
    if (errors.length > 0) throw new AggregateError(errors, 'stopping the bench stack failed');
  };
  try {
    const env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
      client: { dataConverter: encryptedDataConverter(keyring) },
    });
    stops.push(() => env.teardown());
    await registerSearchAttributes(env.connection, 'default');

    const { ingo, temporal, api } = config();
    const taskQueue = `bench-cost-${randomUUID()}`;
    const server = await listen(
      createApp({
        client: env.client,
        taskQueue,
        apiToken: randomBytes(16).toString('hex'),
        webhookSecret: ingo.webhookSecret,
        logger: silent,
        rpcTimeoutMs: temporal.rpcTimeoutMs,
        rejectedRequestsPerMinute: api.rejectedRequestsPerMinute,
      }),
    );
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/ingo`;

    const sandbox = createSandbox({
      host: '127.0.0.1',
      port: 0,
      kycDelayMs: 0,
      webhookUrl: receiverUrl,
      webhookSecret: ingo.webhookSecret,
      banking: ingo.banking,
      pay: ingo.pay,
      apiKey: ingo.apiKey,
      participantId: ingo.participantId,
      uniqueEmails: false,
      logger: silent,
      faults: NO_FAULTS,
    });
    const { url: sandboxUrl, close } = await sandbox.start();
    stops.push(close);

    const { code, kind } = options.workflowBundlePath
      ? {
          code: { workflowBundle: { codePath: options.workflowBundlePath } },
          kind: 'dist bundle' as const,
        }
      : benchWorkflowCode();
    const worker = await createOnboardingWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      ingo: { ...ingo, bankingBaseUrl: `${sandboxUrl}/api/v4`, payBaseUrl: sandboxUrl },
      keyring,
      logger: silent,
      code,
      tuning: options.tuning,
    });
    const running = worker.run();
    // Surfaces in `stop`; until then a worker that dies shows as onboardings that never finish.
    running.catch(() => undefined);
    stops.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });

    return {
      env,
      taskQueue,
      sandboxUrl,
      workflowCode: kind,
      async admin<T>(method: string, adminPath: string, body?: unknown): Promise<T> {
        const response = await fetch(`${sandboxUrl}/_sandbox${adminPath}`, {
          method,
          headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        if (!response.ok) {
          throw new Error(`sandbox ${method} ${adminPath}: ${response.status} ${text}`);
        }
        return JSON.parse(text) as T;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
