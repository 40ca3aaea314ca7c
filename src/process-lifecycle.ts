import type { Logger } from 'pino';
import { ConfigError } from './config';

/**
 * How the long-running processes (API, codec server, sandbox) start and stop: on SIGINT or SIGTERM
 * they close once (requests in flight finish) and exit 0, or 1 if closing failed; a failed start
 * names the bad variables of a ConfigError rather than printing a stack trace.
 */

export function stopOnSignals(name: string, close: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, `${name} stopping`);
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, `${name} did not stop cleanly`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export function exitOnStartFailure(name: string, logger: Logger): (error: unknown) => never {
  return (error) => {
    if (error instanceof ConfigError) logger.fatal({ variables: error.variables }, error.message);
    else logger.fatal({ err: error }, `${name} failed to start`);
    process.exit(1);
  };
}
