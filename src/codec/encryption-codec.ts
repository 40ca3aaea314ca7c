import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { Keyring } from './keyring';

/**
 * Encrypts every payload Temporal would otherwise store in clear (workflow inputs, signals,
 * updates, activity inputs and results, encoded failure messages) with AES-256-GCM. The whole
 * serialized Payload is encrypted, its metadata included, so not even the original encoding
 * shows; the envelope names only the encoding and the key id. The layout (IV, ciphertext, tag) is
 * that of Temporal's encryption samples, so their codec servers and CLIs can read it.
 */

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA_KEY = 'encryption-key-id';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A payload that cannot be decrypted; names the key id, never key material or content. */
export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
  constructor(
    readonly keyId: string | undefined,
    reason: string,
  ) {
    super(`cannot decrypt payload${keyId === undefined ? '' : ` under key ${keyId}`}: ${reason}`);
  }
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keyring: Keyring) {}

  // Synchronous work in a promise: a throw becomes a rejection, as the SDK expects of a codec.
  encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.keyring.current;
    return new Promise((resolve) => {
      resolve(
        payloads.map((payload) => {
          const iv = randomBytes(IV_BYTES);
          const cipher = createCipheriv(ALGORITHM, key, iv);
          const plaintext = temporal.api.common.v1.Payload.encode(payload).finish();
          return {
            metadata: {
              [METADATA_ENCODING_KEY]: utf8.encode(ENCRYPTED_ENCODING),
              [KEY_ID_METADATA_KEY]: utf8.encode(id),
            },
            data: Buffer.concat([
              iv,
              cipher.update(plaintext),
              cipher.final(),
              cipher.getAuthTag(),
            ]),
          };
        }),
      );
    });
  }

  /** Payloads that are not encrypted (histories from before encryption) pass through unchanged. */
  decode(payloads: Payload[]): Promise<Payload[]> {
    return new Promise((resolve) => {
      resolve(payloads.map((payload) => this.decrypt(payload)));
    });
  }

  private decrypt(payload: Payload): Payload {
    const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
    if (encoding === undefined || fromUtf8.decode(encoding) !== ENCRYPTED_ENCODING) return payload;

    const keyIdBytes = payload.metadata?.[KEY_ID_METADATA_KEY];
    if (keyIdBytes === undefined) {
      throw new PayloadDecryptionError(undefined, `no ${KEY_ID_METADATA_KEY} in its metadata`);
    }
    // Shortened: it came from outside and goes into a message.
    const keyId = fromUtf8.decode(keyIdBytes).slice(0, 64);
    const key = this.keyring.keys.get(keyId);
    if (key === undefined) throw new PayloadDecryptionError(keyId, 'the key is not in the keyring');

    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError(keyId, 'truncated');
    const decipher = createDecipheriv(ALGORITHM, key, data.subarray(0, IV_BYTES));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new PayloadDecryptionError(
        keyId,
        'authentication failed (altered, or encrypted under another key with this id)',
      );
    }
    const decoded = temporal.api.common.v1.Payload.decode(plaintext);
    return { metadata: { ...decoded.metadata }, data: decoded.data };
  }
}
