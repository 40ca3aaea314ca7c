import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { workerNodeFlags } from '../../src/temporal/worker-heap';
import type { Announcement } from './activities';
import type { BaselineWorkerMessage } from './worker';

/**
 * The baseline worker as a child process of the benchmark (so it does not share the driver's CPU
 * time and event loop, as the real worker does not): started with the stack's environment and the
 * real worker's Node flags, so the same `TEMPORAL_WORKER_*` tuning, heap and `LOG_LEVEL` apply,
 * its log lines in a file.
 */

export interface BaselineWorkerProcess {
  pid: number | undefined;
  /** Called when Ingo would send a webhook: the KYC decision, the issued account. */
  onAnnouncement(listener: (kind: Announcement, workflowId: string) => void): void;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;

export async function startBaselineWorker(options: {
  env: Record<string, string>;
  taskQueue: string;
  logFile: string;
}): Promise<BaselineWorkerProcess> {
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = fs.openSync(options.logFile, 'w');
  const child: ChildProcess = spawn(
    process.execPath,
    // The real worker's heap bounds, so both pay the same for garbage collection.
    [
      ...workerNodeFlags(loadConfig(options.env).workerTuning.maxCachedWorkflows),
      '--import',
      'tsx',
      path.join(__dirname, 'worker.ts'),
    ],
    {
      env: { ...options.env, BENCH_BASELINE_TASK_QUEUE: options.taskQueue },
      // Its own process group: a Ctrl-C reaches the benchmark, which stops it in order.
      detached: true,
      stdio: ['ignore', log, log, 'ipc'],
    },
  );
  fs.closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const listeners: ((kind: Announcement, workflowId: string) => void)[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (message: BaselineWorkerMessage) => {
      if (message.type === 'ready') resolve();
      else if (message.type === 'failed') reject(new Error(`baseline worker: ${message.message}`));
      else for (const listener of listeners) listener(message.kind, message.workflowId);
    });
    void exited.then(() => reject(new Error(`baseline worker exited; see ${options.logFile}`)));
    setTimeout(
      () => reject(new Error(`baseline worker not ready in ${READY_TIMEOUT_MS / 1000} s`)),
      READY_TIMEOUT_MS,
    ).unref();
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };
  try {
    await ready;
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    pid: child.pid,
    onAnnouncement: (listener) => listeners.push(listener),
    stop,
  };
}
