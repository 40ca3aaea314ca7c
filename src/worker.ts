import fs from 'node:fs';
import path from 'node:path';
import { Runtime, Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities } from './activities';
import { encryptedDataConverter } from './codec/data-converter';
import { loadKeyring, type Keyring } from './codec/keyring';
import { config, type Config } from './config';
import { createIngoClients } from './ingo';
import { logger } from './logger';
import { onParentGone, reportReady } from './process-lifecycle';
import { connectWorker, temporalSettings } from './temporal/connection';
import { PinoRuntimeLogger, temporalLogLevel } from './temporal/runtime-logger';
import { checkHeapHoldsCache } from './temporal/worker-heap';

/**
 * The worker process: `npm run worker` (from source, through tsx) or `node dist/worker.js` (built).
 * It polls one task queue with the onboarding workflows and the Ingo activities until a shutdown
 * signal, then lets in-flight tasks finish and exits 0.
 */

/** The SDK Runtime's defaults, listed so the worker can log which one stopped it. */
const SHUTDOWN_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGQUIT', 'SIGUSR2'];

/**
 * Built (`.js`): the bundle `npm run build` wrote next to this file, so production runs the code
 * that was built and starts without webpack. From source (`.ts`): the workflows module, bundled at
 * start-up so an edit needs no build.
 */
export function workflowCode(
  entryFile: string = __filename,
): Pick<WorkerOptions, 'workflowsPath' | 'workflowBundle'> {
  // The folder, not require.resolve: resolving `.ts` depends on the loader (tsx does, vitest not).
  if (entryFile.endsWith('.ts')) return { workflowsPath: path.join(__dirname, 'workflows') };
  const codePath = path.join(path.dirname(entryFile), 'workflow-bundle.js');
  if (!fs.existsSync(codePath)) {
    throw new Error(`The workflow bundle ${codePath} is missing: run \`npm run build\` first.`);
  }
  return { workflowBundle: { codePath } };
}

export interface OnboardingWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  ingo: Config['ingo'];
  /** Only the options set are passed: the SDK's defaults stand for the rest. */
  tuning?: Config['workerTuning'];
  keyring: Keyring;
  logger: Logger;
  code?: Pick<WorkerOptions, 'workflowsPath' | 'workflowBundle'>;
}

/** The worker as production runs it; tests build theirs here too, so they run the same wiring. */
export function createOnboardingWorker(options: OnboardingWorkerOptions): Promise<Worker> {
  const { ingo, logger } = options;
  const tuning = Object.fromEntries(
    Object.entries(options.tuning ?? {}).filter(([, value]) => value !== undefined),
  );
  return Worker.create({
    ...tuning,
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities({ ...createIngoClients(ingo), logger }),
    ...(options.code ?? workflowCode()),
    dataConverter: encryptedDataConverter(options.keyring),
    // An Ingo call in flight may take its whole timeout: cutting it off would leave its outcome
    // unknown (user/create has no idempotency key), so shutdown waits that long first.
    shutdownGraceTime: ingo.timeoutMs,
  });
}

export async function main(): Promise<void> {
  const { logLevel, ingo, temporal, encryption, env, workerTuning } = config();
  checkHeapHoldsCache(workerTuning.maxCachedWorkflows);
  Runtime.install({
    logger: new PinoRuntimeLogger(logger),
    // Core's own lines too, through pino, at our level (it otherwise prints its own format).
    telemetryOptions: { logging: { filter: { core: temporalLogLevel(logLevel) }, forward: {} } },
    shutdownSignals: SHUTDOWN_SIGNALS,
  });
  for (const signal of SHUTDOWN_SIGNALS) {
    process.once(signal, () => logger.info({ signal }, 'worker stopping'));
  }

  const settings = temporalSettings();
  const code = workflowCode();
  // Before connecting: without its key the worker could not read a single history.
  const keyring = loadKeyring(encryption, env);
  const { connection, namespace, address } = await connectWorker(settings);
  try {
    const worker = await createOnboardingWorker({
      connection,
      namespace,
      taskQueue: temporal.taskQueue,
      ingo,
      tuning: workerTuning,
      keyring,
      logger,
      code,
    });
    const running = worker.run();
    onParentGone(logger, () => {
      if (worker.getState() !== 'RUNNING') return;
      logger.info({ signal: 'parent gone' }, 'worker stopping');
      worker.shutdown();
    });
    logger.info(
      {
        taskQueue: temporal.taskQueue,
        namespace,
        address,
        tls: settings.tls,
        workflows: code.workflowBundle ? 'bundle' : 'source',
        encryptionKey: keyring.current.id,
        ...workerTuning,
      },
      'worker started',
    );
    reportReady();
    await running;
    logger.info({ taskQueue: temporal.taskQueue, namespace }, 'worker stopped');
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    logger.fatal({ err: error }, 'worker failed');
    process.exit(1);
  });
}
