// Hostile input to the public webhook endpoint, POST /webhooks/ingo, served as production serves
// it (createApp + serve) in front of a real Temporal dev server. Random and targeted requests: each
// must get its 4xx and machine-readable code, must reach no workflow (the app's Temporal client
// records every call it makes through the SDK's interceptors), and must leave the process serving:
// a valid signed delivery right after is acknowledged and lands as exactly one signal.

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kycWorkflowId } from '../../src/contract/ids';
import { captureLogs, type CapturedLogs } from '../fixtures/captured-logs';
import {
  delivery,
  exchange,
  fcSeed,
  json,
  kycDelivery,
  requestBytes,
  signedDelivery,
  signedHeaders,
  startHostileApp,
  startHostileTemporal,
  WEBHOOK_PATH,
  WEBHOOK_SECRET,
  type DeliveryObject,
  type HeaderList,
  type HostileApp,
  type HostileTemporal,
  type RawAnswer,
  type RawRequest,
} from '../helpers/hostile';
import { VERIFICATION_REVIEW_WORKFLOW } from '../../src/contract/workflow-types';
import { verificationResultSignal } from '../../src/contract/messages';

const SEED = fcSeed(0x1ec0de);
const RUNS = 300;
const LIMIT_BYTES = 256 * 1024;
/** A review workflow that is running (no worker needed to take signals): the valid deliveries' target. */
const TARGET_USER = `user-hostile-${randomUUID()}`;
const TARGET = kycWorkflowId(TARGET_USER);
/** An event type no one acts on: authentic deliveries of it are acknowledged `ignored`. */
const IGNORED_EVENT = 'something.ingo.adds.later';
const TIMEOUTS = {
  requestTimeoutMs: 5_000,
  headersTimeoutMs: 3_000,
  keepAliveTimeoutMs: 1_000,
  checkIntervalMs: 250,
};

