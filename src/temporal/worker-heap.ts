import v8 from 'node:v8';

/**
 * The worker's V8 heap, bounded on its command line (the stack, docker-compose.yml, `npm run
 * worker:prod`), because V8 otherwise lets each isolate grow towards a quarter of the machine's
 * memory before collecting: the worker has two (the main thread and the workflow thread), and
 * with 1,000 onboardings parked it held 357-382 MB, most of it garbage; bounded, 181 MB, and
 * 232 MB with 10,000 parked (docs/BENCHMARKS.md, notes). Node applies these flags to the workflow
 * thread too.
 */

/** Young generation per semi-space, of which V8 keeps three per isolate (16 MB by default here). */
export const WORKER_SEMI_SPACE_MB = 8;

/**
 * What the bundle and the cached workflows need in the workflow thread's old space: with 50 cached,
 * its heap held 29-37 MB after a full collection (measured); the rest is room, so collections stay
 * rare.
 */
const OLD_SPACE_BASE_MB = 64;
const OLD_SPACE_PER_CACHED_WORKFLOW_MB = 1;
const MIN_OLD_SPACE_MB = 128;

/** The old-space size that holds `maxCachedWorkflows` with room to spare. */
export function workerOldSpaceMb(maxCachedWorkflows: number): number {
  return Math.max(
    MIN_OLD_SPACE_MB,
    OLD_SPACE_BASE_MB + OLD_SPACE_PER_CACHED_WORKFLOW_MB * maxCachedWorkflows,
  );
}

/** Node flags for a worker with this cache (TEMPORAL_WORKER_MAX_CACHED_WORKFLOWS). */
export function workerNodeFlags(maxCachedWorkflows: number): string[] {
  return [
    `--max-old-space-size=${workerOldSpaceMb(maxCachedWorkflows)}`,
    `--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`,
  ];
}

/**
 * Refuses a cache the heap cannot hold, before the worker polls: out of heap, the workflow thread
 * would die mid-task (every workflow on the worker failing its tasks) instead of the worker
 * refusing to start with a reason. Started without flags, V8's default limit is far above this.
 */
export function checkHeapHoldsCache(
  maxCachedWorkflows: number,
  heapLimitBytes: number = v8.getHeapStatistics().heap_size_limit,
): void {
  const neededMb = workerOldSpaceMb(maxCachedWorkflows);
  const limitMb = Math.floor(heapLimitBytes / (1024 * 1024));
  if (limitMb < neededMb) {
    throw new Error(
      `TEMPORAL_WORKER_MAX_CACHED_WORKFLOWS=${maxCachedWorkflows} needs a heap of ${neededMb} MB ` +
        `and this worker has ${limitMb} MB: start it with ` +
        `\`node ${workerNodeFlags(maxCachedWorkflows).join(' ')} dist/worker.js\``,
    );
  }
}
