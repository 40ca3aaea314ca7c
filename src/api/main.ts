import { loadKeyring } from '../codec/keyring';
import { encryptedDataConverter } from '../codec/data-converter';
import { config, type Config } from '../config';
import { serve } from '../http/serve';
import { logger as rootLogger } from '../logger';
import { exitOnStartFailure, serveUntilStopped } from '../process-lifecycle';
import { connectClient, temporalSettings, type TemporalSettings } from '../temporal/connection';
import { createApp } from './app';

/**
 * `npm run api` (or `node dist/api/main.js`): the webhook receiver and the onboarding API in one
 * process. It starts even while Temporal is away (the connection is lazy; /readyz tells), and on
 * SIGTERM or SIGINT stops accepting, lets requests in flight finish, and exits 0.
 */

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

export async function startApi(
  settings: Config = config(),
  temporal: TemporalSettings = temporalSettings(),
  logger = rootLogger,
): Promise<RunningApi> {
  const keyring = loadKeyring(settings.encryption, settings.env);
  const { client, connection } = await connectClient(temporal, {
    lazy: true,
    dataConverter: encryptedDataConverter(keyring),
  });
  let draining = false;
  const app = createApp({
    client,
    taskQueue: settings.temporal.taskQueue,
    timing: settings.timing,
    apiToken: settings.api.token,
    webhookSecret: settings.ingo.webhookSecret,
    logger,
    rpcTimeoutMs: settings.temporal.rpcTimeoutMs,
    rejectedRequestsPerMinute: settings.api.rejectedRequestsPerMinute,
    trustProxy: settings.api.trustProxy,
    isDraining: () => draining,
  });
  const server = await serve(app, {
    host: settings.api.host,
    port: settings.api.port,
    logger,
    name: 'onboarding API',
  });
  logger.info(
    { url: server.url, temporal: temporal.address, namespace: temporal.namespace },
    'onboarding API started',
  );
  return {
    url: server.url,
    async close() {
      draining = true;
      await server.close();
      await connection.close();
    },
  };
}

if (require.main === module) {
  startApi().then(
    (api) => serveUntilStopped('onboarding API', () => api.close(), rootLogger),
    exitOnStartFailure('onboarding API', rootLogger),
  );
}
