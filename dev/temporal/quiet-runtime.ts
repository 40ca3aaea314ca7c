import { IllegalStateError } from '@temporalio/common';
import { DefaultLogger, Runtime } from '@temporalio/worker';

/**
 * Installs the SDK runtime with a logger at `level`, so the output of tests and benchmarks is not
 * flooded with webpack's bundle report and worker state changes (`WARN`), or, for tests that fail
 * activities and park steps on purpose, with the warnings they cause, Core's own included
 * (`ERROR`). Call before creating a TestWorkflowEnvironment or a worker.
 */
export function installQuietRuntime(level: 'WARN' | 'ERROR' = 'WARN'): void {
  try {
    Runtime.install({
      logger: new DefaultLogger(level),
      ...(level === 'ERROR' && {
        telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
      }),
    });
  } catch (error) {
    // Already instantiated in this process (another suite, another scenario): keep that runtime.
    if (!(error instanceof IllegalStateError)) throw error;
  }
}
