import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OnboardingApiClient } from '../../src/api/client';
import { preflight } from '../../dev/demo/preflight';
import { SandboxAdminClient } from '../../dev/sandbox/admin-client';
import { freePorts } from '../../dev/stack/free-ports';
import { FRESH_SANDBOX_STATS } from '../sandbox/helpers';

// Before starting anything the demo checks the stack is there and takes its token; each problem
// is one line naming the URL that failed and what to do.

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

/** A stand-in for the API and the sandbox: answers each path with the given status and body. */
async function serve(routes: Record<string, [number, unknown]>): Promise<string> {
  const server = http.createServer((req, res) => {
    const [status, body] = routes[(req.url ?? '').split('?')[0]!] ?? [404, { error: 'none' }];
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function check(apiUrl: string, sandboxUrl: string, token = 'local-dev-token') {
  return preflight({
    apiUrl,
    client: new OnboardingApiClient({ baseUrl: apiUrl, token }),
    sandbox: new SandboxAdminClient(sandboxUrl),
  });
}

describe('the demo preflight', () => {
  it('tells the user to run `npm start` when nothing listens where the API should be', async () => {
    const [port] = await freePorts(1);
    const api = `http://127.0.0.1:${port}`;
    await expect(check(api, api)).rejects.toThrow(
      `cannot reach the onboarding API at ${api}/readyz (ECONNREFUSED): run \`npm start\` first ` +
        '(with the same ports)',
    );
  });

  it('names the sandbox when the API answers but the sandbox does not', async () => {
    const api = await serve({ '/readyz': [200, { status: 'ready' }] });
    const [port] = await freePorts(1);
    const sandbox = `http://127.0.0.1:${port}`;
    await expect(check(api, sandbox)).rejects.toThrow(
      `cannot reach the Ingo sandbox at ${sandbox}/_sandbox/stats (ECONNREFUSED): run \`npm start\` first`,
    );
  });

  it('says the stack is not ready while Temporal is not', async () => {
    const api = await serve({
      '/readyz': [503, { error: { code: 'temporal_unavailable', message: 'x' } }],
    });
    await expect(check(api, api)).rejects.toThrow(
      `the onboarding API at ${api}/readyz is not ready (503 temporal_unavailable)`,
    );
  });

  it('says the token is wrong when the API refuses it', async () => {
    const url = await serve({
      '/readyz': [200, { status: 'ready' }],
      '/_sandbox/stats': [200, FRESH_SANDBOX_STATS],
      '/v1/onboardings': [401, { error: { code: 'unauthorized', message: 'a valid token…' } }],
    });
    await expect(check(url, url, 'wrong-token')).rejects.toThrow(
      `the onboarding API at ${url} refused the token (401): set ONBOARDING_API_TOKEN to the ` +
        'token the stack runs with',
    );
  });

  it('passes when all three answer', async () => {
    const url = await serve({
      '/readyz': [200, { status: 'ready' }],
      '/_sandbox/stats': [200, FRESH_SANDBOX_STATS],
      '/v1/onboardings': [200, { items: [] }],
    });
    await expect(check(url, url)).resolves.toBeUndefined();
  });
});

describe('`npm run demo` without a stack', () => {
  it('exits 1 with one line naming the URL and `npm start`', async () => {
    const [apiPort, sandboxPort] = await freePorts(2);
    const root = path.resolve(__dirname, '../..');
    const child = spawn(process.execPath, ['--import', 'tsx', 'dev/demo/main.ts'], {
      cwd: root,
      env: {
        ...process.env,
        // Empty is unset: whatever the caller's environment says, these ports and the sandbox.
        ONBOARDING_API_URL: '',
        ONBOARDING_API_HOST: '',
        INGO_SANDBOX_HOST: '',
        INGO_BANKING_BASE_URL: '',
        INGO_PAY_BASE_URL: '',
        ONBOARDING_API_PORT: String(apiPort),
        INGO_SANDBOX_PORT: String(sandboxPort),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `cannot reach the onboarding API at http://127.0.0.1:${apiPort}/readyz (ECONNREFUSED): ` +
        'run `npm start` first (with the same ports)\n',
    );
  });
});
