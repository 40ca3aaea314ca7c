import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { loadKeyring } from '../../src/codec/keyring';
import { createLogger } from '../../src/logger';
import { freePorts } from './free-ports';
import { LocalStack } from './local-stack';
import { createLogOutput } from './log-output';
import { planStack, type PartCode, type PartName, type StackPlan } from './stack-plan';

/**
 * The local stack as a script drives it (benchmarks, the chaos run): the same parts `npm start`
 * runs, on free ports, with state in a fresh directory, every part's log line written as JSON to
 * one file, and parts that can be killed and started again one by one.
 */

export interface ScriptedStackOptions {
  /** Variables on top of the project-free environment (timings, sandbox settings, LOG_LEVEL). */
  env?: Record<string, string>;
  code?: PartCode;
  parts?: PartName[];
  /** Where every part's log lines go, one JSON object per line. */
  logFile: string;
  /** Kept after `stop` only when given; otherwise a temporary directory, removed. */
  dataDir?: string;
}

export interface ScriptedStack {
  stack: LocalStack;
  plan: StackPlan;
  apiUrl: string;
  apiToken: string;
  sandboxUrl: string;
  temporalAddress: string;
  logFile: string;
  /** The stack's own logger (component `stack`), into the same file. */
  logger: Logger;
  stop(): Promise<void>;
}

/** Variables that configure this project: a script sets what it means, the shell does not. */
const PROJECT_VARIABLE =
  /^(TEMPORAL_|INGO_|ONBOARDING_|CODEC_|PAYLOAD_|DATA_DIR$|LOG_LEVEL$|NODE_ENV$)/;

/** The environment without anything that configures the system. */
export function projectFreeEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && !PROJECT_VARIABLE.test(entry[0]),
    ),
  );
}

export async function startScriptedStack(options: ScriptedStackOptions): Promise<ScriptedStack> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'onboarding-stack-'));
  const [api, sandbox, codec, temporal, ui] = await freePorts(5);
  const apiToken = randomBytes(16).toString('hex');
  const plan = planStack(
    {
      ...projectFreeEnv(),
      ONBOARDING_API_PORT: String(api),
      INGO_SANDBOX_PORT: String(sandbox),
      CODEC_SERVER_PORT: String(codec),
      TEMPORAL_DEV_SERVER_PORT: String(temporal),
      TEMPORAL_DEV_SERVER_UI_PORT: String(ui),
      ONBOARDING_API_TOKEN: apiToken,
      DATA_DIR: dataDir,
      ...options.env,
    },
    { code: options.code, requested: options.parts },
  );
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const file = fs.createWriteStream(options.logFile, { flags: 'a' });
  const output = createLogOutput(file, { pretty: false });
  const logger = createLogger({ level: plan.config.logLevel }, output.destination);
  // As `npm start` does: the development key exists before the parts look for it.
  loadKeyring(plan.config.encryption, plan.config.env);
  const stack = new LocalStack(plan, output, logger);
  const stop = async () => {
    await stack.stop();
    await new Promise((resolve) => file.end(resolve));
    if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await stack.start();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    stack,
    plan,
    apiUrl: plan.config.api.url,
    apiToken,
    sandboxUrl: plan.config.sandbox.url,
    temporalAddress: plan.temporal.address,
    logFile: options.logFile,
    logger,
    stop,
  };
}
