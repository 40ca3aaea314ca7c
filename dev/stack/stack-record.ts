import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { PartProcess } from './part-process';
import { StackPlanError } from './stack-plan';

/**
 * The running stack's record in DATA_DIR (`stack.json`): its own pid and its parts'. With it the
 * next `npm start` refuses to share DATA_DIR (the dev server's database) with a stack that still
 * runs, and stops what a killed stack left behind: its Node parts stop by themselves when the stack
 * vanishes, but the Temporal dev server cannot notice and would keep its ports and database.
 */

interface Recorded {
  pid: number;
  parts: { name: string; pid: number; signature: string }[];
}

const STACK_SIGNATURE = path.join('dev', 'stack', 'main.ts');
const LEFTOVER_STOP_MS = 5_000;

/** The command line of a running process, or undefined when there is none (`ps`: Linux, macOS). */
function commandLine(pid: number): string | undefined {
  const ps = spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
  const line = ps.status === 0 ? ps.stdout.trim() : '';
  return line === '' ? undefined : line;
}

/** Alive and still the same program: a pid alone may have been reused since. */
function runs(pid: number, signature: string): boolean {
  return commandLine(pid)?.includes(signature) ?? false;
}

export class StackRecord {
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'stack.json');
  }

  /**
   * Refuses while another stack runs on this DATA_DIR; stops the parts a killed one left running.
   */
  async clearLeftovers(logger: Logger): Promise<void> {
    let recorded: Recorded;
    try {
      recorded = JSON.parse(fs.readFileSync(this.file, 'utf8')) as Recorded;
    } catch {
      return;
    }
    if (recorded.pid !== process.pid && runs(recorded.pid, STACK_SIGNATURE)) {
      throw new StackPlanError(
        `another npm start (pid ${recorded.pid}) runs on DATA_DIR ${path.dirname(this.file)}: ` +
          'stop it first, or give this one its own DATA_DIR and ports',
      );
    }
    for (const part of recorded.parts.filter((entry) => runs(entry.pid, entry.signature))) {
      logger.warn(
        { part: part.name, partPid: part.pid },
        `${part.name} was left running by a stack that was killed: stopping it`,
      );
      process.kill(part.pid, 'SIGTERM');
      const deadline = Date.now() + LEFTOVER_STOP_MS;
      while (runs(part.pid, part.signature) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      if (runs(part.pid, part.signature)) process.kill(part.pid, 'SIGKILL');
    }
    this.remove();
  }

  save(parts: Iterable<PartProcess>): void {
    const record: Recorded = {
      pid: process.pid,
      parts: [...parts].flatMap((part) =>
        part.pid === undefined
          ? []
          : [{ name: part.spec.name, pid: part.pid, signature: part.spec.signature }],
      ),
    };
    fs.writeFileSync(this.file, JSON.stringify(record));
  }

  remove(): void {
    fs.rmSync(this.file, { force: true });
  }
}
