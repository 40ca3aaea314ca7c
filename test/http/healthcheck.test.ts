// src/http/healthcheck.ts: the containers' health check, run as its own process against a real
// local HTTP server, as `node dist/http/healthcheck.js <url>` runs in docker-compose.yml.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');

async function run(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/http/healthcheck.ts', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('healthcheck', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const { pathname } = new URL(req.url ?? '/', 'http://localhost');
      if (pathname === '/healthz') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      } else if (pathname === '/readyz') {
        res.writeHead(503).end('{"error":"temporal_unavailable"}');
      } else if (pathname === '/hang') {
        // Never answers: the check must give up on its own.
      } else if (pathname === '/moved') {
        res.writeHead(302, { location: '/healthz' }).end();
      } else {
        res.writeHead(404).end();
      }
    });
    url = await listen(server);
  });

  afterAll(async () => {
    server.close();
    await once(server, 'close');
  });

  it('exits 0 on a 2xx answer, printing nothing', async () => {
    expect(await run(`${url}/healthz`)).toEqual({ code: 0, stderr: '' });
  });

  it('exits 1 on a 503, naming the status but not the query string', async () => {
    const { code, stderr } = await run(`${url}/readyz?token=secret-in-query`);
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(`unhealthy: ${url}/readyz answered 503`);
    expect(stderr).not.toContain('secret-in-query');
  });

  it('does not follow a redirect: only a 2xx of the URL itself is healthy', async () => {
    const { code, stderr } = await run(`${url}/moved`);
    expect(code).toBe(1);
    expect(stderr).toContain('answered 302');
  });

  it('exits 1 when the server does not answer within its timeout', async () => {
    const started = Date.now();
    const { code, stderr } = await run(`${url}/hang`);
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(`unhealthy: ${url}/hang no answer within 3000 ms`);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('exits 1 when nothing listens, saying the connection was refused', async () => {
    const closed = createServer();
    const closedUrl = await listen(closed);
    closed.close();
    await once(closed, 'close');
    const { code, stderr } = await run(`${closedUrl}/healthz`);
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(`unhealthy: ${closedUrl}/healthz ECONNREFUSED`);
  });

  it.each([
    ['no argument', []],
    ['a URL that is not one', ['not a url']],
    ['another protocol', ['ftp://127.0.0.1/healthz']],
    ['two arguments', ['http://127.0.0.1:1/a', 'http://127.0.0.1:1/b']],
  ])('exits 2 with a usage line given %s', async (_name, args) => {
    const { code, stderr } = await run(...args);
    expect(code).toBe(2);
    expect(stderr.trim()).toMatch(/^usage: node dist\/http\/healthcheck\.js /);
  });
});
