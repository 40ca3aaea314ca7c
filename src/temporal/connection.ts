import fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { loadClientConnectConfig, type ClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';

/**
 * Where Temporal is and how to authenticate, read by @temporalio/envconfig exactly as the
 * Temporal CLI reads it: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*,
 * TEMPORAL_PROFILE and TEMPORAL_CONFIG_FILE (by default ~/.config/temporalio/temporal.toml). The
 * same code reaches the local dev server, a self-hosted cluster over mTLS and Temporal Cloud with
 * an API key; src/config.ts deliberately does not duplicate these variables.
 */

/** The SDK's own default, made explicit so what is logged is what is dialled. */
export const DEFAULT_ADDRESS = 'localhost:7233';
export const DEFAULT_NAMESPACE = 'default';

const SOURCES =
  'read by @temporalio/envconfig from TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, ' +
  'TEMPORAL_TLS_*, TEMPORAL_PROFILE and TEMPORAL_CONFIG_FILE';

export interface TemporalSettings {
  address: string;
  namespace: string;
  tls: boolean;
  connectionOptions: NativeConnectionOptions & { address: string };
}

/** Settings from a given environment; throws naming the problem, never echoing a secret. */
export function loadTemporalSettings(
  env: Record<string, string | undefined> = process.env,
): TemporalSettings {
  // As in src/config.ts, an empty variable is unset (envconfig would dial an empty address).
  const present = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => Boolean(entry[1])),
  );
  // envconfig skips a config file that does not exist; one named explicitly must exist.
  const file = present.TEMPORAL_CONFIG_FILE;
  if (file !== undefined && !fs.existsSync(file)) {
    throw new Error(
      `Invalid Temporal connection settings: TEMPORAL_CONFIG_FILE ${file} does not exist`,
    );
  }
  let loaded: ClientConnectConfig;
  try {
    loaded = loadClientConnectConfig({ overrideEnvVars: present });
  } catch (error) {
    // First line only: a TOML parse error quotes the offending line, which may hold an API key.
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new Error(`Invalid Temporal connection settings (${SOURCES}): ${reason}`);
  }
  const address = loaded.connectionOptions.address ?? DEFAULT_ADDRESS;
  return {
    address,
    namespace: loaded.namespace ?? DEFAULT_NAMESPACE,
    tls: Boolean(loaded.connectionOptions.tls),
    connectionOptions: { ...loaded.connectionOptions, address },
  };
}

let cached: TemporalSettings | undefined;

/** The process's Temporal settings, loaded on first use. */
export function temporalSettings(): TemporalSettings {
  cached ??= loadTemporalSettings();
  return cached;
}

function unreachable(settings: TemporalSettings, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(
    `Cannot connect to Temporal at ${settings.address} (namespace ${settings.namespace}, ` +
      `TLS ${settings.tls ? 'on' : 'off'}; ${SOURCES}): ${reason}`,
    { cause: error },
  );
}

/** The worker's connection (Rust Core). */
export async function connectWorker(settings: TemporalSettings = temporalSettings()) {
  try {
    const connection = await NativeConnection.connect(settings.connectionOptions);
    return { connection, namespace: settings.namespace, address: settings.address };
  } catch (error) {
    throw unreachable(settings, error);
  }
}

export interface ClientOptions {
  /** The payload codec every client must share with the worker (src/codec). */
  dataConverter?: DataConverter;
  /**
   * Connect on first use instead of now: a server process (API, webhook receiver) then starts and
   * answers 503 while Temporal is away, rather than failing to start.
   */
  lazy?: boolean;
}

/** A client for starting and signalling workflows, and its connection (for operator calls). */
export async function connectClient(
  settings: TemporalSettings = temporalSettings(),
  { dataConverter, lazy = false }: ClientOptions = {},
) {
  let connection: Connection;
  try {
    connection = lazy
      ? Connection.lazy(settings.connectionOptions)
      : await Connection.connect(settings.connectionOptions);
  } catch (error) {
    throw unreachable(settings, error);
  }
  const client = new Client({ connection, namespace: settings.namespace, dataConverter });
  return { client, connection, namespace: settings.namespace, address: settings.address };
}
