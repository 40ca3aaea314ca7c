import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { OnboardingApiClient } from '../../src/api/client';
import { encryptedDataConverter } from '../../src/codec/data-converter';
import { loadKeyring } from '../../src/codec/keyring';
import { startScriptedStack, type ScriptedStack } from '../../dev/stack/scripted-stack';
import type { PartName } from '../../dev/stack/stack-plan';
import { track } from './cleanup';

/**
 * The system under test, as the benchmarks run it: the whole local stack from `dist/` (production
 * code, prebuilt workflow bundle) on free ports with fresh state, the sandbox with KYC delay 0 and
 * no faults, production timing, and a Temporal client of the benchmark's own (long polls for
 * results, cheaper than asking the API; it decrypts with the stack's development key).
 */

/**
 * Settings of every benchmark stack. LOG_LEVEL info is production's level (docs/BENCHMARKS.md
 * says what warn changes). The rejection limit only counts refused requests, none here.
 */
export const BENCH_STACK_ENV: Record<string, string> = {
  INGO_SANDBOX_KYC_DELAY_MS: '0',
  LOG_LEVEL: 'info',
  REJECTED_REQUESTS_PER_MINUTE: '1000000',
};

/**
 * What the person running the benchmark may vary from the shell: worker tuning, the log level
 * (`BENCH_LOG_LEVEL`), and Node options of the stack's parts (`BENCH_PART_NODE_OPTIONS`, e.g.
 * `--cpu-prof --cpu-prof-dir=.bench/profiles`). The stack otherwise ignores the shell's project
 * variables.
 */
export function benchEnvOverrides(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value === '') continue;
    if (name.startsWith('TEMPORAL_WORKER_')) overrides[name] = value;
  }
  if (env.BENCH_LOG_LEVEL) overrides.LOG_LEVEL = env.BENCH_LOG_LEVEL;
  if (env.BENCH_PART_NODE_OPTIONS) overrides.NODE_OPTIONS = env.BENCH_PART_NODE_OPTIONS;
  return overrides;
}

/** The stack environment a benchmark runs with: defaults, then the shell's overrides. */
export function benchStackEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { ...BENCH_STACK_ENV, ...extra, ...benchEnvOverrides() };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface BenchStack {
  scripted: ScriptedStack;
  api: OnboardingApiClient;
  connection: Connection;
  /** Decrypts payloads with the stack's key. */
  client: Client;
  /** The environment the parts run with (LOG_LEVEL, tuning...). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Free ports are chosen before the parts bind them, so on a busy machine another process can take
 * one in between (a part then exits with EADDRINUSE): the stack is started again, at most twice.
 */
async function startWithRetries(start: () => Promise<ScriptedStack>): Promise<ScriptedStack> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

export async function startBenchStack(options: {
  name: string;
  workDir: string;
  env?: Record<string, string>;
  parts?: PartName[];
}): Promise<BenchStack> {
  const logFile = path.join(options.workDir, `${options.name}.log`);
  fs.rmSync(logFile, { force: true });
  const env = benchStackEnv(options.env);
  const scripted = await startWithRetries(() =>
    startScriptedStack({ code: 'built', logFile, env, parts: options.parts }),
  );
  const untrack = track({
    name: `${options.name} stack`,
    stop: () => scripted.stop(),
    kill: () => scripted.stack.kill(),
  });
  try {
    const connection = await Connection.connect({ address: scripted.temporalAddress });
    const { encryption, env: nodeEnv } = scripted.plan.config;
    const client = new Client({
      connection,
      namespace: scripted.plan.temporal.namespace,
      dataConverter: encryptedDataConverter(loadKeyring(encryption, nodeEnv)),
    });
    const api = new OnboardingApiClient({
      baseUrl: scripted.apiUrl,
      token: scripted.apiToken,
      timeoutMs: 60_000,
    });
    return {
      scripted,
      api,
      connection,
      client,
      env: scripted.plan.env,
      async stop() {
        const pids = Object.values(scripted.stack.pids());
        await connection.close().catch(() => undefined);
        await untrack();
        const left = pids.filter(isAlive);
        if (left.length > 0) {
          // Never expected (the stack kills what does not stop in time): said, and cleaned up.
          console.error(
            `${options.name} stack: processes still running after stop: ${left.join(', ')}`,
          );
          for (const pid of left) process.kill(pid, 'SIGKILL');
        }
      },
    };
  } catch (error) {
    await untrack();
    throw error;
  }
}
