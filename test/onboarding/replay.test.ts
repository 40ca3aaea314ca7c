// Replays the histories of real runs (recorded with RECORD_HISTORIES=1, see harness.ts) against
// the current workflow code. A change that would make a running onboarding take another path on
// replay fails here: once released, such a change is versioned (docs/ARCHITECTURE.md,
// Versioning). The histories were written encrypted under the test keyring's first key and replay
// under the rotated keyring, whose current key is another: what a key rotation does to every
// running onboarding.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { encryptedDataConverter } from '../../src/codec/data-converter';
import { ROTATED_TEST_KEYRING } from '../fixtures/test-keyring';
import { installQuietRuntime } from '../../dev/temporal/quiet-runtime';
import { HISTORIES } from './harness';

/** `binary/encrypted`, as a payload's `encoding` metadata appears in a history's JSON. */
const ENCRYPTED = Buffer.from('binary/encrypted').toString('base64');

const files = readdirSync(HISTORIES)
  .filter((file) => file.endsWith('.json'))
  .sort();

describe('replay of committed onboarding histories', () => {
  beforeAll(() => installQuietRuntime());

  it('has histories of both workflows, covering the operator paths and account adoption', () => {
    const names = files.map((file) => path.basename(file).replace(/--(onboarding|kyc)-.*$/, '.$1'));
    expect(names).toEqual(
      expect.arrayContaining([
        'happy-path.onboarding',
        'happy-path.kyc',
        'kyc-resubmitted.onboarding',
        'kyc-deadline-retried.onboarding',
        'kyc-deadline-retried.kyc',
        'operator-retry.onboarding',
        'cancelled.onboarding',
        'account-adopted.onboarding',
      ]),
    );
  });

  it('holds them encrypted: no applicant data in clear', () => {
    for (const file of files) {
      const text = readFileSync(path.join(HISTORIES, file), 'utf8');
      expect(text).toContain(ENCRYPTED);
      // The harness's applicants: SSN prefix, date of birth and bank account number.
      for (const value of ['12345', '1990-04-12', '000123456789']) {
        expect(Buffer.from(text, 'utf8').includes(value), `${file} holds ${value}`).toBe(false);
      }
    }
  });

  it('replays every one of them without a determinism error', async () => {
    const histories = files.map((file) => ({
      workflowId: file.slice(file.indexOf('--') + 2, -'.json'.length),
      history: historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8'))),
    }));
    const results = Worker.runReplayHistories(
      {
        workflowsPath: path.join(__dirname, '../../src/workflows/index.ts'),
        dataConverter: encryptedDataConverter(ROTATED_TEST_KEYRING),
      },
      histories,
    );
    const failures: string[] = [];
    for await (const result of results) {
      if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
    }
    expect(failures).toEqual([]);
    expect(histories.length).toBe(files.length);
  });
});
