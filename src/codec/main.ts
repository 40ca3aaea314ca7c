import { config, ConfigError } from '../config';
import { logger } from '../logger';
import { startCodecServer } from './codec-server';
import { loadKeyring } from './keyring';

/**
 * `npm run codec-server` (or `node dist/codec/main.js`): the codec server from configuration,
 * until SIGTERM or SIGINT; then requests in flight finish and the process exits 0.
 */
async function main(): Promise<void> {
  const { codec, encryption, env, api } = config();
  const keyring = loadKeyring(encryption, env);
  const server = await startCodecServer({
    keyring,
    token: codec.token,
    corsOrigins: codec.corsOrigins,
    host: codec.host,
    port: codec.port,
    logger,
    rejectedRequestsPerMinute: api.rejectedRequestsPerMinute,
  });
  logger.info(
    {
      url: `${server.url}/codec`,
      currentKeyId: keyring.current.id,
      keyIds: [...keyring.keys.keys()],
    },
    'codec server started',
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'codec server stopping');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'codec server did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  // Configuration errors name the bad variables; anything else (e.g. port in use) is reported whole.
  if (error instanceof ConfigError) logger.fatal({ variables: error.variables }, error.message);
  else logger.fatal({ err: error }, 'codec server failed to start');
  process.exit(1);
});
