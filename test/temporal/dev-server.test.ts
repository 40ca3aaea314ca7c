// `npm run temporal`: the dev server the local stack runs, started through the project's script
// with the project-installed CLI. Its Web UI is configured with the codec server, its state is
// kept in DATA_DIR, and the onboarding search attributes exist from the start.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { uiCodecEndpoint } from '../../src/temporal/dev-server';
import { SEARCH_ATTRIBUTES } from '../../src/workflows/search-attributes';
import { until } from '../sandbox/helpers';

const ROOT = path.resolve(__dirname, '../..');

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A gRPC port whose UI port (+1000, the dev server's rule) is free too. */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if ((await portFree(port)) && (await portFree(port + 1000))) return port;
  }
  throw new Error('no free port pair');
}

describe('the local Temporal dev server', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-dev-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('serves the UI with the codec endpoint, the search attributes, and state in DATA_DIR', async () => {
    const port = await freePortPair();
    const env = {
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
      DATA_DIR: dataDir,
      CODEC_SERVER_PORT: '18081',
      CODEC_AUTH_TOKEN: 'dev-server-test-token',
    };
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('TEMPORAL_')),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/temporal-dev-server.ts'], {
      cwd: ROOT,
      env: { ...inherited, ...env },
      stdio: 'ignore',
    });
    const exited = once(child, 'exit') as Promise<[number | null]>;
    try {
      let settings: { Codec?: { Endpoint?: string } } = {};
      await until(async () => {
        const response = await fetch(`http://127.0.0.1:${port + 1000}/api/v1/settings`).catch(
          () => undefined,
        );
        if (response?.status !== 200) return false;
        settings = (await response.json()) as typeof settings;
        return true;
      }, 30_000);
      expect(settings.Codec?.Endpoint).toBe(uiCodecEndpoint(loadConfig(env).codec));
      expect(settings.Codec?.Endpoint).toBe('http://127.0.0.1:18081/codec/dev-server-test-token');

      const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
      try {
        const { customAttributes } = await connection.operatorService.listSearchAttributes({
          namespace: 'default',
        });
        expect(Object.keys(customAttributes)).toEqual(
          expect.arrayContaining(SEARCH_ATTRIBUTES.map((key) => key.name)),
        );
      } finally {
        await connection.close();
      }
      expect(fs.existsSync(path.join(dataDir, 'temporal.sqlite'))).toBe(true);

      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
