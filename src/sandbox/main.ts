import { ConfigError } from '../config';
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

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'Ingo sandbox stopping');
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'Ingo sandbox did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  // Configuration errors name the bad variables; anything else (e.g. port in use) is reported as is.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
