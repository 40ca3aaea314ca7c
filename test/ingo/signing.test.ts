import { describe, expect, it } from 'vitest';
import {
  computeSignature,
  contentSha512,
  signRequest,
  signingString,
  verifyRequest,
  type VerifyRequestInput,
} from '../../src/ingo/signing';

// The vector in INGO-API.md section 1.
const VECTOR = {
  secret: 'test-secret',
  method: 'POST',
  path: '/gateway/verify--billpay',
  date: new Date('Fri, 17 Jan 2020 19:59:29 GMT'),
  body: Buffer.from('{"participant_id":12345,"account_type":"BP"}'),
  contentSha512:
    'P1ZLGo7/xr8Q55XDpCETJjXHPqrJiVvFAeGYbPtJ98SwyhuKNFIYc65Uq5YDup9GW49tZyZ+ajmGPDEKa/2CAA==',
  signature:
    'UfmqiqAXTbc5cHrWbm5fJrMUS7dl+anVtu+l+FHlF8hKPl38ecxZl4k5TMkX+6VBZTNg7l5AqNwwa6VP68FIww==',
};

function signedVector() {
  const headers = signRequest({
    method: VECTOR.method,
    path: VECTOR.path,
    body: VECTOR.body,
    username: 'program',
    secret: VECTOR.secret,
    date: VECTOR.date,
  });
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function verify(overrides: Partial<VerifyRequestInput> = {}, headerOverrides = {}) {
  return verifyRequest({
    method: VECTOR.method,
    path: VECTOR.path,
    body: VECTOR.body,
    headers: { ...signedVector(), ...headerOverrides },
    secretFor: (username) => (username === 'program' ? VECTOR.secret : undefined),
    now: VECTOR.date,
    ...overrides,
  });
}

describe('signing: the published test vector', () => {
  it('hashes the raw body bytes as base64 SHA-512', () => {
    expect(VECTOR.body.byteLength).toBe(44);
    expect(contentSha512(VECTOR.body)).toBe(VECTOR.contentSha512);
  });

  it('produces the documented signature and headers', () => {
    const headers = signedVector();
    expect(headers['x-date']).toBe('Fri, 17 Jan 2020 19:59:29 GMT');
    expect(headers['content-length']).toBe('44');
    expect(headers['content-sha512']).toBe(VECTOR.contentSha512);
    expect(headers.authorization).toBe(
      'hmac username="program", algorithm="hmac-sha512", ' +
        'headers="request-line x-date content-type content-sha512 content-length", ' +
        `signature="${VECTOR.signature}"`,
    );
  });

  it('builds the signing string one line per header, no trailing newline', () => {
    const values: Record<string, string> = { 'x-date': 'D', 'content-type': 'T' };
    expect(
      signingString(['request-line', 'x-date', 'content-type'], 'post', '/p?q=1', (n) => values[n]),
    ).toBe('POST /p?q=1 HTTP/1.1\nx-date: D\ncontent-type: T');
  });

  it('verifies what it signs', () => {
    expect(verify()).toEqual({ ok: true, username: 'program' });
  });
});

describe('signing: every tampered element fails verification', () => {
  it('another method', () => {
    expect(verify({ method: 'PUT' })).toEqual({ ok: false, reason: 'signature_mismatch' });
  });

  it('another path or query', () => {
    expect(verify({ path: '/gateway/verify--check' })).toMatchObject({
      reason: 'signature_mismatch',
    });
    expect(verify({ path: `${VECTOR.path}?x=1` })).toMatchObject({ reason: 'signature_mismatch' });
  });

  it('a changed date header', () => {
    expect(verify({}, { 'x-date': 'Fri, 17 Jan 2020 19:59:30 GMT' })).toMatchObject({
      reason: 'signature_mismatch',
    });
  });

  it('a date more than 300 s away, in either direction', () => {
    const at = (offsetSeconds: number) => new Date(VECTOR.date.getTime() + offsetSeconds * 1000);
    expect(verify({ now: at(300) }).ok).toBe(true);
    expect(verify({ now: at(-300) }).ok).toBe(true);
    expect(verify({ now: at(301) })).toMatchObject({ reason: 'date_skew' });
    expect(verify({ now: at(-301) })).toMatchObject({ reason: 'date_skew' });
    expect(verify({}, { 'x-date': 'not a date' })).toMatchObject({ reason: 'invalid_date' });
  });

  it('a body altered after signing', () => {
    const altered = Buffer.from('{"participant_id":12346,"account_type":"BP"}');
    expect(verify({ body: altered })).toMatchObject({ reason: 'content_sha512_mismatch' });
  });

  it('a Content-SHA512 recomputed for an altered body (signature no longer matches)', () => {
    const altered = Buffer.from('{"participant_id":12346,"account_type":"BP"}');
    expect(verify({ body: altered }, { 'content-sha512': contentSha512(altered) })).toMatchObject({
      reason: 'signature_mismatch',
    });
  });

  it('a wrong Content-Length', () => {
    expect(verify({}, { 'content-length': '45' })).toMatchObject({
      reason: 'content_length_mismatch',
    });
  });

  it('the signed headers listed in another order', () => {
    const reordered = signedVector().authorization!.replace(
      'content-sha512 content-length',
      'content-length content-sha512',
    );
    expect(verify({}, { authorization: reordered })).toMatchObject({
      reason: 'signature_mismatch',
    });
  });

  it('honours the order the signer declared (seed 003 lists content-length first)', () => {
    const names = ['request-line', 'x-date', 'content-type', 'content-length', 'content-sha512'];
    const headers = signedVector();
    const signature = computeSignature(
      VECTOR.secret,
      signingString(names, VECTOR.method, VECTOR.path, (name) => headers[name]),
    );
    const authorization = `hmac username="program", algorithm="hmac-sha512", headers="${names.join(' ')}", signature="${signature}"`;
    expect(verify({}, { authorization }).ok).toBe(true);
  });

  it('a signature that does not cover the body or the date', () => {
    const names = ['request-line', 'content-type'];
    const headers = signedVector();
    const signature = computeSignature(
      VECTOR.secret,
      signingString(names, VECTOR.method, VECTOR.path, (name) => headers[name]),
    );
    const authorization = `hmac username="program", algorithm="hmac-sha512", headers="${names.join(' ')}", signature="${signature}"`;
    expect(verify({}, { authorization })).toMatchObject({ reason: 'required_header_not_signed' });
  });

  it('another algorithm: MD5 and SHA-1 never, legacy SHA-256 only when enabled', () => {
    const withAlgorithm = (algorithm: string) =>
      signedVector().authorization!.replace('hmac-sha512', algorithm);
    for (const algorithm of ['hmac-md5', 'hmac-sha1']) {
      expect(verify({}, { authorization: withAlgorithm(algorithm) })).toMatchObject({
        reason: 'unsupported_algorithm',
      });
    }
    expect(verify({}, { authorization: withAlgorithm('hmac-sha256') })).toMatchObject({
      reason: 'unsupported_algorithm',
    });

    const headers = signedVector();
    const names = ['request-line', 'x-date', 'content-type', 'content-sha512', 'content-length'];
    const sha256 = computeSignature(
      VECTOR.secret,
      signingString(names, VECTOR.method, VECTOR.path, (name) => headers[name]),
      'hmac-sha256',
    );
    const legacy = `hmac username="program", algorithm="hmac-sha256", headers="${names.join(' ')}", signature="${sha256}"`;
    expect(verify({ allowHmacSha256: true }, { authorization: legacy }).ok).toBe(true);
    expect(verify({}, { authorization: legacy })).toMatchObject({
      reason: 'unsupported_algorithm',
    });
  });

  it('an unknown username, or a known one with another secret', () => {
    const other = signedVector().authorization!.replace(
      'username="program"',
      'username="intruder"',
    );
    expect(verify({}, { authorization: other })).toMatchObject({ reason: 'unknown_username' });
    expect(verify({ secretFor: () => 'another-secret' })).toMatchObject({
      reason: 'signature_mismatch',
    });
  });

  it('a missing or malformed Authorization header', () => {
    expect(verify({}, { authorization: undefined })).toMatchObject({
      reason: 'missing_authorization',
    });
    expect(verify({}, { authorization: 'Bearer abc' })).toMatchObject({
      reason: 'malformed_authorization',
    });
    expect(verify({}, { authorization: 'hmac username="program"' })).toMatchObject({
      reason: 'malformed_authorization',
    });
  });

  it('a signed header that is absent from the request', () => {
    expect(verify({}, { 'content-type': undefined })).toMatchObject({
      reason: 'missing_signed_header',
    });
  });

  it('a forged signature of the right length', () => {
    const forged = signedVector().authorization!.replace(VECTOR.signature, VECTOR.contentSha512);
    expect(verify({}, { authorization: forged })).toMatchObject({ reason: 'signature_mismatch' });
  });
});
