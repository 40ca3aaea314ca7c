import path from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './encryption-codec';
import type { Keyring } from './keyring';

/**
 * `failure-converter` beside this file, with this file's own extension: `.ts` when run from
 * source (tsx, vitest, the workflow bundler), `.js` when run from `dist/`.
 */
export const FAILURE_CONVERTER_PATH = path.join(
  __dirname,
  `failure-converter${path.extname(__filename)}`,
);

/**
 * The one data converter of every client, worker and replayer: payloads encrypted with the
 * keyring, failure messages and stack traces encoded so they are encrypted too.
 *
 * A plain `DataConverter` (a path, not a loaded converter) because that is the only form every
 * consumer takes: `new Client(...)` requires the path itself, `Worker.create(...)` and
 * `Worker.runReplayHistories(...)` require it for activities and hand it to the workflow bundler.
 * A worker running a prebuilt `workflowBundle` gets the failure converter from the bundle, which
 * must therefore be built with `failureConverterPath: FAILURE_CONVERTER_PATH`
 * (scripts/bundle-workflows.ts does).
 */
export function encryptedDataConverter(keyring: Keyring): DataConverter {
  return {
    payloadCodecs: [new EncryptionCodec(keyring)],
    failureConverterPath: FAILURE_CONVERTER_PATH,
  };
}
