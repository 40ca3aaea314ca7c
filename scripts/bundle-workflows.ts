import fs from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../src/codec/data-converter';

/**
 * `npm run build`: bundles the workflow code ahead of time into `dist/workflow-bundle.js`, which
 * `dist/worker.js` loads as its `workflowBundle`, so a production worker starts without webpack and
 * runs exactly the code that was built. It must be built by the same @temporalio/worker version
 * that runs it, which the lock file guarantees.
 *
 * The bundle carries the failure converter that encodes failure messages and stack traces: a
 * worker running a prebuilt bundle takes the workflow side's converter from the bundle, not from
 * its `dataConverter`.
 */

export const BUNDLE_FILE = path.resolve(__dirname, '../dist/workflow-bundle.js');

export async function bundleWorkflows(
  outFile: string = BUNDLE_FILE,
  workflowsPath: string = path.resolve(__dirname, '../src/workflows'),
): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    failureConverterPath: FAILURE_CONVERTER_PATH,
  });
  await fs.mkdir(path.dirname(outFile), { recursive: true });
  await fs.writeFile(outFile, code);
}

if (require.main === module) {
  bundleWorkflows().then(
    () => console.log(`Workflow bundle written to ${path.relative(process.cwd(), BUNDLE_FILE)}`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
