import { OnboardingApiClient } from '../../src/api/client';
import { readLocalDefaults } from '../stack/stack-plan';
import { EXIT_FAILED, EXIT_INTERRUPTED, runDemo } from './demo';
import { SandboxAdminClient } from '../sandbox/admin-client';
import { demoSettings } from './settings';

/**
 * `npm run demo`: every KYC outcome of the sandbox, live, against the stack `npm start` runs.
 * Configuration is read as the stack reads it (local.env under the environment), so the same
 * ports, token and timing apply. Exit codes: 0 every scenario reached its expected state, 1
 * otherwise (or the stack is not there), 130 stopped with Ctrl-C (a second one exits at once).
 */

/** Shorter than the client's default: a poll that hangs should show as a problem soon. */
const API_TIMEOUT_MS = 10_000;

async function main(): Promise<number> {
  let settings;
  try {
    settings = demoSettings({ ...readLocalDefaults(), ...process.env });
  } catch (error) {
    // A refusal, a bad variable (named), or unreadable Temporal settings: one line, no stack.
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILED;
  }

  const interrupt = new AbortController();
  process.on('SIGINT', () => {
    if (interrupt.signal.aborted) process.exit(EXIT_INTERRUPTED);
    interrupt.abort();
  });

  return runDemo({
    settings,
    client: new OnboardingApiClient({
      baseUrl: settings.apiUrl,
      token: settings.apiToken,
      timeoutMs: API_TIMEOUT_MS,
    }),
    sandbox: new SandboxAdminClient(settings.sandboxUrl),
    out: process.stdout,
    errorOut: process.stderr,
    signal: interrupt.signal,
  });
}

// exit(), not exitCode: a request still in flight when the demo is done must not hold it open.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(EXIT_FAILED);
  },
);
