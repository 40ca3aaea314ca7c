import { randomBytes } from 'node:crypto';
import path from 'node:path';
import {
  ApplicationFailure,
  defaultPayloadConverter,
  DefaultFailureConverter,
} from '@temporalio/common';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import { describe, expect, it } from 'vitest';
import { encryptedDataConverter, FAILURE_CONVERTER_PATH } from '../../src/codec/data-converter';
import { EncryptionCodec } from '../../src/codec/encryption-codec';
import { createKeyring } from '../../src/codec/keyring';

describe('encryptedDataConverter', () => {
  const keyring = createKeyring([{ id: 'k', key: randomBytes(32) }]);

  it('names the failure converter beside it, in the language it runs from', () => {
    expect(FAILURE_CONVERTER_PATH).toBe(
      path.resolve(__dirname, '../../src/codec/failure-converter.ts'),
    );
  });

  it('loads as the client and the worker load it (Node require, no TypeScript loader)', () => {
    const loaded = loadDataConverter(encryptedDataConverter(keyring));
    expect(loaded.payloadCodecs).toHaveLength(1);
    expect(loaded.payloadCodecs[0]).toBeInstanceOf(EncryptionCodec);
    expect(loaded.failureConverter).toBeInstanceOf(DefaultFailureConverter);

    const failure = loaded.failureConverter.errorToFailure(
      ApplicationFailure.nonRetryable('ssn 123-45-6789 refused'),
      defaultPayloadConverter,
    );
    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace).toBe('');
    expect(failure.encodedAttributes).toBeDefined();
    // The payload the codec will encrypt; read back, it is the original message.
    const error = loaded.failureConverter.failureToError(failure, defaultPayloadConverter);
    expect(error.message).toBe('ssn 123-45-6789 refused');
  });
});
