// `npm run api` as a process (src/api/main.ts): it starts while Temporal is away (the connection
// is lazy) and says so on /readyz, refuses a bad configuration naming the variable, and on
// SIGTERM finishes the request in flight before it exits 0.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const TOKEN = 'process-test-api-token';
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

interface LogLine {
  msg?: string;
  url?: string;
  [field: string]: unknown;
}

/** One process (node with tsx's loader), so SIGTERM reaches it as it reaches `node dist/...`. */
function run(env: Record<string, string>): ChildProcessWithoutNullStreams {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('TEMPORAL_')),
  );
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-process-'));
  dirs.push(dataDir);
  return spawn(process.execPath, ['--import', 'tsx', 'src/api/main.ts'], {
    cwd: ROOT,
    env: { ...inherited, LOG_LEVEL: 'info', DATA_DIR: dataDir, ...env },
    stdio: 'pipe',
  });
}

function logOf(child: ChildProcessWithoutNullStreams) {
  const lines: LogLine[] = [];
  const waiters: { msg: string; resolve: (line: LogLine) => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (raw) => {
    const line = JSON.parse(raw) as LogLine;
    lines.push(line);
    for (const waiter of waiters.filter((w) => w.msg === line.msg)) waiter.resolve(line);
  });
  return {
    lines,
    waitFor: (msg: string) =>
      new Promise<LogLine>((resolve) => {
        const seen = lines.find((line) => line.msg === msg);
        if (seen) resolve(seen);
        else waiters.push({ msg, resolve });
      }),
  };
}

describe('the API process', () => {
  it('starts without Temporal, reports not ready, drains the request in flight on SIGTERM', async () => {
    const child = run({
      ONBOARDING_API_PORT: '0',
      ONBOARDING_API_TOKEN: TOKEN,
      // Nothing listens there: every Temporal call waits out its deadline, then answers 503.
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      TEMPORAL_RPC_TIMEOUT_MS: '1500',
    });
    const exited = once(child, 'exit') as Promise<[number | null]>;
    try {
      const log = logOf(child);
      const { url } = await log.waitFor('onboarding API started');
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ error: { code: 'temporal_unavailable' } });

      // In flight for about TEMPORAL_RPC_TIMEOUT_MS when SIGTERM arrives: it still gets its answer.
      const started = Date.now();
      const inFlight = fetch(`${url}/v1/onboardings/signup-1`, {
        headers: { Authorization: `Bearer ${TOKEN}` },
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      child.kill('SIGTERM');
      const answer = await inFlight;
      expect(answer.status).toBe(503);
      expect(await answer.json()).toMatchObject({ error: { code: 'temporal_unavailable' } });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);

      const [code] = await exited;
      expect(code).toBe(0);
      const messages = log.lines.map((line) => line.msg);
      expect(messages).toEqual(
        expect.arrayContaining(['onboarding API stopping', 'onboarding API closed']),
      );
      // The token never reaches the log, although every request carried it.
      expect(JSON.stringify(log.lines)).not.toContain(TOKEN);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses a bad configuration, naming the variable and never its value', async () => {
    const child = run({ ONBOARDING_API_PORT: 'eighty', NODE_ENV: 'development' });
    const log = logOf(child);
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    const fatal = log.lines.find((line) => line.level === 60);
    expect(fatal?.msg).toMatch(/ONBOARDING_API_PORT/);
    expect(JSON.stringify(log.lines)).not.toContain('eighty');
  });
});
