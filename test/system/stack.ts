import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import { OnboardingApiClient } from '../../src/api/client';
import { startApi, type RunningApi } from '../../src/api/main';
import { startCodecServer } from '../../src/codec/codec-server';
import { encryptedDataConverter } from '../../src/codec/data-converter';
import type { Keyring } from '../../src/codec/keyring';
import { loadConfig } from '../../src/config';
import { temporalCliPath } from '../../dev/temporal/binaries';
import { loadTemporalSettings } from '../../src/temporal/connection';
import { createOnboardingWorker } from '../../src/worker';
import { SEARCH_ATTRIBUTES } from '../../src/contract/search-attributes';
import { startSandbox, type TestSandbox } from '../sandbox/helpers';
import { installQuietRuntime } from '../../dev/temporal/quiet-runtime';
import { captureLogs, type CapturedLogs } from '../fixtures/captured-logs';
import { keyringEnv, TEST_KEYRING } from '../fixtures/test-keyring';

/**
 * The whole system as production wires it, in one test process: a Temporal dev server persisting
 * to a SQLite file, the HTTP process (`startApi`: webhook receiver and onboarding API), the
 * production worker, the codec server, and the Ingo sandbox delivering its webhooks to the
 * receiver. Every component logs through the project's logger configuration into `logs()`.
 */

export const API_TOKEN = 'system-test-api-token';
export const CODEC_TOKEN = 'system-test-codec-token';

export interface SystemStack {
  env: TestWorkflowEnvironment;
  api: RunningApi;
  client: OnboardingApiClient;
  sandbox: TestSandbox;
  codecUrl: string;
  taskQueue: string;
  /** The dev server's SQLite database (its `-wal` file sits beside it). */
  dbFile: string;
  /** Every line any component logged, as written. */
  logs: () => string;
  logger: Logger;
  /** Replaces the running worker with one using `keyring` (a key rotation, as operators do it). */
  restartWorker(keyring: Keyring): Promise<void>;
  stop(): Promise<void>;
}

export async function startSystem({
  keyring = TEST_KEYRING,
  logger: given,
}: { keyring?: Keyring; logger?: CapturedLogs } = {}): Promise<SystemStack> {
  installQuietRuntime();
  const { logger, text } = given ?? captureLogs('debug');
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    const errors: unknown[] = [];
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => errors.push(error));
    if (errors.length > 0) throw new AggregateError(errors, 'stopping the system failed');
  };
  try {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'onboarding-system-'));
    stops.push(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
    const dbFile = path.join(dir, 'temporal.sqlite');
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: temporalCliPath() },
        searchAttributes: [...SEARCH_ATTRIBUTES],
        dbFilename: dbFile,
      },
      client: { dataConverter: encryptedDataConverter(keyring) },
    });
    stops.push(() => env.teardown());

    const taskQueue = `onboarding-${randomUUID()}`;
    const settings = loadConfig({
      ...keyringEnv(keyring),
      TEMPORAL_TASK_QUEUE: taskQueue,
      TEMPORAL_RPC_TIMEOUT_MS: '5000',
      ONBOARDING_API_PORT: '0',
      ONBOARDING_API_TOKEN: API_TOKEN,
      REJECTED_REQUESTS_PER_MINUTE: '1000',
    });
    const api = await startApi(
      settings,
      loadTemporalSettings({ TEMPORAL_ADDRESS: env.address }),
      logger.child({ component: 'api' }),
    );
    stops.push(() => api.close());

    const sandbox = await startSandbox({
      webhookUrl: `${api.url}/webhooks/ingo`,
      logger: logger.child({ component: 'sandbox' }),
    });
    stops.push(() => sandbox.close());

    const codec = await startCodecServer({
      keyring,
      token: CODEC_TOKEN,
      corsOrigins: settings.codec.corsOrigins,
      host: '127.0.0.1',
      port: 0,
      logger: logger.child({ component: 'codec' }),
    });
    stops.push(() => codec.close());

    const ingo = {
      ...settings.ingo,
      bankingBaseUrl: `${sandbox.url}/api/v4`,
      payBaseUrl: sandbox.url,
      timeoutMs: 5_000,
    };
    const code = { workflowsPath: path.join(__dirname, '../../src/workflows') };
    let current: { worker: Worker; running: Promise<void> } | undefined;
    const runWorker = async (keys: Keyring) => {
      const worker = await createOnboardingWorker({
        connection: env.nativeConnection,
        namespace: 'default',
        taskQueue,
        ingo,
        keyring: keys,
        logger: logger.child({ component: 'worker' }),
        code,
      });
      current = { worker, running: worker.run() };
    };
    const stopWorker = async () => {
      if (!current) return;
      if (current.worker.getState() === 'RUNNING') current.worker.shutdown();
      await current.running;
      current = undefined;
    };
    await runWorker(keyring);
    stops.push(stopWorker);

    return {
      env,
      api,
      client: new OnboardingApiClient({ baseUrl: api.url, token: API_TOKEN }),
      sandbox,
      codecUrl: codec.url,
      taskQueue,
      dbFile,
      logs: text,
      logger,
      async restartWorker(keys) {
        await stopWorker();
        await runWorker(keys);
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
