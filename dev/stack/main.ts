import fs from 'node:fs';
import { loadKeyring } from '../../src/codec/keyring';
import { ConfigError } from '../../src/config';
import { createLogger } from '../../src/logger';
import { banner, stackFacts } from './banner';
import { LocalStack } from './local-stack';
import { createLogOutput } from './log-output';
import { describeExit } from './part-process';
import { StackRecord } from './stack-record';
import {
  PART_NAMES,
  planStack,
  readLocalDefaults,
  StackPlanError,
  type PartName,
} from './stack-plan';

/**
 * `npm start [-- part ...]`: the whole system on this machine (Temporal dev server, Ingo sandbox,
 * codec server, onboarding API and webhook receiver, worker), or only the parts named. Ctrl-C
 * stops everything cleanly (a second Ctrl-C kills at once); a part that dies takes the stack down
 * with a message saying which. Exit codes: 0 stopped on request, 1 a part failed, 2 usage.
 */

const USAGE = `Usage: npm start [-- part ...]

Runs the local stack; with part names, only those (${PART_NAMES.join(', ')}).
An embedded part is skipped where a real one is configured: TEMPORAL_ADDRESS (no dev server),
INGO_BANKING_BASE_URL and INGO_PAY_BASE_URL (no sandbox). Local defaults are in local.env.`;

/** A signal this soon after the first is the same Ctrl-C, delivered twice. */
const REPEATED_SIGNAL_MS = 1_000;

class UsageError extends Error {}

function requestedParts(args: string[]): PartName[] | 'help' {
  if (args.some((arg) => arg === '--help' || arg === '-h')) return 'help';
  const unknown = args.filter((arg) => !(PART_NAMES as readonly string[]).includes(arg));
  if (unknown.length > 0) throw new UsageError(`unknown part ${unknown.join(', ')}\n\n${USAGE}`);
  return args.length > 0 ? (args as PartName[]) : [...PART_NAMES];
}

async function main(): Promise<number> {
  const started = Date.now();
  const output = createLogOutput(process.stdout);
  const logger = createLogger({}, output.destination);
  let stack: LocalStack;
  try {
    const requested = requestedParts(process.argv.slice(2));
    if (requested === 'help') {
      console.log(USAGE);
      return 0;
    }
    const plan = planStack(process.env, { localDefaults: readLocalDefaults(), requested });
    logger.level = plan.config.logLevel;
    fs.mkdirSync(plan.config.encryption.dataDir, { recursive: true });
    // Once, here: the development key is created before the parts start and look for it.
    loadKeyring(plan.config.encryption, plan.config.env);
    const record = new StackRecord(plan.config.encryption.dataDir);
    await record.clearLeftovers(logger);
    stack = new LocalStack(plan, output, logger, record);
  } catch (error) {
    if (error instanceof ConfigError) logger.fatal({ variables: error.variables }, error.message);
    else if (error instanceof StackPlanError || error instanceof UsageError) {
      logger.fatal(error.message);
    } else logger.fatal({ err: error }, 'the stack could not start');
    return error instanceof UsageError ? 2 : 1;
  }

  let stopping: Promise<number> | undefined;
  const shutDown = (reason: string, code: number): Promise<number> => {
    stopping ??= (async () => {
      logger.info({ reason }, 'stopping the stack (Ctrl-C again to kill every part at once)');
      await stack.stop();
      logger.info('stack stopped');
      return code;
    })();
    return stopping;
  };
  let firstSignalAt = 0;
  const signalled = new Promise<number>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => {
        if (!stopping) {
          firstSignalAt = Date.now();
          void shutDown(signal, 0).then(resolve);
          return;
        }
        // One Ctrl-C may arrive twice: from the terminal, and forwarded by npm where the shell
        // runs the script in its own process. Only a later one means "now".
        if (Date.now() - firstSignalAt < REPEATED_SIGNAL_MS) return;
        logger.warn({ signal }, 'second signal: killing every part now');
        stack.kill();
        resolve(130);
      });
    }
  });
  const died = stack.died.then(({ part, exit }) => {
    if (stopping) return stopping;
    logger.fatal(
      { part: part.name, exit: describeExit(exit) },
      `${part.title} stopped unexpectedly (${describeExit(exit)}); stopping the whole stack`,
    );
    return shutDown(`${part.name} died`, 1);
  });

  try {
    await stack.start();
  } catch (error) {
    if (!stopping) {
      logger.fatal({ err: error }, `the stack did not start: ${(error as Error).message}`);
      return shutDown('start failed', 1);
    }
  }
  if (!stopping) {
    const elapsedMs = Date.now() - started;
    if (process.stdout.isTTY) process.stdout.write(banner(stack.plan, elapsedMs));
    else
      logger.info({ ...stackFacts(stack.plan), pids: stack.pids(), ms: elapsedMs }, 'stack ready');
  }
  return Promise.race([signalled, died]);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
