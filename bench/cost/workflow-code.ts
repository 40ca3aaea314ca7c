import fs from 'node:fs';
import path from 'node:path';
import type { WorkerOptions } from '@temporalio/worker';

const ROOT = path.resolve(__dirname, '../..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(file) : fs.statSync(file).mtimeMs);
  }
  return newest;
}

/**
 * The workflow code the cost benchmark's worker runs: the built bundle when it is at least as new
 * as everything under src/ (the workflows import schemas and helpers from elsewhere in it), so it
 * starts without webpack; otherwise the sources, bundled at start, so a stale build is never
 * measured.
 */
export function benchWorkflowCode(): {
  code: Pick<WorkerOptions, 'workflowsPath' | 'workflowBundle'>;
  kind: 'dist bundle' | 'source';
} {
  const bundle = path.join(ROOT, 'dist', 'workflow-bundle.js');
  const sources = path.join(ROOT, 'src', 'workflows');
  if (fs.existsSync(bundle) && fs.statSync(bundle).mtimeMs >= newestMtime(path.join(ROOT, 'src'))) {
    return { code: { workflowBundle: { codePath: bundle } }, kind: 'dist bundle' };
  }
  return { code: { workflowsPath: sources }, kind: 'source' };
}
