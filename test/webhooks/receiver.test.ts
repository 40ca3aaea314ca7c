// The webhook receiver over real HTTP, signalling real KYC reviews on the Temporal dev server (the
// onboarding harness: real worker, real activities, the sandbox). Every answer Ingo can get, with
// deliveries signed by the project's signer and by one written here from INGO-API.md alone.

import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../src/ingo/signing';
import { kycWorkflowId } from '../../src/contract/ids';
import { reviewProgressQuery } from '../../src/contract/messages';
import type { ReviewProgress } from '../../src/contract/verification';
import { like, until } from '../sandbox/helpers';
import {
  FAST,
  signup,
  startHarness,
  type Harness,
  type OnboardingHandle,
} from '../onboarding/harness';
import {
  answeredStatuses,
  deliver,
  deliverChunked,
  envelope,
  eventId,
  handSign,
  idOf,
  kycSuccess,
  secondsFromNow,
  startReceiverServer,
  type Answer,
  type ReceiverServer,
} from './helpers';
import { captureLogs, type CapturedLogs } from '../fixtures/captured-logs';

const SECRET = 'receiver-test-webhook-secret';
const PATH = '/webhooks/ingo';
const LIMIT_BYTES = 256 * 1024;
const CHECK_KYC = '/api/v4/user/check-verification-request';

/** No poll before the test is done: whatever wakes the review up is a webhook. */
const WEBHOOK_ONLY = {
  ...FAST,
  kycGracePeriod: '1 hour',
  kycPollInterval: '1 hour',
  kycMaxPollInterval: '1 hour',
};

/** Signed with the project's signer, as the sandbox signs its deliveries. */
function signed(body: Buffer, options: { date?: Date; contentType?: string; path?: string } = {}) {
  return signRequest({
    method: 'POST',
    path: options.path ?? PATH,
    body,
    username: 'sandbox',
    secret: SECRET,
    date: options.date,
    contentType: options.contentType,
  });
}

function expectRefused(answer: Answer, status: number, code: string) {
  expect(answer.status).toBe(status);
  expect(answer.body.error?.code).toBe(code);
}

