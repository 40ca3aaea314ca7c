// Smoke test: the real Temporal dev server (`temporal server start-dev`, in-memory, no UI) from
// the CLI that scripts/install-temporal.mjs resolved, plus a Worker running a fixture workflow.

import { TestWorkflowEnvironment } from '@temporalio/testing';
import { describe } from 'vitest';
import { temporalCliPath } from '../../src/temporal/binaries';
import { useFixtureServer } from './helpers';

describe('Temporal dev server', () => {
  useFixtureServer('dev', () =>
    TestWorkflowEnvironment.createLocal({
      // No dbFilename: state lives in memory and disappears with the process. No UI.
      server: { executable: { type: 'existing-path', path: temporalCliPath() } },
    }),
  );
});
