import { logger } from '../../src/logger';
import { exitOnStartFailure, serveUntilStopped } from '../../src/process-lifecycle';
import { createSandbox } from './sandbox';

/** `npm run sandbox`: the sandbox from configuration, until SIGINT or SIGTERM. */
async function main(): Promise<void> {
  const sandbox = createSandbox();
  const { url, close } = await sandbox.start();
  const log = sandbox.options.logger;
  log.info(
    {
      url,
      bankingBaseUrl: `${url}/api/v4`,
      payBaseUrl: url,
      webhookUrl: sandbox.webhooks.webhookUrl,
    },
    'Ingo sandbox listening',
  );

  serveUntilStopped('Ingo sandbox', close, log);
}

main().catch(exitOnStartFailure('Ingo sandbox', logger));
