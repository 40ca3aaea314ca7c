import { config } from '../config';
import { logger } from '../logger';
import { exitOnStartFailure, serveUntilStopped } from '../process-lifecycle';
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

  serveUntilStopped('codec server', () => server.close(), logger);
}

main().catch(exitOnStartFailure('codec server', logger));
