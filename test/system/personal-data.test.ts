// Personal data never leaves the application in clear. Onboardings run with planted, unique
// values (SSNs, dates of birth, an account number); then the raw histories as a client without
// the codec reads them, the dev server's SQLite files, workflow descriptions (search attributes,
// memo, summaries) and every log line of every component are searched for them. With the codec,
// the same history decodes to the request that was sent. A key rotation mid-onboarding still
// completes, decodes and replays.

import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { promisify } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { Runtime, Worker } from '@temporalio/worker';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptedDataConverter } from '../../src/codec/data-converter';
import { EncryptionCodec } from '../../src/codec/encryption-codec';
import { temporalCliPath } from '../../dev/temporal/binaries';
import { PinoRuntimeLogger } from '../../src/temporal/runtime-logger';
import { onboardingWorkflowId } from '../../src/contract/ids';
import { until } from '../sandbox/helpers';
import { ROTATED_TEST_KEYRING, TEST_KEYRING } from '../fixtures/test-keyring';
import { apiSignup } from '../api/api-server';
import { captureLogs } from '../fixtures/captured-logs';
import { API_TOKEN, CODEC_TOKEN, startSystem, type SystemStack } from './stack';

const execFileAsync = promisify(execFile);
const digits = (count: number) =>
  Array.from({ length: count }, () => String(randomInt(10))).join('');
const day = () => String(randomInt(1, 29)).padStart(2, '0');
const month = () => String(randomInt(1, 13)).padStart(2, '0');

/** Unique per run, so finding one can only mean it leaked from this run. */
const PLANTED = {
  ssn: `6${digits(4)}4826`,
  dateOfBirth: `19${randomInt(50, 99)}-${month()}-${day()}`,
  accountNumber: `9${digits(11)}`,
  failingSsn: `7${digits(4)}0000`,
  resubmittedSsn: `8${digits(4)}5671`,
  resubmittedDateOfBirth: `19${randomInt(50, 99)}-${month()}-${day()}`,
};
const PLANTED_VALUES = Object.values(PLANTED);

function leaksIn(haystack: Buffer | string): string[] {
  const bytes = typeof haystack === 'string' ? Buffer.from(haystack, 'utf8') : haystack;
  return PLANTED_VALUES.filter((value) => bytes.includes(value));
}

