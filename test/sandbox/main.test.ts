import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';

/** `npm run sandbox` (dev/sandbox/main.ts): starts from configuration, stops on SIGTERM. */

const ROOT = path.resolve(__dirname, '../..');

/** One process (node with tsx's loader) rather than the tsx CLI's two, so signals reach it directly. */
function run(env: Record<string, string>) {
  return spawn(process.execPath, ['--import', 'tsx', 'dev/sandbox/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function expectServesUntilSigterm(child: ReturnType<typeof run>, exited: Promise<unknown[]>) {
  const lines = createInterface({ input: child.stdout });
  let url: string | undefined;
  for await (const line of lines) {
    const entry = JSON.parse(line) as { msg?: string; url?: string };
    if (entry.msg === 'Ingo sandbox listening') {
      url = entry.url;
      break;
    }
  }
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const stats = await fetch(`${url}/_sandbox/stats`);
  expect(stats.status).toBe(200);

  child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  expect(code).toBe(0);
}

describe('sandbox main', () => {
  it('listens where configured, logs its URL, and exits cleanly on SIGTERM', async () => {
    const child = run({ INGO_SANDBOX_PORT: '0', INGO_SANDBOX_HOST: '127.0.0.1' });
    const exited = once(child, 'exit');
    try {
      await expectServesUntilSigterm(child, exited);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses to start with a bad configuration, naming the variable', async () => {
    const child = run({ INGO_SANDBOX_PORT: 'not-a-port' });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    // One fatal log line naming the variable, as every part of the stack reports it.
    expect(JSON.parse(stdout)).toMatchObject({
      level: 60,
      variables: [expect.objectContaining({ name: 'INGO_SANDBOX_PORT' })],
    });
  });
});
