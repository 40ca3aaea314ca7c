import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { DEV_KEY_FILE } from '../../src/codec/keyring';

/** `npm run codec-server` (src/codec/main.ts): starts from configuration, stops on SIGTERM. */

const ROOT = path.resolve(__dirname, '../..');
const TOKEN = 'main-test-codec-token-42';
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** One process (node with tsx's loader) rather than the tsx CLI's two, so signals reach it directly. */
function run(env: Record<string, string>) {
  return spawn(process.execPath, ['--import', 'tsx', 'src/codec/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('codec server main', () => {
  it('serves with the development key, never logs the token, and exits 0 on SIGTERM', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'codec-main-'));
    dirs.push(dataDir);
    const child = run({
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      CODEC_SERVER_HOST: '127.0.0.1',
      CODEC_SERVER_PORT: '0',
      CODEC_AUTH_TOKEN: TOKEN,
    });
    const exited = once(child, 'exit');
    const output: string[] = [];
    try {
      const lines = createInterface({ input: child.stdout });
      let url: string | undefined;
      for await (const line of lines) {
        output.push(line);
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'codec server started') {
          url = entry.url;
          break;
        }
      }
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/codec$/);
      lines.on('line', (line) => output.push(line));

      const post = (action: string, body: unknown) =>
        fetch(`${url}/${TOKEN}/${action}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
      const plain = { payloads: [{ metadata: {}, data: Buffer.from('"x"').toString('base64') }] };
      const encoded = await post('encode', plain);
      expect(encoded.status).toBe(200);
      const decoded = await post('decode', await encoded.json());
      expect(await decoded.json()).toEqual(plain);
      expect(fs.existsSync(path.join(dataDir, DEV_KEY_FILE))).toBe(true);

      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      expect(code).toBe(0);
      const log = output.join('\n');
      expect(log).toContain('codec server stopping');
      expect(log).toContain('/codec/[redacted]/decode');
      expect(log).not.toContain(TOKEN);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses to start with a bad configuration, naming the variable', async () => {
    const child = run({ CODEC_AUTH_TOKEN: 'short' });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    const fatal = output
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .find((line) => line.level === 60);
    expect(fatal?.msg).toContain('CODEC_AUTH_TOKEN');
    expect(output).not.toContain('short');
  });
});
