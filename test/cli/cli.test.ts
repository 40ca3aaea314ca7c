// The operator CLI against the real stack (API router, dev server, worker, Ingo sandbox): run
// in-process through runCli with captured output, and once as the real process through the bin.

import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OnboardingView } from '../../src/api/schemas';
import { runCli } from '../../src/cli/run-cli';
import { FAST, startHarness, type Harness } from '../onboarding/harness';
import { NO_FAULTS } from '../sandbox/helpers';
import {
  API_TOKEN,
  apiSignup,
  closedPort,
  eventually,
  startApiServer,
  type ApiServer,
} from '../api/api-server';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const root = path.join(__dirname, '..', '..');

describe('ingo-onboarding CLI', () => {
  let h: Harness;
  let api: ApiServer;
  let completed: OnboardingView;
  const dir = mkdtempSync(path.join(tmpdir(), 'ingo-onboarding-cli-'));

  async function cli(argv: string[], stdin = ''): Promise<Run> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      stdin: Readable.from([Buffer.from(stdin)]),
      env: { ONBOARDING_API_URL: api.url, ONBOARDING_API_TOKEN: API_TOKEN },
    });
    return { code, stdout, stderr };
  }
  const file = (name: string, content: string) => {
    const target = path.join(dir, name);
    writeFileSync(target, content);
    return target;
  };
  const view = (signupId: string, check: (view: OnboardingView) => boolean) =>
    eventually(() => api.client.get(signupId), check);

  beforeAll(async () => {
    h = await startHarness('dev-server', { kycDelayMs: 200 });
    api = await startApiServer({
      client: h.env.client,
      taskQueue: h.taskQueue,
      rpcTimeoutMs: 10_000,
      rejectedRequestsPerMinute: 1_000,
    });
    const request = apiSignup();
    await api.client.start(request);
    completed = await view(request.signupId, (v) => v.closedAt !== undefined);
  });
  afterEach(async () => {
    await h.sandbox.admin('PUT', '/faults', NO_FAULTS);
  });
  afterAll(async () => {
    await api?.close();
    await h?.stop();
  });

  it('starts an onboarding from a file, and the same file again shows the existing one', async () => {
    const request = apiSignup({ withBankAccount: true });
    const source = file('signup.json', JSON.stringify(request));

    const started = await cli(['start', source]);
    expect(started).toEqual({
      code: 0,
      stdout: `Started the onboarding of signup ${request.signupId} (onboarding-${request.signupId}): in_progress\n`,
      stderr: '',
    });
    const again = await cli(['start', source, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({
      signupId: request.signupId,
      workflowId: `onboarding-${request.signupId}`,
      status: expect.stringMatching(/^(in_progress|completed)$/) as unknown,
    });
  });

  it('shows an onboarding as a table, and --json prints exactly what the API answers', async () => {
    const table = await cli(['status', completed.signupId]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^signup +\S+$/m);
    expect(table.stdout).toMatch(/^status +completed$/m);
    expect(table.stdout).toMatch(
      new RegExp(
        `^routable account +${completed.routableAccount!.id} +routing \\d{9} +account \\*{4}\\d{4}$`,
        'm',
      ),
    );
    expect(table.stdout).toMatch(/^attempts +create_user 1, kyc 1, issue_account 1$/m);

    const json = await cli(['status', completed.signupId, '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(await api.client.get(completed.signupId));
  });

  it('lists onboardings as a table and as JSON, a page at a time', async () => {
    const listed = await eventually(
      () => cli(['list', '--status', 'completed']),
      (run) => run.stdout.includes(completed.signupId),
    );
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^SIGNUP +STATUS +STEP +KYC +INGO USER +STARTED +CLOSED$/m);
    expect(listed.stdout).toMatch(
      new RegExp(`^${completed.signupId} +completed +done +verified`, 'm'),
    );

    const page = await cli(['list', '--page-size', '1', '--json']);
    expect(page.code).toBe(0);
    const body = JSON.parse(page.stdout) as { items: unknown[]; nextPageToken?: string };
    expect(body.items).toHaveLength(1);
    expect(body.nextPageToken).toEqual(expect.any(String));
    // As the table's "more:" line prints it: a token may begin with "-".
    const next = await cli(['list', '--page-size', '1', `--page-token=${body.nextPageToken!}`]);
    expect(next.code).toBe(0);
    expect(next.stdout).toContain('SIGNUP');
  });

  it('retries a parked step after the fix; a retry for the wrong step exits 4', async () => {
    await h.sandbox.admin('PUT', '/faults', {
      errorRate: 1,
      paths: ['/api/v3/users/bank-accounts/save'],
    });
    const request = apiSignup({ withBankAccount: true, timing: { ...FAST, retryMaxAttempts: 2 } });
    await api.client.start(request);
    await view(request.signupId, (v) => v.status === 'needs_attention');

    const parked = await cli(['status', request.signupId]);
    expect(parked.stdout).toMatch(/^last error +IngoServerError at link_bank_account/m);
    expect(parked.stdout).toContain(
      `ingo-onboarding retry ${request.signupId} --step link_bank_account`,
    );

    const wrong = await cli(['retry', request.signupId, '--step', 'kyc']);
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toContain('not_allowed_now');

    await h.sandbox.admin('PUT', '/faults', NO_FAULTS);
    const retried = await cli(['retry', request.signupId, '--step', 'link_bank_account', '--json']);
    expect(retried.code).toBe(0);
    expect(JSON.parse(retried.stdout)).toEqual({ step: 'link_bank_account', attempt: 2 });
    await view(request.signupId, (v) => v.status === 'completed');
  });

  it('starts from stdin and resubmits corrected KYC data from stdin, refusing bad data (exit 5)', async () => {
    const request = apiSignup({ ssnLast4: '0000' });
    expect((await cli(['start', '-'], JSON.stringify(request))).code).toBe(0);
    await view(request.signupId, (v) => v.resubmitBy !== undefined);

    const status = await cli(['status', request.signupId]);
    expect(status.stdout).toMatch(/^status +kyc_failed$/m);
    expect(status.stdout).toContain(`ingo-onboarding resubmit-kyc ${request.signupId}`);

    const neither = await cli(['resubmit-kyc', request.signupId]);
    expect(neither.code).toBe(2);
    const bad = await cli(
      ['resubmit-kyc', request.signupId, '--from-file', '-'],
      JSON.stringify({ ssn: '98-76-54', dateOfBirth: '31/12/1990' }),
    );
    expect(bad.code).toBe(5);
    expect(bad.stderr).toMatch(/^ {2}ssn: /m);
    expect(bad.stderr).toMatch(/^ {2}dateOfBirth: /m);
    expect(bad.stderr + bad.stdout).not.toContain('98-76-54');
    expect(bad.stderr + bad.stdout).not.toContain('31/12/1990');
    const notJson = await cli(['resubmit-kyc', request.signupId, '--from-file', '-'], 'ssn=1');
    expect(notJson.code).toBe(5);

    const accepted = await cli(
      ['resubmit-kyc', request.signupId, '--from-file', '-'],
      JSON.stringify({ ssn: '123454444', dateOfBirth: '1990-04-21' }),
    );
    expect(accepted).toMatchObject({
      code: 0,
      stdout: `KYC data resubmitted for signup ${request.signupId} (submission 2)\n`,
    });
    await view(request.signupId, (v) => v.status === 'completed');
  });

  it('cancels an onboarding; cancelling it again exits 4', async () => {
    const request = apiSignup({
      ssnLast4: '2222',
      timing: { ...FAST, kycGracePeriod: '1 minute' },
    });
    await api.client.start(request);
    await view(request.signupId, (v) => v.kycStatus === 'in_review');

    const cancelled = await cli(['cancel', request.signupId]);
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toContain('Cancellation');
    await view(request.signupId, (v) => v.status === 'cancelled');
    const again = await cli(['cancel', request.signupId, '--json']);
    expect(again.code).toBe(4);
    expect(JSON.parse(again.stdout)).toMatchObject({ error: { code: 'already_closed' } });
  });

  it('exits with codes that say what went wrong', async () => {
    const notFound = await cli(['status', 'nobody-here', '--json']);
    expect(notFound.code).toBe(3);
    expect(JSON.parse(notFound.stdout)).toMatchObject({ error: { code: 'not_found' } });
    expect((await cli(['status', 'bad id'])).code).toBe(5);
    expect((await cli(['status', completed.signupId, '--token', 'not-the-token'])).code).toBe(6);

    const port = await closedPort();
    const down = await cli(['status', completed.signupId, '--url', `http://127.0.0.1:${port}`]);
    expect(down.code).toBe(7);
    expect(down.stderr).toContain('ECONNREFUSED');

    for (const argv of [
      [],
      ['frobnicate'],
      ['status'],
      ['status', 'a', 'b'],
      ['status', 'a', '--step', 'kyc'],
      ['list', '--status', 'waiting'],
      ['list', '--page-size', '0'],
      ['status', 'a', '--bogus'],
      ['status', 'a', '--url', 'not a url'],
      ['start', path.join(dir, 'no-such-file.json')],
    ]) {
      const run = await cli(argv);
      expect({ argv, code: run.code }).toEqual({ argv, code: 2 });
      expect(run.stderr).not.toBe('');
    }
    expect((await cli(['start', file('broken.json', '{"signupId": ')])).code).toBe(5);
    const { externalBankAccount: _none, ...request } = apiSignup();
    const misnamed = await cli([
      'start',
      file('misnamed.json', JSON.stringify({ ...request, bankAccount: { routingNumber: '1' } })),
    ]);
    expect(misnamed.code).toBe(5);
    expect(misnamed.stderr).toContain('  bankAccount: is not a known field');

    const help = await cli(['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes:');
    expect(help.stdout).toContain('resubmit-kyc <signupId> --from-file');
  });

  it('runs as a real process through bin/ingo-onboarding.cjs', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(root, 'bin', 'ingo-onboarding.cjs'), 'status', completed.signupId, '--json'],
      {
        cwd: root,
        env: { ...process.env, ONBOARDING_API_URL: api.url, ONBOARDING_API_TOKEN: API_TOKEN },
      },
    );
    expect(JSON.parse(stdout)).toEqual(await api.client.get(completed.signupId));

    const failed = await promisify(execFile)(
      process.execPath,
      [path.join(root, 'bin', 'ingo-onboarding.cjs'), 'status', 'nobody-here'],
      {
        cwd: root,
        env: { ...process.env, ONBOARDING_API_URL: api.url, ONBOARDING_API_TOKEN: API_TOKEN },
      },
    ).then(
      () => undefined,
      (error: unknown) => error as { code?: number; stderr?: string },
    );
    expect(failed).toMatchObject({ code: 3 });
  });
});