describe('personal data stays encrypted and out of logs', () => {
  const captured = captureLogs('debug');
  let s: SystemStack;
  let plain: Client;
  const signupIds: string[] = [];

  beforeAll(async () => {
    // Workflow and SDK log lines go through the same captured logger.
    Runtime.install({ logger: new PinoRuntimeLogger(captured.logger.child({ component: 'sdk' })) });
    s = await startSystem({ logger: captured });
    plain = new Client({ connection: s.env.connection });

    const planted = apiSignup({ withBankAccount: true });
    planted.applicant.ssn = PLANTED.ssn;
    planted.applicant.dateOfBirth = PLANTED.dateOfBirth;
    planted.externalBankAccount!.accountNumber = PLANTED.accountNumber;
    const failing = apiSignup();
    failing.applicant.ssn = PLANTED.failingSsn;
    failing.timing = { ...failing.timing, kycResubmitWindow: '1 hour' };
    for (const request of [planted, failing]) {
      await s.client.start(request);
      signupIds.push(request.signupId);
    }
    await until(
      async () => (await s.client.get(failing.signupId)).resubmitBy !== undefined,
      30_000,
    );
    await s.client.resubmitKyc(failing.signupId, {
      ssn: PLANTED.resubmittedSsn,
      dateOfBirth: PLANTED.resubmittedDateOfBirth,
    });
    for (const signupId of signupIds) {
      await until(async () => (await s.client.get(signupId)).status === 'completed', 30_000);
    }
  });
  afterAll(async () => {
    await s?.stop();
  });

  const allWorkflowIds = async () => {
    const ids: string[] = [];
    for await (const execution of plain.workflow.list()) ids.push(execution.workflowId);
    return ids;
  };

  it('keeps every planted value out of the raw histories and descriptions', async () => {
    const ids = await allWorkflowIds();
    expect(ids.length).toBeGreaterThanOrEqual(4);
    for (const workflowId of ids) {
      const handle = plain.workflow.getHandle(workflowId);
      const history = await handle.fetchHistory();
      expect(
        leaksIn(Buffer.from(temporal.api.history.v1.History.encode(history).finish())),
      ).toEqual([]);
      expect(leaksIn(historyToJSON(history))).toEqual([]);
      const description = await handle.describe();
      expect(leaksIn(JSON.stringify(description.raw))).toEqual([]);
    }
  });

  it("keeps every planted value out of the dev server's SQLite files", () => {
    const files = [s.dbFile, `${s.dbFile}-wal`, `${s.dbFile}-shm`].filter((file) =>
      existsSync(file),
    );
    const bytes = Buffer.concat(files.map((file) => readFileSync(file)));
    // The search can find things: the workflow ids are stored there in clear.
    expect(bytes.includes(onboardingWorkflowId(signupIds[0]!))).toBe(true);
    expect(leaksIn(bytes)).toEqual([]);
  });

  it('decodes the workflow input with the codec, and through the codec server', async () => {
    const history = await plain.workflow
      .getHandle(onboardingWorkflowId(signupIds[0]!))
      .fetchHistory();
    const input = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    expect(Buffer.from(input.metadata!.encoding!).toString()).toBe('binary/encrypted');
    expect(Buffer.from(input.metadata!['encryption-key-id']!).toString()).toBe(
      TEST_KEYRING.current.id,
    );

    const [decoded] = await new EncryptionCodec(TEST_KEYRING).decode([input]);
    const request = defaultPayloadConverter.fromPayload<{ applicant: { ssn: string } }>(decoded!);
    expect(request.applicant).toMatchObject({
      ssn: PLANTED.ssn,
      dateOfBirth: PLANTED.dateOfBirth,
    });

    const toJson = (payload: typeof input) => ({
      metadata: Object.fromEntries(
        Object.entries(payload.metadata!).map(([key, value]) => [
          key,
          Buffer.from(value).toString('base64'),
        ]),
      ),
      data: Buffer.from(payload.data!).toString('base64'),
    });
    const response = await fetch(`${s.codecUrl}/codec/decode`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${CODEC_TOKEN}` },
      body: JSON.stringify({ payloads: [toJson(input)] }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { payloads: { data: string }[] };
    expect(Buffer.from(body.payloads[0]!.data, 'base64').toString()).toContain(PLANTED.ssn);
  });

  it("decodes for Temporal's own tooling through the codec server (the UI's protocol)", async () => {
    const { stdout } = await execFileAsync(temporalCliPath(), [
      'workflow',
      'show',
      '--address',
      s.env.address,
      '--workflow-id',
      onboardingWorkflowId(signupIds[0]!),
      '--output',
      'json',
      '--codec-endpoint',
      `${s.codecUrl}/codec`,
      '--codec-auth',
      `Bearer ${CODEC_TOKEN}`,
    ]);
    // JSON output keeps payload data base64-encoded, decoded by the codec server to plain JSON.
    const data = [...stdout.matchAll(/"data":\s*"([^"]+)"/g)]
      .map((match) => Buffer.from(match[1]!, 'base64').toString('utf8'))
      .join('\n');
    expect(stdout).not.toContain('binary/encrypted');
    expect(data).toContain(`"ssn":"${PLANTED.ssn}"`);
  });

  it('writes no planted value to any log line of any component', () => {
    const logs = captured.text();
    // The capture works and covers every component.
    for (const component of ['api', 'sandbox', 'worker', 'codec']) {
      expect(logs).toContain(`"component":"${component}"`);
    }
    expect(logs).toContain(signupIds[0]);
    expect(leaksIn(logs)).toEqual([]);
    // Nor any secret, though every request carried one (access logs included).
    for (const secret of [API_TOKEN, CODEC_TOKEN, 'sandbox-webhook-secret', 'sandbox-secret']) {
      expect(logs).not.toContain(secret);
    }
    // Access logs keep request headers from an allow-list: the credential headers are not in it.
    expect(logs).toContain('"headers":{"host"');
    expect(logs).not.toMatch(/"(authorization|cookie|x-authorization)":/i);
  });

  it('finishes, decodes and replays an onboarding whose key was rotated halfway', async () => {
    const request = apiSignup({ ssnLast4: '2222' });
    request.timing = { ...request.timing, kycGracePeriod: '1 hour' };
    await s.client.start(request);
    await until(
      async () => (await s.client.get(request.signupId)).kycStatus === 'in_review',
      30_000,
    );
    const { ingoUserId } = await s.client.get(request.signupId);

    await s.restartWorker(ROTATED_TEST_KEYRING);
    await s.sandbox.admin('POST', `/kyc/${ingoUserId}/decision`, { status: 'verified' });
    await until(async () => (await s.client.get(request.signupId)).status === 'completed', 30_000);

    const workflowId = onboardingWorkflowId(request.signupId);
    const history = await plain.workflow.getHandle(workflowId).fetchHistory();
    const keyIds = new Set(
      [...historyToJSON(history).matchAll(/"encryption-key-id":\s*"([^"]+)"/g)].map((match) =>
        Buffer.from(match[1]!, 'base64').toString(),
      ),
    );
    expect(keyIds).toEqual(new Set([TEST_KEYRING.current.id, ROTATED_TEST_KEYRING.current.id]));

    const rotated = new Client({
      connection: s.env.connection,
      dataConverter: encryptedDataConverter(ROTATED_TEST_KEYRING),
    });
    const result: unknown = await rotated.workflow.getHandle(workflowId).result();
    expect(result).toMatchObject({ outcome: 'completed', ingoUserId });
    await Worker.runReplayHistory(
      {
        workflowsPath: path.join(__dirname, '../../src/workflows'),
        dataConverter: encryptedDataConverter(ROTATED_TEST_KEYRING),
      },
      history,
      workflowId,
    );
  });
});
