import { IllegalStateError } from '@temporalio/common';
import { DefaultLogger, Runtime } from '@temporalio/worker';

/**
 * Installs the SDK runtime with a WARN-level logger, so the output of tests and benchmarks is not
 * flooded with webpack's bundle report and worker state changes. Call before creating a
 * TestWorkflowEnvironment or a worker.
 */
export function installQuietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch (error) {
    // Already instantiated in this process (another suite, another scenario): keep that runtime.
    if (!(error instanceof IllegalStateError)) throw error;
  }
}
