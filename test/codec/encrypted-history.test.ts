import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  Client,
  WorkflowFailedError,
  type WorkflowHandle,
  type WorkflowStartOptions,
} from '@temporalio/client';
import {
  ActivityFailure,
  ApplicationFailure,
  defaultPayloadConverter,
  METADATA_ENCODING_KEY,
  type Payload,
} from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflows } from '../../scripts/bundle-workflows';
import { encryptedDataConverter } from '../../src/codec/data-converter';
import { EncryptionCodec } from '../../src/codec/encryption-codec';
import { createKeyring } from '../../src/codec/keyring';
import { temporalTestServerPath } from '../../dev/temporal/binaries';
import { installQuietRuntime } from '../../dev/temporal/quiet-runtime';
import * as activities from './fixtures/activities';
import type { Applicant } from './fixtures/applicant';
import { rejectApplicant, rejectApplicantInActivity } from './fixtures/workflows';

/**
 * On a real Temporal server: a client and a worker sharing the encrypted data converter leave no
 * trace of a planted SSN anywhere in the stored history (input, activity input, failure messages,
 * stack traces), while the client still reads everything back. The same workflows without the
 * codec show that the search would find the value if it were there.
 */

type History = temporal.api.history.v1.IHistory;

const FIXTURES = path.join(__dirname, 'fixtures');
const keyring = createKeyring([{ id: 'history-test', key: Buffer.alloc(32, 7) }]);
const codec = new EncryptionCodec(keyring);

function plantedApplicant(): Applicant {
  // Unique per run, so a hit can only come from this run's data.
  return { name: 'Ada Lovelace', ssn: `planted-${randomUUID()}` };
}

function historyBytes(history: History): Buffer {
  return Buffer.from(temporal.api.history.v1.History.encode(history).finish());
}

function encoding(payload: Payload | null | undefined): string {
  return Buffer.from(payload?.metadata?.[METADATA_ENCODING_KEY] ?? new Uint8Array()).toString();
}