describe('the webhook receiver, POST /webhooks/ingo', () => {
  let h: Harness;
  let receiver: ReceiverServer;
  let log: CapturedLogs;
  let url: string;

  beforeAll(async () => {
    h = await startHarness('dev-server', { kycDelayMs: 200 });
    log = captureLogs('debug');
    receiver = await startReceiverServer({
      client: h.env.client,
      webhookSecret: SECRET,
      logger: log.logger,
      rpcTimeoutMs: 5_000,
      // The status-path tests refuse many requests; the limit has its own tests below.
      rejectedRequestsPerMinute: 10_000,
    });
    url = receiver.webhookUrl;
  });
  afterAll(async () => {
    await receiver?.close();
    await h?.stop();
  });

  /** Waits until the onboarding's KYC review is running and in review at Ingo. */
  async function reviewInProgress(handle: OnboardingHandle) {
    const { ingoUserId } = await h.waitFor(handle, (s) => s.kycStatus === 'in_review');
    const review = h.env.client.workflow.getHandle(kycWorkflowId(ingoUserId!));
    const progress = async (): Promise<ReviewProgress> => review.query(reviewProgressQuery);
    await until(async () => (await progress()).status === 'in_review', 10_000);
    return { ingoUserId: ingoUserId!, review, progress };
  }

  describe('authentication: 401 before the body is looked at', () => {
    it('accepts a delivery signed by an independent implementation of INGO-API.md section 1', async () => {
      const body = envelope('account.transfer.failed', { user_id: 'user-1' });
      const answer = await deliver(url, body, handSign({ secret: SECRET, body }));
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        received: true,
        eventId: idOf(body),
        outcome: 'ignored',
      });
    });

    it('the independent signer reproduces the reference test vector', () => {
      const body = Buffer.from('{"participant_id":12345,"account_type":"BP"}');
      const headers = handSign({
        secret: 'test-secret',
        body,
        path: '/gateway/verify--billpay',
        date: new Date('Fri, 17 Jan 2020 19:59:29 GMT'),
      });
      expect(headers['Content-SHA512']).toBe(
        'P1ZLGo7/xr8Q55XDpCETJjXHPqrJiVvFAeGYbPtJ98SwyhuKNFIYc65Uq5YDup9GW49tZyZ+ajmGPDEKa/2CAA==',
      );
      expect(headers.Authorization).toContain(
        'signature="UfmqiqAXTbc5cHrWbm5fJrMUS7dl+anVtu+l+FHlF8hKPl38ecxZl4k5TMkX+6VBZTNg7l5AqNwwa6VP68FIww=="',
      );
    });

    it('accepts the signed headers in the order the signer declares (seed 003 lists content-length first)', async () => {
      const body = envelope('business.kyb.failed');
      const headers = handSign({
        secret: SECRET,
        body,
        headers: ['request-line', 'x-date', 'content-type', 'content-length', 'content-sha512'],
      });
      expect((await deliver(url, body, headers)).status).toBe(200);
    });

    it('accepts any username: the webhook secret is what authenticates', async () => {
      const body = envelope('account.transfer.failed');
      const headers = handSign({ secret: SECRET, body, username: 'someone-else' });
      expect((await deliver(url, body, headers)).status).toBe(200);
    });

    it('verifies the path as received, query included', async () => {
      const body = envelope('account.transfer.returned');
      const withQuery = `${PATH}?program=test`;
      const ok = await deliver(receiver.url + withQuery, body, signed(body, { path: withQuery }));
      expect(ok.status).toBe(200);

      const elsewhere = await deliver(receiver.url + withQuery, body, signed(body));
      expectRefused(elsewhere, 401, 'invalid_signature');
      expect(elsewhere.body.error?.message).toContain('signature_mismatch');
    });

    it('accepts a date 298 s old or ahead, refuses 301 s old or ahead', async () => {
      for (const seconds of [-298, 298]) {
        const body = envelope('account.transfer.failed');
        const headers = handSign({ secret: SECRET, body, date: secondsFromNow(seconds) });
        expect((await deliver(url, body, headers)).status, `${seconds} s`).toBe(200);
      }
      for (const seconds of [-301, 301]) {
        const body = envelope('account.transfer.failed');
        const answer = await deliver(url, body, signed(body, { date: secondsFromNow(seconds) }));
        expectRefused(answer, 401, 'invalid_signature');
        expect(answer.body.error?.message).toContain('date_skew');
      }
    });

    const refusals: {
      name: string;
      reason: string;
      send: (body: Buffer) => Promise<Answer>;
    }[] = [
      {
        name: 'no Authorization header',
        reason: 'missing_authorization',
        send: (body) => {
          const { Authorization: _none, ...headers } = signed(body);
          return deliver(url, body, headers);
        },
      },
      {
        name: 'a signature made with another secret',
        reason: 'signature_mismatch',
        send: (body) => deliver(url, body, handSign({ secret: 'not-the-secret', body })),
      },
      {
        name: 'a body changed after signing',
        reason: 'content_sha512_mismatch',
        send: (body) => {
          const headers = signed(body);
          const tampered = Buffer.from(body.toString().replace('"verified"', '"rejected"'));
          expect(tampered.length).toBe(body.length);
          return deliver(url, tampered, headers);
        },
      },
      {
        name: 'a changed body with its Content-SHA512 recomputed (the signature still covers the old one)',
        reason: 'signature_mismatch',
        send: (body) => {
          const tampered = Buffer.from(body.toString().replace('"verified"', '"rejected"'));
          const headers = {
            ...signed(body),
            'Content-SHA512': createHash('sha512').update(tampered).digest('base64'),
          };
          return deliver(url, tampered, headers);
        },
      },
      {
        name: 'a signed Content-Length other than the body’s',
        reason: 'signature_mismatch',
        send: (body) =>
          deliver(
            url,
            body,
            handSign({ secret: SECRET, body, signedContentLength: String(body.length + 1) }),
          ),
      },
      {
        name: 'a signed Content-Length that did not travel (chunked transfer)',
        reason: 'missing_signed_header',
        send: (body) => deliverChunked(url, body, signed(body)),
      },
      {
        name: 'a signature that leaves the body digest out',
        reason: 'required_header_not_signed',
        send: (body) =>
          deliver(
            url,
            body,
            handSign({
              secret: SECRET,
              body,
              headers: ['request-line', 'x-date', 'content-type', 'content-length'],
            }),
          ),
      },
      {
        name: 'HMAC-SHA256 (legacy, not enabled)',
        reason: 'unsupported_algorithm',
        send: (body) =>
          deliver(url, body, handSign({ secret: SECRET, body, algorithm: 'hmac-sha256' })),
      },
      {
        name: 'an unparseable Authorization header',
        reason: 'malformed_authorization',
        send: (body) => deliver(url, body, { ...signed(body), Authorization: 'Bearer abc' }),
      },
    ];
    for (const { name, reason, send } of refusals) {
      it(`refuses ${name}: 401 ${reason}`, async () => {
        const answer = await send(kycSuccess('user-unknown'));
        expectRefused(answer, 401, 'invalid_signature');
        expect(answer.body.error?.message).toBe(`webhook signature not accepted: ${reason}`);
        expect(answer.headers.get('www-authenticate')).toMatch(/^hmac algorithm="hmac-sha512"/);
        expect(JSON.stringify(answer.body)).not.toContain(SECRET);
      });
    }

    it('authenticates before judging the content type: an unsigned text/plain body is 401', async () => {
      const body = Buffer.from('hello');
      const answer = await deliver(url, body, { 'Content-Type': 'text/plain' });
      expectRefused(answer, 401, 'invalid_signature');
    });
  });

  describe('the body: 413, 415, 400', () => {
    /** An ignored event padded to exactly `size` bytes. */
    function padded(size: number): Buffer {
      const bare = envelope('account.transfer.failed', { padding: '' });
      const body = envelope('account.transfer.failed', {
        event_id: idOf(bare),
        padding: 'x'.repeat(size - bare.length),
      });
      expect(body.length).toBe(size);
      return body;
    }

    it('takes a body of exactly 256 KiB and refuses one byte more with 413', async () => {
      const largest = padded(LIMIT_BYTES);
      expect((await deliver(url, largest, signed(largest))).status).toBe(200);

      const tooLarge = padded(LIMIT_BYTES + 1);
      expectRefused(await deliver(url, tooLarge, signed(tooLarge)), 413, 'body_too_large');
    });

    it('refuses a compressed body, whose digest would be ambiguous: 415', async () => {
      const body = gzipSync(kycSuccess('user-unknown'));
      const answer = await deliver(url, body, { ...signed(body), 'Content-Encoding': 'gzip' });
      expectRefused(answer, 415, 'unsupported_content_encoding');
    });

    it('refuses a validly signed body that is not JSON: 400 invalid_json', async () => {
      for (const text of ['{"event": "user.kyc.success", ', '', 'not json at all']) {
        const body = Buffer.from(text);
        expectRefused(await deliver(url, body, signed(body)), 400, 'invalid_json');
      }
      const notUtf8 = Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]);
      expectRefused(await deliver(url, notUtf8, signed(notUtf8)), 400, 'invalid_json');
    });

    it('refuses a validly signed body of another content type: 415', async () => {
      const body = kycSuccess('user-unknown');
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
        const answer = await deliver(url, body, signed(body, { contentType }));
        expectRefused(answer, 415, 'unsupported_media_type');
      }
      const charset = await deliver(
        url,
        body,
        signed(body, { contentType: 'application/json; charset=utf-8' }),
      );
      expect(charset.status).toBe(200);
    });

    it('refuses a delivery the schema rejects, naming the fields and never the values', async () => {
      const noEventId = Buffer.from(JSON.stringify({ event: 'account.issue.created', data: {} }));
      const answer = await deliver(url, noEventId, signed(noEventId));
      expectRefused(answer, 400, 'validation_failed');
      expect(answer.body.error?.fields?.map((f) => f.field)).toEqual(['data.event_id']);

      const kycWithoutUser = envelope('user.kyc.failed', { status: 'rejected' });
      const kyc = await deliver(url, kycWithoutUser, signed(kycWithoutUser));
      expectRefused(kyc, 400, 'validation_failed');
      expect(kyc.body.error?.fields?.map((f) => f.field)).toEqual(['data.user_id']);

      const oddStatus = envelope('user.kyc.success', { user_id: 'user-x', status: 'SECRET-ish' });
      const status = await deliver(url, oddStatus, signed(oddStatus));
      expectRefused(status, 400, 'validation_failed');
      expect(status.body.error?.fields?.map((f) => f.field)).toEqual(['data.status']);
      expect(JSON.stringify(status.body)).not.toContain('SECRET-ish');

      const array = Buffer.from('[]');
      const notObject = await deliver(url, array, signed(array));
      expectRefused(notObject, 400, 'validation_failed');
    });
  });

  describe('acknowledging: 2xx for everything authentic Ingo should not retry', () => {
    it('acknowledges and ignores the other documented event types and unknown ones', async () => {
      for (const event of [
        'business.kyb.failed',
        'account.transfer.failed',
        'account.transfer.returned',
        'something.ingo.adds.later',
      ]) {
        const body = envelope(event, { user_id: '9414' });
        const answer = await deliver(url, body, signed(body));
        expect(answer.status, event).toBe(200);
        expect(answer.body.outcome, event).toBe('ignored');
      }
    });

    it('acknowledges a KYC event for a user no review is running for', async () => {
      const body = envelope('user.kyc.failed', {
        user_id: 9414,
        status: 'rejected',
        reasons: ['x'],
        reasons_code: ['ID_MISMATCH'],
      });
      const answer = await deliver(url, body, signed(body));
      expect(answer.status).toBe(200);
      expect(answer.body.outcome).toBe('workflow_not_found');
    });

    it('acknowledges a late KYC event for a review that has finished', async () => {
      const handle = await h.start(signup({ timing: FAST }));
      const result = await handle.result();
      expect(result.outcome).toBe('completed');
      const review = await h.env.client.workflow
        .getHandle(kycWorkflowId(result.ingoUserId))
        .describe();
      expect(review.status.name).toBe('COMPLETED');

      const body = kycSuccess(result.ingoUserId);
      const answer = await deliver(url, body, signed(body));
      expect(answer.status).toBe(200);
      expect(answer.body.outcome).toBe('workflow_not_found');
    });

    it('answers other methods 405 and other paths 404, never a redirect', async () => {
      const get = await deliver(url, undefined, {}, 'GET');
      expectRefused(get, 405, 'method_not_allowed');
      expect(get.headers.get('allow')).toBe('POST');

      const body = envelope('account.transfer.failed');
      const elsewhere = await deliver(`${receiver.url}/webhooks/other`, body, signed(body));
      expectRefused(elsewhere, 404, 'not_found');

      // A trailing slash is the same route, verified against the path as sent: no redirect.
      const slash = `${PATH}/`;
      const answer = await deliver(receiver.url + slash, body, signed(body, { path: slash }));
      expect(answer.status).toBe(200);
    });
  });

  describe('signalling the KYC review', () => {
    it('signals the review, answers after Temporal has it, and a duplicate is not acted on twice', async () => {
      const handle = await h.start(signup({ ssnLast4: '2222', timing: WEBHOOK_ONLY }));
      const { ingoUserId, review, progress } = await reviewInProgress(handle);
      expect(await progress()).toMatchObject({ signals: 0, duplicateSignals: 0, polls: 0 });
      const checksBefore = (await h.sandbox.stats()).calls[CHECK_KYC] ?? 0;

      const success = kycSuccess(ingoUserId);
      const headers = signed(success);
      const first = await deliver(url, success, headers);
      expect(first.status).toBe(200);
      const successId = idOf(success);
      expect(first.body).toEqual({ received: true, eventId: successId, outcome: 'signalled' });
      // Answered only once the signal is in the review's history.
      expect((await progress()).signals).toBe(1);
      // The review wakes, asks Ingo, which still says in_review: it keeps waiting.
      await until(async () => (await h.sandbox.stats()).calls[CHECK_KYC] === checksBefore + 1);

      // Ingo delivers at least once: the same bytes again are acknowledged, and counted a duplicate.
      const again = await deliver(url, success, headers);
      expect(again.status).toBe(200);
      expect(again.body.outcome).toBe('signalled');
      expect(await progress()).toMatchObject({ signals: 2, duplicateSignals: 1 });

      // A failed verdict (Ingo's spelling `rejected`) is a wake-up too; the API still decides.
      const marker = `reason-${eventId()}`;
      const failed = envelope('user.kyc.failed', {
        user_id: ingoUserId,
        status: 'rejected',
        reasons: [marker],
        reasons_code: ['ID_MISMATCH'],
      });
      expect((await deliver(url, failed, signed(failed))).body.outcome).toBe('signalled');
      expect(await progress()).toMatchObject({
        signals: 3,
        duplicateSignals: 1,
        status: 'in_review',
      });

      // Two new events, two look-ups at Ingo; the duplicate caused none.
      const lookUps = async () =>
        ((await review.fetchHistory()).events ?? []).filter(
          (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'checkKyc',
        ).length;
      await until(async () => (await lookUps()) >= 2);
      expect(await lookUps()).toBe(2);

      // Ingo decides; the sandbox's own delivery goes through the harness's receiver.
      await h.sandbox.admin('POST', `/kyc/${ingoUserId}/decision`, { status: 'verified' });
      const result = await handle.result();
      expect(result).toMatchObject({ outcome: 'completed', kycStatus: 'verified' });
      expect((await h.status(handle)).lastKycReview).toEqual({
        decidedBy: 'webhook',
        polls: 0,
        signals: 4,
        duplicateSignals: 1,
      });

      // One line per delivery, with ids, type and outcome; no body, so no reasons.
      const lines = log.entries().filter((line) => line.eventId === successId);
      expect(lines).toEqual([
        like({
          eventId: successId,
          eventType: 'user.kyc.success',
          userId: ingoUserId,
          outcome: 'signalled',
        }),
        like({ eventId: successId, outcome: 'signalled' }),
      ]);
      expect(log.text()).not.toContain(marker);
      expect(log.text()).not.toContain('reasons');
    });
  });

  describe('the rejection limit', () => {
    it('throttles an address that keeps being refused, never an authentic delivery', async () => {
      const limited = await startReceiverServer({
        client: h.env.client,
        webhookSecret: SECRET,
        logger: captureLogs('debug').logger,
        rpcTimeoutMs: 5_000,
        rejectedRequestsPerMinute: 3,
      });
      try {
        const valid = async () => {
          const body = envelope('account.transfer.failed');
          return deliver(limited.webhookUrl, body, signed(body));
        };
        const forged = async () => {
          const body = kycSuccess('user-forged');
          return deliver(limited.webhookUrl, body, handSign({ secret: 'guess', body }));
        };

        // Many more accepted deliveries than the limit, between refusals: none of them counts.
        for (let i = 0; i < 10; i += 1) expect((await valid()).status).toBe(200);
        for (let i = 0; i < 2; i += 1) {
          expect((await forged()).status).toBe(401);
          expect((await valid()).status).toBe(200);
        }
        expect((await forged()).status).toBe(401);

        const throttled = await forged();
        expectRefused(throttled, 429, 'too_many_rejected_requests');
        expect(throttled.headers.get('retry-after')).toBe('60');

        // Authentic deliveries from the throttled address are still taken: they never reach it.
        for (let i = 0; i < 5; i += 1) expect((await valid()).status).toBe(200);
        expectRefused(await forged(), 429, 'too_many_rejected_requests');

        // Each router has its own limit: the other receiver still takes deliveries.
        const body = envelope('account.transfer.failed');
        expect((await deliver(url, body, signed(body))).status).toBe(200);
      } finally {
        await limited.close();
      }
    });
  });

  it('never answered with a redirect', () => {
    expect(answeredStatuses.length).toBeGreaterThan(40);
    expect(answeredStatuses.filter((status) => status >= 300 && status < 400)).toEqual([]);
  });
});
