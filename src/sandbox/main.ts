import { ConfigError } from '../config';
import { stopOnSignals } from '../process-lifecycle';
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

  stopOnSignals('Ingo sandbox', close, log);
}

main().catch((error: unknown) => {
  // Configuration errors name the bad variables; anything else (e.g. port in use) is reported as is.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
