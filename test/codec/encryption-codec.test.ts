import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import {
  ENCRYPTED_ENCODING,
  EncryptionCodec,
  KEY_ID_METADATA_KEY,
  PayloadDecryptionError,
} from '../../src/codec/encryption-codec';
import { createKeyring } from '../../src/codec/keyring';

const SSN = '123-45-6789';
const applicant = { name: 'Ada Lovelace', ssn: SSN, dateOfBirth: '1985-06-15' };

const keyA = { id: 'key-a', key: randomBytes(32) };
const keyB = { id: 'key-b', key: randomBytes(32) };

function payloadOf(value: unknown): Payload {
  return defaultPayloadConverter.toPayload(value);
}

function text(bytes: Uint8Array | null | undefined): string {
  return Buffer.from(bytes ?? new Uint8Array()).toString('utf8');
}

/** Every byte of a payload, metadata keys and values included, as one buffer to search. */
function allBytes(payload: Payload): Buffer {
  const metadata = Object.entries(payload.metadata ?? {}).flatMap(([key, value]) => [
    Buffer.from(key),
    Buffer.from(value),
  ]);
  return Buffer.concat([...metadata, Buffer.from(payload.data ?? new Uint8Array())]);
}

describe('EncryptionCodec', () => {
  const codec = new EncryptionCodec(createKeyring([keyA]));

  it('round-trips payloads, metadata included', async () => {
    const original = [
      payloadOf(applicant),
      payloadOf(undefined),
      payloadOf(new Uint8Array([1, 2])),
    ];
    const decoded = await codec.decode(await codec.encode(original));
    expect(decoded.map((payload) => defaultPayloadConverter.fromPayload(payload))).toEqual([
      applicant,
      undefined,
      new Uint8Array([1, 2]),
    ]);
    expect(text(decoded[0]?.metadata?.[METADATA_ENCODING_KEY])).toBe('json/plain');
  });

  it('marks the envelope with its encoding and key id, and nothing of the plaintext', async () => {
    const [encoded] = await codec.encode([payloadOf(applicant)]);
    expect(Object.keys(encoded?.metadata ?? {}).sort()).toEqual(
      [METADATA_ENCODING_KEY, KEY_ID_METADATA_KEY].sort(),
    );
    expect(text(encoded?.metadata?.[METADATA_ENCODING_KEY])).toBe(ENCRYPTED_ENCODING);
    expect(text(encoded?.metadata?.[KEY_ID_METADATA_KEY])).toBe('key-a');
    const bytes = allBytes(encoded!);
    for (const clear of [SSN, '1985-06-15', 'Ada', 'json/plain']) {
      expect(bytes.indexOf(clear)).toBe(-1);
    }
  });

  it('uses a fresh IV each time: the same plaintext twice gives different ciphertexts', async () => {
    const [first, second] = await codec.encode([payloadOf(applicant), payloadOf(applicant)]);
    expect(Buffer.from(first!.data!).equals(Buffer.from(second!.data!))).toBe(false);
    expect(Buffer.from(first!.data!).subarray(0, 12)).not.toEqual(
      Buffer.from(second!.data!).subarray(0, 12),
    );
  });

  it('refuses a payload whose ciphertext was altered', async () => {
    const [encoded] = await codec.encode([payloadOf(applicant)]);
    const data = Buffer.from(encoded!.data!);
    data[20] = data[20]! ^ 0x01;
    const tampered = { ...encoded!, data };
    await expect(codec.decode([tampered])).rejects.toThrow(PayloadDecryptionError);
    await expect(codec.decode([tampered])).rejects.toThrow(/key-a.*authentication failed/);
  });

  it('refuses a payload under a key it does not have, naming the key id and no key material', async () => {
    const [encoded] = await new EncryptionCodec(createKeyring([keyB])).encode([
      payloadOf(applicant),
    ]);
    const error = await codec.decode([encoded!]).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(PayloadDecryptionError);
    expect((error as PayloadDecryptionError).keyId).toBe('key-b');
    const message = (error as Error).message;
    expect(message).toMatch(/key-b.*not in the keyring/);
    for (const secret of [keyA.key, keyB.key]) {
      expect(message).not.toContain(secret.toString('base64'));
      expect(message).not.toContain(secret.toString('hex'));
    }
  });

  it('refuses an encrypted payload that names no key id', async () => {
    const [encoded] = await codec.encode([payloadOf(applicant)]);
    const { [KEY_ID_METADATA_KEY]: _dropped, ...metadata } = encoded!.metadata!;
    await expect(codec.decode([{ ...encoded!, metadata }])).rejects.toThrow(/no encryption-key-id/);
  });

  it('passes payloads written before encryption through unchanged on decode', async () => {
    const plain = [payloadOf(applicant), payloadOf(null), { metadata: {}, data: new Uint8Array() }];
    const decoded = await codec.decode(plain);
    expect(decoded).toEqual(plain);
  });

  it('still decodes old payloads after a rotation, and encodes new ones under the new key', async () => {
    const beforeRotation = new EncryptionCodec(createKeyring([keyA]));
    const [old] = await beforeRotation.encode([payloadOf(applicant)]);

    const afterRotation = new EncryptionCodec(createKeyring([keyA, keyB], 'key-b'));
    const [decodedOld] = await afterRotation.decode([old!]);
    expect(defaultPayloadConverter.fromPayload(decodedOld!)).toEqual(applicant);

    const [fresh] = await afterRotation.encode([payloadOf(applicant)]);
    expect(text(fresh?.metadata?.[KEY_ID_METADATA_KEY])).toBe('key-b');
    // Only key B opens it: a codec that has dropped B cannot, one that has only B can.
    await expect(beforeRotation.decode([fresh!])).rejects.toThrow(/key-b/);
    const [decodedFresh] = await new EncryptionCodec(createKeyring([keyB])).decode([fresh!]);
    expect(defaultPayloadConverter.fromPayload(decodedFresh!)).toEqual(applicant);
  });
});
