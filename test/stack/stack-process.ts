import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { projectFreeEnv } from '../../dev/stack/scripted-stack';

/**
 * `npm start` as a person runs it, in its own process group like a terminal's foreground job, so
 * `interrupt()` is exactly a Ctrl-C. Its output is not a TTY, so every line is JSON.
 */

export const ROOT = path.resolve(__dirname, '../..');

export interface Entry {
  level: number;
  msg: string;
  component: string;
  [field: string]: unknown;
}

export interface ReadyFacts extends Entry {
  pids: Record<string, number>;
  ms: number;
}

export interface StackRun {
  child: ChildProcess;
  entries: Entry[];
  /** Lines that were not JSON (npm's own, say). */
  text: string[];
  /** The `stack ready` entry; rejects if the stack exits first. */
  ready: Promise<ReadyFacts>;
  /** How npm ended, once every line is read. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  interrupt(): void;
}

export function runStack(env: Record<string, string>, args: string[] = []): StackRun {
  const child = spawn('npm', ['start', '--silent', '--', ...args], {
    cwd: ROOT,
    env: { ...projectFreeEnv(), ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const entries: Entry[] = [];
  const text: string[] = [];
  let onEntry: (entry: Entry) => void = () => undefined;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Entry;
        entries.push(entry);
        onEntry(entry);
      } catch {
        text.push(line);
      }
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  // `close`: every line read, not only the process gone.
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<ReadyFacts>((resolve, reject) => {
    onEntry = (entry) => {
      if (entry.msg === 'stack ready') resolve(entry as ReadyFacts);
    };
    void exited.then((code) =>
      reject(new Error(`the stack exited (${code}) before it was ready:\n${lines(entries)}`)),
    );
  });
  ready.catch(() => undefined);
  return {
    child,
    entries,
    text,
    ready,
    exited: closed,
    interrupt: () => process.kill(-child.pid!, 'SIGINT'),
  };
}

export function lines(entries: Entry[]): string {
  return entries.map((entry) => `${entry.component}: ${entry.msg}`).join('\n');
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
