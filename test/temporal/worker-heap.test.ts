import { describe, expect, it } from 'vitest';
import {
  checkHeapHoldsCache,
  workerNodeFlags,
  workerOldSpaceMb,
} from '../../src/temporal/worker-heap';

const MB = 1024 * 1024;

describe("the worker's heap", () => {
  it('is sized for the cache, never below 128 MB of old space', () => {
    expect(workerOldSpaceMb(0)).toBe(128);
    expect(workerOldSpaceMb(50)).toBe(128);
    expect(workerOldSpaceMb(500)).toBe(564);
    expect(workerNodeFlags(50)).toEqual(['--max-old-space-size=128', '--max-semi-space-size=8']);
  });

  it('refuses a cache the heap cannot hold, naming the variable and the flags that would do', () => {
    expect(() => checkHeapHoldsCache(500, 152 * MB)).toThrow(
      'TEMPORAL_WORKER_MAX_CACHED_WORKFLOWS=500 needs a heap of 564 MB and this worker has 152 MB: ' +
        'start it with `node --max-old-space-size=564 --max-semi-space-size=8 dist/worker.js`',
    );
    // What the flags for 50 give: old space plus the young generation.
    expect(() => checkHeapHoldsCache(50, 152 * MB)).not.toThrow();
    // Started without flags: V8's default, far above.
    expect(() => checkHeapHoldsCache(50)).not.toThrow();
  });
});
