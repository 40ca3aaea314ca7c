import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkerOptions } from '@temporalio/worker';
import type { Express } from 'express';
import pino from 'pino';
import { createApp } from '../../src/api/app';
import { encryptedDataConverter } from '../../src/codec/data-converter';
import type { Keyring } from '../../src/codec/keyring';
import { config, type Config } from '../../src/config';
import { SEARCH_ATTRIBUTES } from '../../src/contract/search-attributes';
import { registerSearchAttributes } from '../../src/temporal/search-attributes';
import { createOnboardingWorker } from '../../src/worker';
import { SandboxAdminClient } from '../sandbox/admin-client';
import { NO_FAULTS } from '../sandbox/faults';
import type { SandboxOverrides } from '../sandbox/options';
import { createSandbox, type RunningSandbox, type Sandbox } from '../sandbox/sandbox';
import { temporalCliPath, temporalTestServerPath } from '../temporal/binaries';
import { installQuietRuntime } from '../temporal/quiet-runtime';

/**
 * The orchestrator's real parts in one process, wired as production wires them, for the tests
 * (test/onboarding/harness.ts) and the cost benchmark (bench/scenarios/cost.ts): a Temporal server
 * (the time-skipping test server with our search attributes registered, or the CLI's dev server),
 * the Ingo sandbox over HTTP, the real HTTP process (`createApp`: API and webhook receiver, to
 * which the sandbox delivers its signed webhooks) and the production worker, payloads encrypted
 * with the given keyring on both sides. On the time-skipping server time skips only while a client
 * awaits a workflow's result or `env.sleep`. Stopped in reverse order, also when starting fails
 * halfway, so no server outlives its user. Free of vitest: a plain Node process loads it too.
 */

export interface InProcessStackOptions {
  temporal: 'time-skipping' | 'dev-server';
  keyring: Keyring;
  /** The worker's workflow code; by default the worker's own choice (src/workflows from source). */
  code?: Pick<WorkerOptions, 'workflowsPath' | 'workflowBundle'>;
  /** Worker tuning; by default the SDK's. */
  tuning?: Config['workerTuning'];
  /** On top of the stack's: loopback, any port, KYC delay 0, no faults, silent. */
  sandbox?: SandboxOverrides;
  /** How long the worker's Ingo calls may take (and its shutdown waits); default: configured. */
  ingoTimeoutMs?: number;
  /** The worker's task queue is this and a fresh UUID. */
  taskQueuePrefix?: string;
}

export interface InProcessStack {
  env: TestWorkflowEnvironment;
  taskQueue: string;
  /** Closing it early is allowed; `stop` closes it in any case. */
  sandbox: RunningSandbox & { sandbox: Sandbox };
  /** The sandbox's admin API. */
  admin: SandboxAdminClient;
  /** The HTTP process: `…/v1/onboardings` (with `apiToken`) and `…/webhooks/ingo`. */
  apiUrl: string;
  apiToken: string;
  /** Where the sandbox delivers its webhooks. */
  webhookUrl: string;
  stop(): Promise<void>;
}

const silent = pino({ level: 'silent' });

function createEnvironment(
  kind: InProcessStackOptions['temporal'],
  keyring: Keyring,
): Promise<TestWorkflowEnvironment> {
  const client = { dataConverter: encryptedDataConverter(keyring) };
  return kind === 'time-skipping'
    ? TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
        client,
      })
    : TestWorkflowEnvironment.createLocal({
        server: {
          executable: { type: 'existing-path', path: temporalCliPath() },
          searchAttributes: [...SEARCH_ATTRIBUTES],
        },
        client,
      });
}

/** An HTTP app on 127.0.0.1 and any free port. */
export async function serveOnLoopback(
  app: Express,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(0, '127.0.0.1', (error?: Error) =>
      error ? reject(error) : resolve(listening),
    );
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export async function startInProcessStack(options: InProcessStackOptions): Promise<InProcessStack> {
  installQuietRuntime();
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    const errors: unknown[] = [];
    for (const step of stops.reverse()) await step().catch((error: unknown) => errors.push(error));
    stops.length = 0;
    if (errors.length > 0) throw new AggregateError(errors, 'stopping the in-process stack failed');
  };
  try {
    const env = await createEnvironment(options.temporal, options.keyring);
    stops.push(() => env.teardown());
    if (options.temporal === 'time-skipping') {
      await registerSearchAttributes(env.connection, 'default');
    }

    const { ingo, temporal, api } = config();
    const taskQueue = `${options.taskQueuePrefix ?? 'onboarding'}-${randomUUID()}`;
    const apiToken = randomBytes(16).toString('hex');
    const http = await serveOnLoopback(
      createApp({
        client: env.client,
        taskQueue,
        apiToken,
        webhookSecret: ingo.webhookSecret,
        logger: silent,
        rpcTimeoutMs: temporal.rpcTimeoutMs,
        rejectedRequestsPerMinute: api.rejectedRequestsPerMinute,
      }),
    );
    stops.push(() => http.close());
    const webhookUrl = `${http.url}/webhooks/ingo`;

    const overrides = options.sandbox ?? {};
    const sandbox = createSandbox({
      host: '127.0.0.1',
      port: 0,
      kycDelayMs: 0,
      uniqueEmails: false,
      logger: silent,
      ...overrides,
      webhookUrl,
      webhookSecret: ingo.webhookSecret,
      faults: { ...NO_FAULTS, ...overrides.faults },
    });
    const running = await sandbox.start();
    stops.push(() => running.close());

    const worker = await createOnboardingWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      ingo: {
        ...ingo,
        bankingBaseUrl: `${running.url}/api/v4`,
        payBaseUrl: running.url,
        timeoutMs: options.ingoTimeoutMs ?? ingo.timeoutMs,
      },
      keyring: options.keyring,
      logger: silent,
      code: options.code,
      tuning: options.tuning,
    });
    const working = worker.run();
    // Surfaces in `stop`; until then a worker that dies shows as onboardings that never finish.
    working.catch(() => undefined);
    stops.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await working;
    });

    return {
      env,
      taskQueue,
      sandbox: { ...running, sandbox },
      admin: new SandboxAdminClient(running.url),
      apiUrl: http.url,
      apiToken,
      webhookUrl,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
