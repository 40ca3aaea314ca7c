/**
 * Everything a benchmark started (stacks, the baseline worker, servers) registers how to stop it,
 * so an error, Ctrl-C or SIGTERM leaves no process behind: the first signal stops everything in
 * order (newest first), a second one kills what is still there.
 */

interface Stoppable {
  name: string;
  stop(): Promise<void>;
  /** At once, without grace (a second Ctrl-C). */
  kill?(): void;
}

const running: Stoppable[] = [];

/** Registers a thing to stop; the returned function stops it now and forgets it. */
export function track(stoppable: Stoppable): () => Promise<void> {
  running.push(stoppable);
  return async () => {
    const index = running.indexOf(stoppable);
    if (index === -1) return;
    running.splice(index, 1);
    await stoppable.stop();
  };
}

/** Stops everything still registered, newest first; failures are reported, not thrown. */
export async function stopAll(report: (message: string) => void = console.error): Promise<void> {
  while (running.length > 0) {
    const stoppable = running.pop()!;
    try {
      await stoppable.stop();
    } catch (error) {
      report(`stopping ${stoppable.name} failed: ${String(error)}`);
    }
  }
}

function killAll(): void {
  for (const stoppable of running) stoppable.kill?.();
}

/** Ctrl-C and SIGTERM: stop in order and exit 130 (143); a second signal kills and exits. */
export function stopOnSignals(report: (message: string) => void = console.error): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      report(`${signal} again: killing what is left`);
      killAll();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    stopping = true;
    report(`${signal}: stopping the benchmark's processes (again to kill them)`);
    void stopAll(report).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
