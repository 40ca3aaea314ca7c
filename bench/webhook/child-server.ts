import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { track } from '../lib/cleanup';
import type { SignatureOnlyMessage } from './signature-only-server';

/** The signature-only receiver as a child process with the stack's environment; logs to a file. */
export async function startSignatureOnlyServer(options: {
  env: Record<string, string>;
  logFile: string;
}): Promise<{ url: string; stop(): Promise<void> }> {
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = fs.openSync(options.logFile, 'w');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, 'signature-only-server.ts')],
    { env: options.env, detached: true, stdio: ['ignore', log, log, 'ipc'] },
  );
  fs.closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stopChild = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const untrack = track({
    name: 'signature-only receiver',
    stop: stopChild,
    kill: () => child.kill('SIGKILL'),
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.on('message', (message: SignatureOnlyMessage) => resolve(message.url));
      void exited.then(() =>
        reject(new Error(`signature-only receiver exited; see ${options.logFile}`)),
      );
      setTimeout(() => reject(new Error('signature-only receiver did not start')), 60_000).unref();
    });
    return { url, stop: untrack };
  } catch (error) {
    await untrack();
    throw error;
  }
}