describe('payload encryption against a Temporal server', () => {
  let env: TestWorkflowEnvironment;
  let codecClient: Client;
  /** Sees the history as the server stores it. */
  let rawClient: Client;
  let bundleDir: string;
  const encryptedQueue = `codec-encrypted-${randomUUID()}`;
  const plainQueue = `codec-plain-${randomUUID()}`;
  const running: { worker: Worker; run: Promise<void> }[] = [];

  beforeAll(async () => {
    installQuietRuntime();
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
    });
    const namespace = env.namespace ?? 'default';
    codecClient = new Client({
      connection: env.connection,
      namespace,
      dataConverter: encryptedDataConverter(keyring),
    });
    rawClient = new Client({ connection: env.connection, namespace });

    // The production path: a bundle built ahead of time by scripts/bundle-workflows.ts.
    bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'codec-bundle-'));
    await bundleWorkflows(
      path.join(bundleDir, 'workflow-bundle.js'),
      path.join(FIXTURES, 'workflows.ts'),
    );

    const workers = await Promise.all([
      // The development path: bundled from source at start-up.
      Worker.create({
        connection: env.nativeConnection,
        namespace,
        taskQueue: encryptedQueue,
        workflowsPath: path.join(FIXTURES, 'workflows.ts'),
        activities,
        dataConverter: encryptedDataConverter(keyring),
      }),
      Worker.create({
        connection: env.nativeConnection,
        namespace,
        taskQueue: plainQueue,
        workflowBundle: { codePath: path.join(bundleDir, 'workflow-bundle.js') },
        activities,
      }),
    ]);
    running.push(...workers.map((worker) => ({ worker, run: worker.run() })));
  });

  afterAll(async () => {
    try {
      for (const { worker } of running) if (worker.getState() === 'RUNNING') worker.shutdown();
      await Promise.all(running.map(({ run }) => run));
    } finally {
      await env?.teardown();
      if (bundleDir) fs.rmSync(bundleDir, { recursive: true, force: true });
    }
  });

  async function failedWith(handle: WorkflowHandle): Promise<WorkflowFailedError> {
    const error = await handle.result().then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(WorkflowFailedError);
    return error as WorkflowFailedError;
  }

  function startOptions(
    applicant: Applicant,
    taskQueue: string,
  ): WorkflowStartOptions<typeof rejectApplicant> {
    return { args: [applicant], taskQueue, workflowId: `codec-${randomUUID()}` };
  }

  it('keeps the input and a workflow failure quoting it out of the history', async () => {
    const applicant = plantedApplicant();
    const handle = await codecClient.workflow.start(
      rejectApplicant,
      startOptions(applicant, encryptedQueue),
    );

    const error = await failedWith(handle);
    expect(error.cause).toBeInstanceOf(ApplicationFailure);
    expect(error.cause?.message).toBe(`cannot onboard ssn ${applicant.ssn}`);
    expect((error.cause as ApplicationFailure).type).toBe('Rejected');

    const history = await rawClient.workflow.getHandle(handle.workflowId).fetchHistory();
    expect(historyBytes(history).indexOf(applicant.ssn)).toBe(-1);

    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const [input] = started?.input?.payloads ?? [];
    expect(encoding(input)).toBe('binary/encrypted');
    const [decoded] = await codec.decode([input!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(applicant);

    const failed = history.events?.find((event) => event.workflowExecutionFailedEventAttributes)
      ?.workflowExecutionFailedEventAttributes?.failure;
    expect(failed?.message).toBe('Encoded failure');
    expect(failed?.stackTrace).toBe('');
    expect(encoding(failed?.encodedAttributes)).toBe('binary/encrypted');
  });

  it('keeps an activity input and an activity failure quoting it out of the history', async () => {
    const applicant = plantedApplicant();
    const handle = await codecClient.workflow.start(
      rejectApplicantInActivity,
      startOptions(applicant, encryptedQueue),
    );

    const error = await failedWith(handle);
    expect(error.cause).toBeInstanceOf(ActivityFailure);
    const cause = error.cause?.cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).message).toBe(`refused ssn ${applicant.ssn}`);
    expect((cause as ApplicationFailure).stack).toContain(`refused ssn ${applicant.ssn}`);

    const history = await rawClient.workflow.getHandle(handle.workflowId).fetchHistory();
    expect(historyBytes(history).indexOf(applicant.ssn)).toBe(-1);
    const scheduled = history.events?.find(
      (event) => event.activityTaskScheduledEventAttributes,
    )?.activityTaskScheduledEventAttributes;
    expect(encoding(scheduled?.input?.payloads?.[0])).toBe('binary/encrypted');
    const activityFailure = history.events?.find((event) => event.activityTaskFailedEventAttributes)
      ?.activityTaskFailedEventAttributes?.failure;
    expect(activityFailure?.message).toBe('Encoded failure');
    expect(encoding(activityFailure?.encodedAttributes)).toBe('binary/encrypted');
  });

  it('without the codec the planted value is in the history: the search finds what is there', async () => {
    const applicant = plantedApplicant();
    const handle = await rawClient.workflow.start(
      rejectApplicant,
      startOptions(applicant, plainQueue),
    );
    const error = await failedWith(handle);
    expect(error.cause?.message).toBe(`cannot onboard ssn ${applicant.ssn}`);

    const history = await handle.fetchHistory();
    expect(historyBytes(history).indexOf(applicant.ssn)).toBeGreaterThan(-1);
    // The prebuilt bundle carries the failure converter: the message moved to a payload, which
    // only a codec can then encrypt.
    const failed = history.events?.find((event) => event.workflowExecutionFailedEventAttributes)
      ?.workflowExecutionFailedEventAttributes?.failure;
    expect(failed?.message).toBe('Encoded failure');
    expect(encoding(failed?.encodedAttributes)).toBe('json/plain');
  });

  it('replays an encrypted history on the prebuilt bundle with the data converter', async () => {
    const applicant = plantedApplicant();
    const handle = await codecClient.workflow.start(
      rejectApplicantInActivity,
      startOptions(applicant, encryptedQueue),
    );
    await failedWith(handle);
    const history = await handle.fetchHistory();

    const replay = async (withCodec: boolean) => {
      const results = [];
      for await (const result of Worker.runReplayHistories(
        {
          workflowBundle: { codePath: path.join(bundleDir, 'workflow-bundle.js') },
          ...(withCodec ? { dataConverter: encryptedDataConverter(keyring) } : {}),
        },
        [{ workflowId: handle.workflowId, history }],
      )) {
        results.push(result);
      }
      return results;
    };
    const [decrypted] = await replay(true);
    expect(decrypted?.error).toBeUndefined();
    // Without the keys the workflow cannot even read its input.
    const [undecrypted] = await replay(false);
    expect(undecrypted?.error).toBeDefined();
  });
});
