import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCodecServer, type RunningCodecServer } from '../../src/codec/codec-server';
import { createKeyring } from '../../src/codec/keyring';
import { captureLogs } from '../fixtures/captured-logs';

/** The codec server over real HTTP on a free port, as the Temporal UI and CLI call it. */

const TOKEN = 'codec-test-token-0123456789';
const UI_ORIGIN = 'http://localhost:8233';
const SSN = '123-45-6789';

interface JsonPayload {
  metadata: Record<string, string>;
  data: string;
}

interface ErrorReply {
  error: { code: string; message: string; fields?: { field: string; message: string }[] };
}

function jsonPayload(value: unknown): JsonPayload {
  const payload = defaultPayloadConverter.toPayload(value);
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([k, v]) => [
        k,
        Buffer.from(v).toString('base64'),
      ]),
    ),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
  };
}

function valueOf({ metadata, data }: JsonPayload): unknown {
  return defaultPayloadConverter.fromPayload({
    metadata: Object.fromEntries(
      Object.entries(metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
    ),
    data: Buffer.from(data, 'base64'),
  });
}

describe('codec server', () => {
  const { logger, text } = captureLogs();
  let server: RunningCodecServer;
  let codecUrl: string;

  beforeAll(async () => {
    server = await startCodecServer({
      keyring: createKeyring([{ id: 'k1', key: randomBytes(32) }]),
      token: TOKEN,
      corsOrigins: [UI_ORIGIN],
      host: '127.0.0.1',
      port: 0,
      logger,
      rejectedRequestsPerMinute: 1000,
    });
    codecUrl = `${server.url}/codec`;
  });

  afterAll(async () => {
    await server.close();
  });

  it('answers a health check without the token, saying nothing else', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  async function post<T>(
    url: string,
    body: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; headers: Headers; body: T }> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body,
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as T,
    };
  }

  const bearer = { Authorization: `Bearer ${TOKEN}` };
  const payloadsOf = (...values: unknown[]) =>
    JSON.stringify({ payloads: values.map(jsonPayload) });

  it('refuses a request without the token, with a wrong one, or a wrong one in the path', async () => {
    const body = payloadsOf({ ssn: SSN });
    const refused = [
      await post<ErrorReply>(`${codecUrl}/decode`, body),
      await post<ErrorReply>(`${codecUrl}/decode`, body, { Authorization: 'Bearer not-the-token' }),
      await post<ErrorReply>(`${codecUrl}/encode`, body, { Authorization: TOKEN }),
      await post<ErrorReply>(`${codecUrl}/not-the-token-at-all/decode`, body),
      // A wrong path token is not rescued by a right header: the path decides.
      await post<ErrorReply>(`${codecUrl}/not-the-token-at-all/encode`, body, bearer),
    ];
    for (const reply of refused) {
      expect(reply.status).toBe(401);
      expect(reply.body.error.code).toBe('unauthorized');
      expect(reply.headers.get('www-authenticate')).toBe('Bearer');
    }
  });

  it('encodes and decodes with the token in the Authorization header', async () => {
    const encoded = await post<{ payloads: JsonPayload[] }>(
      `${codecUrl}/encode`,
      payloadsOf({ ssn: SSN }, 'second'),
      { ...bearer, 'X-Namespace': 'default' },
    );
    expect(encoded.status).toBe(200);
    expect(encoded.body.payloads).toHaveLength(2);
    const [first] = encoded.body.payloads;
    expect(Buffer.from(first!.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(first!.data, 'base64').indexOf(SSN)).toBe(-1);

    const decoded = await post<{ payloads: JsonPayload[] }>(
      `${codecUrl}/decode`,
      JSON.stringify(encoded.body),
      bearer,
    );
    expect(decoded.status).toBe(200);
    expect(decoded.body.payloads.map(valueOf)).toEqual([{ ssn: SSN }, 'second']);
  });

  it('encodes and decodes with the token as a path segment, as the dev server UI calls it', async () => {
    const capability = `${codecUrl}/${TOKEN}`;
    const encoded = await post<{ payloads: JsonPayload[] }>(
      `${capability}/encode`,
      payloadsOf({ ssn: SSN }),
    );
    expect(encoded.status).toBe(200);
    const decoded = await post<{ payloads: JsonPayload[] }>(
      `${capability}/decode`,
      JSON.stringify(encoded.body),
    );
    expect(decoded.status).toBe(200);
    expect(decoded.body.payloads.map(valueOf)).toEqual([{ ssn: SSN }]);
  });

  it('passes payloads that were never encrypted through decode unchanged', async () => {
    const plain = JSON.parse(payloadsOf({ ssn: SSN })) as { payloads: JsonPayload[] };
    const decoded = await post<{ payloads: JsonPayload[] }>(
      `${codecUrl}/decode`,
      JSON.stringify(plain),
      bearer,
    );
    expect(decoded.body).toEqual(plain);
  });

  it('answers a payload it cannot decrypt with 400 naming the key id', async () => {
    const foreign = {
      payloads: [
        {
          metadata: {
            encoding: Buffer.from('binary/encrypted').toString('base64'),
            'encryption-key-id': Buffer.from('retired-key').toString('base64'),
          },
          data: randomBytes(48).toString('base64'),
        },
      ],
    };
    const reply = await post<ErrorReply>(`${codecUrl}/decode`, JSON.stringify(foreign), bearer);
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('decode_failed');
    expect(reply.body.error.message).toContain('retired-key');
  });

  it('answers a CORS preflight from the UI without a token, and ignores other origins', async () => {
    const preflight = (origin: string) =>
      fetch(`${codecUrl}/decode`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type,authorization,x-namespace',
        },
      });
    const allowed = await preflight(UI_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(allowed.headers.get('access-control-allow-headers')).toBe(
      'Content-Type,Authorization,X-Namespace',
    );

    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();

    const actual = await post(`${codecUrl}/decode`, payloadsOf('x'), {
      ...bearer,
      Origin: UI_ORIGIN,
    });
    expect(actual.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
  });

  it('takes `{}` as no payloads, as protobuf JSON writes an empty list (the Temporal CLI does)', async () => {
    for (const action of ['encode', 'decode']) {
      const reply = await post<{ payloads: unknown[] }>(`${codecUrl}/${action}`, '{}', bearer);
      expect(reply).toMatchObject({ status: 200, body: { payloads: [] } });
    }
  });

  it('refuses a malformed body naming the field', async () => {
    const replies = [
      await post<ErrorReply>(`${codecUrl}/decode`, JSON.stringify({ payload: [] }), bearer),
      await post<ErrorReply>(
        `${codecUrl}/decode`,
        JSON.stringify({ payloads: [{ metadata: {}, data: 'not base64!' }] }),
        bearer,
      ),
      await post<ErrorReply>(
        `${codecUrl}/encode`,
        JSON.stringify({ payloads: [{ metadata: { encoding: 42 } }] }),
        bearer,
      ),
    ];
    expect(replies.map((reply) => reply.status)).toEqual([400, 400, 400]);
    expect(replies.map((reply) => reply.body.error.code)).toEqual([
      'validation_failed',
      'validation_failed',
      'validation_failed',
    ]);
    expect(replies.map((reply) => reply.body.error.fields?.map((issue) => issue.field))).toEqual([
      ['payload'],
      ['payloads.0.data'],
      ['payloads.0.metadata.encoding'],
    ]);
  });

  it('refuses a body that is not JSON', async () => {
    const broken = await post<ErrorReply>(`${codecUrl}/decode`, '{"payloads": [', bearer);
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('invalid_json');

    const text = await post<ErrorReply>(`${codecUrl}/decode`, 'payloads', {
      ...bearer,
      'Content-Type': 'text/plain',
    });
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('unsupported_media_type');
  });

  it('refuses a body over 4 MiB with 413', async () => {
    const big = JSON.stringify({ payloads: [{ metadata: {}, data: 'A'.repeat(4 * 1024 * 1024) }] });
    const reply = await post<ErrorReply>(`${codecUrl}/decode`, big, bearer);
    expect(reply.status).toBe(413);
    expect(reply.body.error.code).toBe('body_too_large');
  });

  it('answers unknown paths with the JSON 404', async () => {
    const reply = await post<ErrorReply>(`${codecUrl}/${TOKEN}/other`, payloadsOf('x'), bearer);
    expect(reply.status).toBe(404);
    expect(reply.body.error.code).toBe('not_found');
  });

  it('never logs the token or a payload', () => {
    const log = text();
    expect(log).toContain('/codec/[redacted]/decode');
    expect(log).toContain('/codec/[redacted]/other');
    expect(log).not.toContain(TOKEN);
    expect(log).not.toContain(SSN);
    expect(log).not.toContain(Buffer.from(JSON.stringify({ ssn: SSN })).toString('base64'));
  });
});

describe('codec server throttling', () => {
  it('throttles an address that keeps presenting a wrong token', async () => {
    const server = await startCodecServer({
      keyring: createKeyring([{ id: 'k1', key: randomBytes(32) }]),
      token: TOKEN,
      corsOrigins: [UI_ORIGIN],
      host: '127.0.0.1',
      port: 0,
      logger: pino({ level: 'silent' }),
      rejectedRequestsPerMinute: 2,
    });
    try {
      const attempt = () =>
        fetch(`${server.url}/codec/decode`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: 'Bearer wrong-token' },
          body: '{"payloads":[]}',
        });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await attempt()).status);
      expect(statuses).toEqual([401, 401, 429]);
      // The right token is refused too: were it let through, a guess answered 200 would win.
      const right = await fetch(`${server.url}/codec/decode`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
        body: '{"payloads":[]}',
      });
      expect(right.status).toBe(429);
    } finally {
      await server.close();
    }
  });
});
