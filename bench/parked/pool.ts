/** Runs `task` over `items` with at most `limit` in flight; resolves once all have settled. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/**
 * `call` again after transient failures (`retryable` says which), waiting 250 ms, doubling to
 * 4 s, at most `attempts` times in all; the last failure is thrown.
 */
export async function withRetries<T>(
  call: () => Promise<T>,
  retryable: (error: unknown) => boolean,
  attempts = 8,
): Promise<{ value: T; retries: number }> {
  let delay = 250;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return { value: await call(), retries: attempt - 1 };
    } catch (error) {
      if (attempt >= attempts || !retryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 4_000);
    }
  }
}
