import pino, { type Logger } from 'pino';
import { ConfigError } from './config';

/**
 * How the long-running processes (API, codec server, sandbox, worker) start and stop: on SIGINT or
 * SIGTERM they close once (requests in flight finish) and exit 0, or 1 if closing failed; a failed
 * start names the bad variables of a ConfigError rather than printing a stack trace. Started by
 * the local stack (`npm start`, over an IPC channel), they also say when they are ready, and stop
 * when the stack is gone, so a killed stack leaves no part behind.
 */

/**
 * Calls `stop` once the stack that started this process is gone (never, when run on its own).
 * Nobody reads the output any more then, so the logger stops writing it first, as pino does itself
 * on EPIPE: otherwise the exit's final flush would retry the dead pipe forever.
 */
export function onParentGone(logger: Logger, stop: () => void): void {
  if (!process.connected) return;
  process.once('disconnect', () => {
    const output = (logger as unknown as Record<symbol, OutputStream>)[pino.symbols.streamSym];
    if (output) {
      output.write = () => true;
      output.flushSync = () => undefined;
    }
    stop();
  });
  // The channel alone must not keep a finished process alive.
  process.channel?.unref();
}

interface OutputStream {
  write(line: string): boolean;
  flushSync?(): void;
}

/** Tells the stack that started this process that it serves (a no-op when run on its own). */
export function reportReady(): void {
  process.send?.({ type: 'ready' });
}

/** From now on the process serves: it says so to its stack, and closes on a signal. */
export function serveUntilStopped(name: string, close: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals | 'parent gone') => {
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
  onParentGone(logger, () => stop('parent gone'));
  reportReady();
}

export function exitOnStartFailure(name: string, logger: Logger): (error: unknown) => never {
  return (error) => {
    if (error instanceof ConfigError) logger.fatal({ variables: error.variables }, error.message);
    else logger.fatal({ err: error }, `${name} failed to start`);
    process.exit(1);
  };
}
