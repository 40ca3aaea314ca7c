import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import type { Level, LevelWithSilent, Logger as PinoLogger } from 'pino';

/**
 * Temporal's `Logger` on top of our pino logger. Installed as the SDK Runtime's logger, it carries
 * the SDK's own lines, Core's (when forwarded) and those of `workflow.log` and activity
 * `Context.log`, so every line the worker writes is one JSON format and passes the same redaction.
 */

const PINO_LEVEL = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
} as const satisfies Record<LogLevel, Level>;

const TEMPORAL_LEVEL = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
  silent: 'ERROR',
} as const satisfies Record<LevelWithSilent, LogLevel>;

/** The Temporal level matching a pino level, e.g. for Core's log filter. */
export function temporalLogLevel(level: LevelWithSilent): LogLevel {
  return TEMPORAL_LEVEL[level];
}

export class PinoRuntimeLogger implements Logger {
  constructor(private readonly pino: PinoLogger) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    this.pino[PINO_LEVEL[level]](fields(meta), message);
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }

  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }

  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }

  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }

  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

/**
 * The SDK passes failures as `error`, but pino serialises an Error (message, stack, cause) only
 * under `err`; elsewhere it would print `{}`. Symbol keys (the SDK's timestamp) pino ignores.
 */
function fields(meta: LogMetadata | undefined): Record<string, unknown> {
  if (meta === undefined) return {};
  const { error, ...rest } = meta as Record<string, unknown>;
  return error === undefined ? rest : { ...rest, err: error };
}