describe('hostile input to POST /webhooks/ingo', () => {
  let temporal: HostileTemporal;
  let app: HostileApp;
  let logs: CapturedLogs;
  /** Control deliveries acknowledged as signalled to TARGET: its history must hold exactly these. */
  let signalled = 0;

  beforeAll(async () => {
    console.info(`fast-check seed ${SEED} (replay with FC_SEED=${SEED})`);
    temporal = await startHostileTemporal();
    logs = captureLogs('warn');
    // High: the properties make hundreds of refused requests; the limit has its own test below.
    app = await startHostileApp({
      client: temporal.client,
      logger: logs.logger,
      rejectedRequestsPerMinute: 1_000_000,
      // Shorter than production's, so a request that leaves the server waiting costs little.
      timeouts: TIMEOUTS,
    });
    // Through the unrecorded client, on a task queue no worker polls: it only has to run.
    await temporal.env.client.workflow.start(VERIFICATION_REVIEW_WORKFLOW, {
      taskQueue: `no-worker-${randomUUID()}`,
      workflowId: TARGET,
      args: [],
    });
  });

  afterAll(async () => {
    await app?.close();
    await temporal?.stop();
  });

  const send = (request: RawRequest | Buffer) => exchange(app.port, request);

  /** Sends, expects the refusal, and that nothing at all went to Temporal. */
  async function refused(
    request: RawRequest | Buffer,
    status: number,
    code: string,
  ): Promise<RawAnswer> {
    temporal.recorder.reset();
    const answer = await send(request);
    expect(answer.error, 'connection error').toBeUndefined();
    expect({ status: answer.status, code: answer.json?.error?.code }).toEqual({ status, code });
    expect(temporal.recorder.calls).toEqual([]);
    expect(temporal.recorder.rpcs).toEqual([]);
    return answer;
  }

  /** A valid signed KYC delivery for TARGET: acknowledged, one signal, nothing else. */
  async function stillServes(): Promise<void> {
    temporal.recorder.reset();
    const body = json(kycDelivery(TARGET_USER));
    const answer = await send(signedDelivery(body));
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toMatchObject({ received: true, outcome: 'signalled' });
    expect(temporal.recorder.summary()).toEqual([
      { kind: 'signal', workflowId: TARGET, name: verificationResultSignal.name },
    ]);
    signalled += 1;
  }

  function expectSignatureRefusal(answer: RawAnswer, reason: string) {
    expect(answer.json?.error?.message).toBe(`webhook signature not accepted: ${reason}`);
    expect(answer.headers['www-authenticate']).toMatch(/^hmac algorithm="hmac-sha512"/);
  }

  it('acknowledges the control delivery, recording exactly one signal', async () => {
    await stillServes();
  });

  describe('random requests (fast-check)', () => {
    const headerName = fc.oneof(
      fc.constantFrom(
        'Authorization',
        'X-Date',
        'Date',
        'Content-Type',
        'Content-SHA512',
        'Content-Encoding',
        'X-Forwarded-For',
        'User-Agent',
      ),
      fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,24}$/).filter(
        (name) =>
          !['content-length', 'transfer-encoding', 'connection', 'expect', 'upgrade', 'host'] //
            .includes(name.toLowerCase()),
      ),
    );
    const printable = fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      maxLength: 300,
    });
    const headerValue = fc.oneof(
      printable,
      fc.constantFrom(
        'application/json',
        'text/plain',
        'gzip',
        'identity',
        new Date().toUTCString(),
        'hmac username="ingo", algorithm="hmac-sha512", headers="request-line x-date ' +
          'content-type content-sha512 content-length", signature="AAAA"',
        'Bearer hostile',
      ),
    );
    const body = fc.oneof(
      fc.constant(undefined),
      fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
      fc.json().map((text) => Buffer.from(text)),
      fc
        .tuple(
          fc.string({ unit: 'grapheme', maxLength: 200 }),
          fc.constantFrom('utf8', 'latin1', 'utf16le'),
        )
        .map(([text, encoding]) => Buffer.from(text, encoding as BufferEncoding)),
      // Sizes around the limit, and well over it.
      fc
        .integer({ min: LIMIT_BYTES - 8, max: LIMIT_BYTES + 8 })
        .map((size) => Buffer.alloc(size, '{')),
      fc.integer({ min: 300_000, max: 1_500_000 }).map((size) => Buffer.alloc(size, 'x')),
    );

    it('refuses unsigned requests of any headers, body and size: 401, 413 or 415, never a workflow', async () => {
      const requests = fc.record({
        method: fc.constantFrom('POST', 'POST', 'POST', 'POST', 'PUT', 'GET', 'DELETE', 'PATCH'),
        headers: fc.uniqueArray(fc.tuple(headerName, headerValue), {
          selector: ([name]) => name.toLowerCase(),
          maxLength: 8,
        }),
        body,
      });
      await fc.assert(
        fc.asyncProperty(requests, async ({ method, headers, body }) => {
          const value = (name: string) =>
            headers
              .find(([n]) => n.toLowerCase() === name)?.[1]
              .trim()
              .toLowerCase();
          const encoding = value('content-encoding') || 'identity';
          // What the receiver documents, in its order (docs/WEBHOOKS.md).
          const [status, code] =
            method !== 'POST'
              ? [405, 'method_not_allowed']
              : body !== undefined && encoding !== 'identity'
                ? [415, 'unsupported_content_encoding']
                : body !== undefined && body.length > LIMIT_BYTES
                  ? [413, 'body_too_large']
                  : [401, 'invalid_signature'];
          await refused({ method, path: WEBHOOK_PATH, headers, body }, status, code);
        }),
        { seed: SEED, numRuns: RUNS },
      );
      await stillServes();
    });

    it('refuses arbitrary bytes as a request head: a 4xx with a code, the process keeps serving', async () => {
      const seen = new Set<number>();
      const anyBytes = fc.string({
        unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)),
        maxLength: 80,
      });
      const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/);
      const line = fc.oneof(
        anyBytes,
        fc.tuple(token, anyBytes).map(([name, value]) => `${name}: ${value}`),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(line, { maxLength: 6 }), async (lines) => {
          const head = Buffer.from(
            `POST ${WEBHOOK_PATH} HTTP/1.1\r\nHost: x\r\n${lines.join('\r\n')}\r\n` +
              'Connection: close\r\n\r\n',
            'latin1',
          );
          temporal.recorder.reset();
          const answer = await send(head);
          seen.add(answer.status);
          expect(answer.error).toBeUndefined();
          // Node's parser refuses what is not HTTP (400 malformed_request, 431 over 16 KiB);
          // what parses is an unsigned delivery (401), a body announced but not sent times out
          // (408), or a declared encoding or length is refused (415, 413).
          const expected: Record<number, string[]> = {
            400: ['malformed_request'],
            401: ['invalid_signature'],
            408: ['request_timeout'],
            413: ['body_too_large'],
            415: ['unsupported_content_encoding'],
            431: ['headers_too_large'],
          };
          expect(expected[answer.status], `status ${answer.status}`).toContain(
            answer.json?.error?.code,
          );
          expect(temporal.recorder.calls).toEqual([]);
        }),
        // Lines that declare a body (Content-Length: 9) leave the server waiting; few are drawn.
        { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: 20_000 },
      );
      // Both what the parser refuses and what it lets through to the receiver were exercised.
      expect([...seen]).toEqual(expect.arrayContaining([400, 401]));
      await stillServes();
    });

    it('refuses authentic deliveries that are not UTF-8 (latin1, invalid bytes, UTF-16): 400 invalid_json', async () => {
      // Every one of these bytes breaks UTF-8 wherever it is inserted: a stray continuation byte,
      // or a byte that never occurs in UTF-8.
      const breaksUtf8 = fc.oneof(
        fc.integer({ min: 0x80, max: 0xbf }),
        fc.constantFrom(0xc0, 0xc1, 0xf5, 0xf8, 0xfe, 0xff),
      );
      /** Characters whose latin1 bytes (0x80-0xBF) are never valid UTF-8 without a lead byte. */
      const latin1Only = fc.integer({ min: 0x80, max: 0xbf }).map((c) => String.fromCharCode(c));
      const encoded = fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 40 }).map((text) => ({
          encoding: 'utf-8',
          bytes: json(delivery(IGNORED_EVENT, { event_description: text })),
          valid: true,
        })),
        fc.tuple(printableAscii(), latin1Only, printableAscii()).map(([before, char, after]) => ({
          encoding: 'latin1',
          bytes: Buffer.from(
            JSON.stringify(delivery(IGNORED_EVENT, { event_description: before + char + after })),
            'latin1',
          ),
          valid: false,
        })),
        fc
          .tuple(fc.string({ unit: 'grapheme', maxLength: 40 }), breaksUtf8, fc.nat())
          .map(([text, byte, at]) => {
            const bytes = json(delivery(IGNORED_EVENT, { event_description: text }));
            const i = at % (bytes.length + 1);
            return {
              encoding: 'utf-8',
              bytes: Buffer.concat([bytes.subarray(0, i), Buffer.from([byte]), bytes.subarray(i)]),
              valid: false,
            };
          }),
        fc
          .tuple(
            fc.string({ unit: 'grapheme', maxLength: 40 }),
            fc.constantFrom('le', 'le-bom', 'be'),
          )
          .map(([text, variant]) => {
            const le = Buffer.from(
              JSON.stringify(delivery(IGNORED_EVENT, { event_description: text })),
              'utf16le',
            );
            const bytes =
              variant === 'le'
                ? le
                : variant === 'le-bom'
                  ? Buffer.concat([Buffer.from([0xff, 0xfe]), le])
                  : Buffer.from(le).swap16();
            return { encoding: 'utf-16', bytes, valid: false };
          }),
      );
      await fc.assert(
        fc.asyncProperty(encoded, async ({ encoding, bytes, valid }) => {
          const contentType = `application/json; charset=${encoding}`;
          const request = signedDelivery(bytes, { contentType });
          if (valid) {
            temporal.recorder.reset();
            const answer = await send(request);
            expect(answer.status, answer.text).toBe(200);
            expect(answer.json?.outcome).toBe('ignored');
            expect(temporal.recorder.calls).toEqual([]);
          } else {
            await refused(request, 400, 'invalid_json');
          }
        }),
        { seed: SEED, numRuns: RUNS },
      );
      await stillServes();
    });

    it('refuses an authentic KYC delivery with one field made invalid: 400 naming that field, no signal', async () => {
      const MARKER = 'HOSTILE-VALUE-MARKER';
      const notString = fc.oneof(
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(fc.integer(), { maxLength: 3 }),
        fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
      );
      const markerString = fc.string({ maxLength: 20 }).map((s) => `${MARKER}${s}`);
      // Per field, values it must never take; `undefined` removes a required field.
      const mutations: Record<string, fc.Arbitrary<unknown>> = {
        event: fc.oneof(fc.constant(''), fc.constant(undefined), fc.integer(), fc.boolean()),
        data: fc.oneof(fc.constant(undefined), fc.constant(null), markerString, fc.integer()),
        'data.event_id': fc.oneof(
          fc.constant(''),
          fc.constant(undefined),
          fc.integer({ min: 256, max: 2_000 }).map((n) => MARKER.padEnd(n, 'x')),
          notString.filter((v) => v !== null),
          fc.constant(null),
        ),
        'data.user_id': fc.oneof(
          fc.constant(''),
          fc.constant(undefined),
          fc.constant(null),
          fc.boolean(),
          fc.double({ noInteger: true, noDefaultInfinity: true, noNaN: true }),
          fc.array(fc.string(), { maxLength: 2 }),
        ),
        'data.status': fc.oneof(
          markerString,
          fc.constantFrom('approved', 'VERIFIED', 'pending', ''),
          fc.integer(),
          fc.boolean(),
        ),
        'data.reasons': fc.oneof(
          markerString,
          fc.integer(),
          fc.array(fc.oneof(fc.integer(), fc.constant(null)), { minLength: 1, maxLength: 3 }),
        ),
        'data.reasons_code': fc.oneof(
          markerString,
          fc.boolean(),
          fc.array(fc.integer(), { minLength: 1, maxLength: 3 }),
        ),
        'data.event_type': fc.oneof(fc.constant(''), fc.integer(), fc.boolean()),
        'data.event_description': fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.string())),
        created_at: fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.integer())),
        updated_at: fc.oneof(fc.integer(), fc.boolean(), fc.dictionary(fc.string(), fc.string())),
      };
      const mutated = fc
        .constantFrom(...Object.keys(mutations))
        .chain((path) => mutations[path]!.map((value) => ({ path, value })));
      await fc.assert(
        fc.asyncProperty(mutated, async ({ path, value }) => {
          const body = kycDelivery(TARGET_USER);
          setPath(body, path, value);
          const answer = await refused(signedDelivery(json(body)), 400, 'validation_failed');
          const fields = answer.json?.error?.fields?.map((f) => f.field) ?? [];
          expect(
            fields.some((f) => f === path || f.startsWith(`${path}.`)),
            fields.join(),
          ).toBe(true);
          expect(answer.text).not.toContain(MARKER);
        }),
        { seed: SEED, numRuns: RUNS },
      );
      expect(logs.text()).not.toContain(MARKER);
      await stillServes();
    });
  });

  describe('targeted attacks', () => {
    const kycBody = () => json(kycDelivery(TARGET_USER));

    it('a forged signature and a signature made with another secret: 401 signature_mismatch', async () => {
      const body = kycBody();
      const forged = signedHeaders(body).map(([name, value]): [string, string] =>
        name === 'Authorization'
          ? [
              name,
              value.replace(
                /signature="[^"]*"/,
                `signature="${randomBytes(64).toString('base64')}"`,
              ),
            ]
          : [name, value],
      );
      expectSignatureRefusal(
        await refused({ path: WEBHOOK_PATH, headers: forged, body }, 401, 'invalid_signature'),
        'signature_mismatch',
      );
      const otherSecret = signedDelivery(body, { secret: `${WEBHOOK_SECRET}-not` });
      expectSignatureRefusal(
        await refused(otherSecret, 401, 'invalid_signature'),
        'signature_mismatch',
      );
      await stillServes();
    });

    it('a date 301 s in the past or in the future: 401 date_skew', async () => {
      for (const seconds of [-301, 301]) {
        const date = new Date(
          (Math.floor(Date.now() / 1000) + seconds + (seconds > 0 ? 1 : 0)) * 1000,
        );
        const answer = await refused(signedDelivery(kycBody(), { date }), 401, 'invalid_signature');
        expectSignatureRefusal(answer, 'date_skew');
      }
      await stillServes();
    });

    it('a valid delivery replayed days later: 401 date_skew, though the same bytes were once accepted', async () => {
      // Captured when it was sent three days ago: these exact bytes and headers were authentic then.
      const threeDaysAgo = new Date(Date.now() - 3 * 24 * 3600 * 1000);
      const captured = signedDelivery(kycBody(), { date: threeDaysAgo });
      const answer = await refused(captured, 401, 'invalid_signature');
      expectSignatureRefusal(answer, 'date_skew');
      // And replaying a delivery from a moment ago is acknowledged (the review dedupes by event id).
      const fresh = signedDelivery(kycBody());
      for (let i = 0; i < 2; i += 1) {
        temporal.recorder.reset();
        expect((await send(fresh)).status).toBe(200);
        expect(temporal.recorder.calls).toHaveLength(1);
        signalled += 1;
      }
      await stillServes();
    });

    it('a body altered after signing: 401 content_sha512_mismatch, or signature_mismatch if re-digested', async () => {
      const body = kycBody();
      const headers = signedHeaders(body);
      const altered = Buffer.from(body.toString().replace('"verified"', '"rejected"'));
      expect(altered.length).toBe(body.length);
      expectSignatureRefusal(
        await refused({ path: WEBHOOK_PATH, headers, body: altered }, 401, 'invalid_signature'),
        'content_sha512_mismatch',
      );
      const truncated = body.subarray(0, body.length - 10);
      expectSignatureRefusal(
        await refused(
          { path: WEBHOOK_PATH, headers: without(headers, 'Content-Length'), body: truncated },
          401,
          'invalid_signature',
        ),
        'content_sha512_mismatch',
      );
      const redigested = replace(headers, 'Content-SHA512', sha512(altered));
      expectSignatureRefusal(
        await refused(
          { path: WEBHOOK_PATH, headers: redigested, body: altered },
          401,
          'invalid_signature',
        ),
        'signature_mismatch',
      );
      await stillServes();
    });

    describe('duplicate headers', () => {
      const body = kycBody();
      const headers = signedHeaders(body);
      const forgedAuthorization = signedHeaders(body, { secret: 'guess' }).find(
        ([name]) => name === 'Authorization',
      )!;
      const cases: { name: string; headers: HeaderList; duplicated: string }[] = [
        {
          name: 'two Authorization headers, the valid one first',
          headers: [...headers, forgedAuthorization],
          duplicated: 'authorization',
        },
        {
          name: 'two Authorization headers, the valid one last',
          headers: [forgedAuthorization, ...headers],
          duplicated: 'authorization',
        },
        {
          name: 'two X-Date headers',
          headers: [...headers, ['X-Date', new Date(Date.now() - 1000).toUTCString()]],
          duplicated: 'x-date',
        },
        {
          name: 'two Content-Type headers',
          headers: [...headers, ['Content-Type', 'text/plain']],
          duplicated: 'content-type',
        },
        {
          name: 'two Content-SHA512 headers',
          headers: [...headers, ['Content-SHA512', sha512(Buffer.from('other'))]],
          duplicated: 'content-sha512',
        },
      ];
      for (const { name, headers: sent, duplicated } of cases) {
        it(`${name}: 401 duplicate_signed_header naming it`, async () => {
          // The same delivery without the duplicate is authentic: the duplicate alone is refused.
          const answer = await refused(
            { path: WEBHOOK_PATH, headers: sent, body },
            401,
            'invalid_signature',
          );
          expectSignatureRefusal(answer, 'duplicate_signed_header');
          expect(answer.json?.error?.fields).toEqual([
            { field: duplicated, message: 'must be sent once' },
          ]);
          await stillServes();
        });
      }

      it('two Content-Length headers, or Content-Length with chunked: 400 malformed_request', async () => {
        await refused(
          {
            path: WEBHOOK_PATH,
            headers: [...headers, ['Content-Length', String(body.length)]],
            body,
          },
          400,
          'malformed_request',
        );
        const chunked = Buffer.concat([
          Buffer.from(`${body.length.toString(16)}\r\n`),
          body,
          Buffer.from('\r\n0\r\n\r\n'),
        ]);
        await refused(
          {
            path: WEBHOOK_PATH,
            headers: [...headers, ['Transfer-Encoding', 'chunked']],
            body: chunked,
          },
          400,
          'malformed_request',
        );
        await stillServes();
      });

      it('two HTTP Date headers (neither signed nor read) do not confuse the signed X-Date', async () => {
        const fresh = kycBody();
        const sent: HeaderList = [
          ...signedHeaders(fresh),
          ['Date', new Date().toUTCString()],
          ['Date', 'Thu, 01 Jan 1970 00:00:00 GMT'],
        ];
        temporal.recorder.reset();
        const answer = await send({ path: WEBHOOK_PATH, headers: sent, body: fresh });
        expect(answer.status).toBe(200);
        expect(temporal.recorder.calls).toHaveLength(1);
        signalled += 1;
      });
    });

    it('a wrong content type, authentic: 415 unsupported_media_type; unsigned: 401 first', async () => {
      for (const contentType of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
      ]) {
        await refused(signedDelivery(kycBody(), { contentType }), 415, 'unsupported_media_type');
        await refused(
          { path: WEBHOOK_PATH, headers: [['Content-Type', contentType]], body: kycBody() },
          401,
          'invalid_signature',
        );
      }
      await stillServes();
    });

    it('truncated JSON, authentic: 400 invalid_json', async () => {
      const whole = kycBody();
      for (const length of [1, 10, Math.floor(whole.length / 2), whole.length - 1]) {
        await refused(signedDelivery(whole.subarray(0, length)), 400, 'invalid_json');
      }
      await stillServes();
    });

    it('100,000 levels of nesting: refused or ignored, the process neither crashes nor overflows', async () => {
      const DEPTH = 100_000;
      const arrays = Buffer.from('['.repeat(DEPTH) + ']'.repeat(DEPTH));
      await refused(
        { path: WEBHOOK_PATH, headers: [['Content-Type', 'application/json']], body: arrays },
        401,
        'invalid_signature',
      );
      const asBody = await refused(signedDelivery(arrays), 400, 'validation_failed');
      expect(asBody.json?.error?.fields?.map((f) => f.field)).toEqual(['(body)']);

      // As a field the schema reads.
      const reasons = Buffer.from(
        JSON.stringify(kycDelivery(TARGET_USER)).replace(
          '"status":"verified"',
          `"status":"verified","reasons":${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`,
        ),
      );
      const inReasons = await refused(signedDelivery(reasons), 400, 'validation_failed');
      expect(inReasons.json?.error?.fields?.map((f) => f.field)).toEqual(['data.reasons.0']);

      // As a field no one reads, in an authentic KYC delivery: acknowledged, and the signal
      // carries only what the review uses.
      const OBJECT_DEPTH = 40_000;
      const extra = Buffer.from(
        JSON.stringify(kycDelivery(TARGET_USER)).replace(
          '"status":"verified"',
          `"status":"verified","extra":${'{"a":'.repeat(OBJECT_DEPTH)}1${'}'.repeat(OBJECT_DEPTH)}`,
        ),
      );
      expect(extra.length).toBeLessThanOrEqual(LIMIT_BYTES);
      temporal.recorder.reset();
      const answer = await send(signedDelivery(extra));
      expect(answer.status, answer.text).toBe(200);
      expect(temporal.recorder.summary()).toEqual([
        { kind: 'signal', workflowId: TARGET, name: verificationResultSignal.name },
      ]);
      expect(JSON.stringify(temporal.recorder.calls[0]!.args).length).toBeLessThan(1_000);
      signalled += 1;
      await stillServes();
    });

    it('a 10 MB body, with or without a length, signed or not: 413 body_too_large', async () => {
      const big = Buffer.alloc(10 * 1024 * 1024, 'a');
      await refused(
        { path: WEBHOOK_PATH, headers: [['Content-Type', 'application/json']], body: big },
        413,
        'body_too_large',
      );
      await refused(signedDelivery(big), 413, 'body_too_large');
      const chunked = Buffer.concat([
        Buffer.from(`${big.length.toString(16)}\r\n`),
        big,
        Buffer.from('\r\n0\r\n\r\n'),
      ]);
      await refused(
        { path: WEBHOOK_PATH, headers: [['Transfer-Encoding', 'chunked']], body: chunked },
        413,
        'body_too_large',
      );
      await stillServes();
    });

    it('a compressed body, authentic: 415 unsupported_content_encoding', async () => {
      const body = gzipSync(kycBody());
      await refused(
        {
          path: WEBHOOK_PATH,
          headers: [...signedHeaders(body), ['Content-Encoding', 'gzip']],
          body,
        },
        415,
        'unsupported_content_encoding',
      );
      await stillServes();
    });

    it('requests that are not HTTP: 400 malformed_request, 431 headers_too_large, with a code', async () => {
      await refused(Buffer.from('GARBAGE\r\n\r\n'), 400, 'malformed_request');
      await refused(
        Buffer.from(`POST ${WEBHOOK_PATH} HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n`),
        400,
        'malformed_request',
      );
      await refused(
        Buffer.from(`POST ${WEBHOOK_PATH} HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n`),
        400,
        'malformed_request',
      );
      await refused(
        requestBytes({
          path: WEBHOOK_PATH,
          headers: [['X-Padding', 'x'.repeat(20_000)]],
          body: kycBody(),
        }),
        431,
        'headers_too_large',
      );
      const badChunks = Buffer.from(
        `POST ${WEBHOOK_PATH} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n`,
      );
      await refused(badChunks, 400, 'malformed_request');
      await refused({ method: 'GET', path: WEBHOOK_PATH }, 405, 'method_not_allowed');
      await stillServes();
    });
  });

  describe('the rejection limit (429)', () => {
    it('throttles an address after too many refusals, spoofed X-Forwarded-For or not, never an authentic delivery', async () => {
      const limited = await startHostileApp({
        client: temporal.client,
        logger: logs.logger,
        rejectedRequestsPerMinute: 5,
      });
      try {
        const at = (request: RawRequest, localAddress?: string) =>
          exchange(limited.port, request, { localAddress });
        const kycBody = () => json(kycDelivery(TARGET_USER));
        const forged = () => signedDelivery(kycBody(), { secret: 'guess' });

        temporal.recorder.reset();
        for (let i = 0; i < 5; i += 1) expect((await at(forged())).status).toBe(401);
        const throttled = await at(forged());
        expect(throttled.status).toBe(429);
        expect(throttled.json?.error?.code).toBe('too_many_rejected_requests');
        expect(throttled.headers['retry-after']).toBe('60');
        // Every refusal is throttled now, an oversized body too, and a spoofed client address
        // changes nothing (the app trusts no proxy unless TRUST_PROXY says so).
        const big = Buffer.alloc(LIMIT_BYTES + 1, 'x');
        const spoofed = forged();
        spoofed.headers = [...spoofed.headers!, ['X-Forwarded-For', '203.0.113.9']];
        for (const request of [{ path: WEBHOOK_PATH, body: big }, spoofed]) {
          const answer = await at(request);
          expect(answer.status).toBe(429);
          expect(answer.json?.error?.code).toBe('too_many_rejected_requests');
        }
        // A wrong method is answered as such (405): it is not a delivery the limit counts.
        expect((await at({ method: 'GET', path: WEBHOOK_PATH })).status).toBe(405);
        expect(temporal.recorder.calls).toEqual([]);

        // An authentic delivery from the throttled address is still acknowledged, and signalled.
        const valid = await at(signedDelivery(kycBody()));
        expect(valid.status).toBe(200);
        expect(temporal.recorder.summary()).toEqual([
          { kind: 'signal', workflowId: TARGET, name: verificationResultSignal.name },
        ]);
        signalled += 1;
        expect((await at(forged())).status).toBe(429);

        // The limit is per address: another one (127.0.0.2, loopback too) is not throttled.
        expect((await at(forged(), '127.0.0.2')).status).toBe(401);
      } finally {
        await limited.close();
      }
    });
  });

  it('the target review holds exactly the acknowledged signals, and nothing was logged as an error', async () => {
    const history = await temporal.env.client.workflow.getHandle(TARGET).fetchHistory();
    const signals = (history.events ?? []).filter(
      (e) => e.workflowExecutionSignaledEventAttributes,
    );
    expect(signals.length).toBe(signalled);
    expect(signalled).toBeGreaterThan(15);
    const errors = logs.entries().filter((entry) => entry.level >= 50);
    expect(errors).toEqual([]);
    expect(logs.text()).not.toContain(WEBHOOK_SECRET);
  });
});

function printableAscii() {
  return fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    maxLength: 30,
  });
}

function sha512(body: Buffer): string {
  return createHash('sha512').update(body).digest('base64');
}

function without(headers: HeaderList, name: string): HeaderList {
  return headers.filter(([n]) => n.toLowerCase() !== name.toLowerCase());
}

function replace(headers: HeaderList, name: string, value: string): HeaderList {
  return headers.map(([n, v]): [string, string] =>
    n.toLowerCase() === name.toLowerCase() ? [n, value] : [n, v],
  );
}

/** Sets (or, with undefined, deletes) a dotted path in a delivery object. */
function setPath(target: DeliveryObject, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
}
