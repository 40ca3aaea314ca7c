import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { config, ConfigError } from './config';

/**
 * The one logger. Personal data and secrets are removed here, by key, wherever they appear in a
 * logged object, so no call site has to remember to do it.
 */

const SENSITIVE_KEYS = [
  'ssn',
  'email',
  'phoneNumber',
  'phone_number',
  'date_of_birth',
  'dateOfBirth',
  'account_number',
  'accountNumber',
  'account',
  'beneficiary_account',
  'beneficiaryAccount',
  'api_key',
  'apiKey',
  'secret',
  'hmacSecret',
  'webhookSecret',
  'password',
  'token',
  'authorization',
];

/** pino's redact paths do not recurse, so each key is listed at the depths our objects reach. */
export const REDACT_PATHS = [
  ...SENSITIVE_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]),
  'req.headers.authorization',
  'req.headers.api_key',
  'req.headers["content-sha512"]',
  'res.headers["set-cookie"]',
];

/**
 * The configured level; `info` while the configuration is invalid, so the logger exists to report
 * that (each process's main reads the configuration itself and stops, naming the variables).
 */
function configuredLevel(): string {
  try {
    return config().logLevel;
  } catch (error) {
    if (error instanceof ConfigError) return 'info';
    throw error;
  }
}

/** The logger's configuration; a destination other than stdout is for tests capturing lines. */
export function createLogger(options: LoggerOptions = {}, destination?: DestinationStream): Logger {
  const settings: LoggerOptions = {
    level: configuredLevel(),
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    ...options,
  };
  return destination ? pino(settings, destination) : pino(settings);
}

export const logger = createLogger();
