// `account.issue.created` at the webhook receiver, on the Temporal dev server with the real worker
// and sandbox (the onboarding harness): routed to the running onboarding of that Ingo user (the
// parent of its KYC review), acknowledged when none runs, refused when malformed, 503 while
// Temporal is away. The receiver under test reaches Temporal through a TCP proxy the test can cut.

import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptedDataConverter } from '../../src/codec/data-converter';
import { signRequest } from '../../src/ingo/signing';
import { kycWorkflowId } from '../../src/contract/ids';
import { TEST_KEYRING } from '../fixtures/test-keyring';
import { captureLogs, type CapturedLogs } from '../fixtures/captured-logs';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';
import { FAST, signup, startHarness, type Harness } from '../onboarding/harness';
import { like, until } from '../sandbox/helpers';
import {
  deliver,
  envelope,
  idOf,
  startReceiverServer,
  type Answer,
  type ReceiverServer,
} from './helpers';

const SECRET = 'account-signal-test-webhook-secret';
const RPC_TIMEOUT_MS = 1_000;
const ISSUE = '/api/v4/business/routable-bank-accounts/issue';
const SIGNAL = 'routableAccountIssued';

/** KYC stays in review (SSN ...2222) and is never polled before the test decides it. */
const IN_REVIEW = {
  ssnLast4: '2222',
  timing: {
    ...FAST,
    kycGracePeriod: '1 hour',
    kycPollInterval: '1 hour',
    kycMaxPollInterval: '1 hour',
  },
};

function announcement(userId: string, account = 'rbac-announced-1'): Buffer {
  return envelope('account.issue.created', {
    user_id: userId,
    routable_bank_account_id: account,
    routing_number: '021000021',
    account_number_last_4: '4321',
  });
}

describe('account.issue.created at the webhook receiver', () => {
  let h: Harness;
  let proxy: TcpProxy;
  let connection: Connection;
  let receiver: ReceiverServer;
  let log: CapturedLogs;

  beforeAll(async () => {
    h = await startHarness('dev-server', { kycDelayMs: 200 });
    proxy = await startTcpProxy(h.env.address);
    connection = Connection.lazy({ address: proxy.address });
    log = captureLogs('debug');
    receiver = await startReceiverServer({
      client: new Client({
        connection,
        namespace: 'default',
        dataConverter: encryptedDataConverter(TEST_KEYRING),
      }),
      webhookSecret: SECRET,
      logger: log.logger,
      rpcTimeoutMs: RPC_TIMEOUT_MS,
      rejectedRequestsPerMinute: 1_000,
    });
  });
  afterAll(async () => {
    await receiver?.close();
    await connection?.close();
    await proxy?.close();
    await h?.stop();
  });

  const send = (body: Buffer): Promise<Answer> =>
    deliver(
      receiver.webhookUrl,
      body,
      signRequest({
        method: 'POST',
        path: '/webhooks/ingo',
        body,
        username: 'ingo',
        secret: SECRET,
      }),
    );

  /** Signals of this name in a workflow's history. */
  async function signalsIn(workflowId: string): Promise<number> {
    const history = await h.env.client.workflow.getHandle(workflowId).fetchHistory();
    return (history.events ?? []).filter(
      (e) => e.workflowExecutionSignaledEventAttributes?.signalName === SIGNAL,
    ).length;
  }

  it('signals the running onboarding of that user (not its KYC review), which adopts the account', async () => {
    const handle = await h.start(signup(IN_REVIEW));
    const { ingoUserId } = await h.waitFor(handle, (s) => s.kycStatus === 'in_review');

    const body = announcement(ingoUserId!);
    const first = await send(body);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ received: true, eventId: idOf(body), outcome: 'signalled' });
    // Temporal has it (it may still be buffered while a workflow task runs): the onboarding's.
    await until(async () => (await signalsIn(handle.workflowId)) === 1, 10_000);
    expect(await signalsIn(kycWorkflowId(ingoUserId!))).toBe(0);

    // At least once: the same event again is acknowledged, and the onboarding takes it once.
    expect((await send(body)).body.outcome).toBe('signalled');
    // A second, different account for the user is ignored (the onboarding logs a warning).
    expect((await send(announcement(ingoUserId!, 'rbac-announced-2'))).body.outcome).toBe(
      'signalled',
    );
    await until(async () => (await signalsIn(handle.workflowId)) === 3, 10_000);

    // The account is known before issue_account runs: it is adopted, Ingo is not asked again.
    const issueCalls = (await h.sandbox.stats()).calls[ISSUE] ?? 0;
    await h.sandbox.admin('POST', `/kyc/${ingoUserId}/decision`, { status: 'verified' });
    const result = await handle.result();
    expect(result).toMatchObject({
      outcome: 'completed',
      routableAccount: {
        routableBankAccountId: 'rbac-announced-1',
        routingNumber: '021000021',
        accountNumberLast4: '4321',
      },
    });
    expect((await h.sandbox.stats()).calls[ISSUE] ?? 0).toBe(issueCalls);

    // One line per delivery, ids only.
    const lines = log.entries().filter((line) => line.eventId === idOf(body));
    expect(lines).toEqual([
      like({
        eventId: idOf(body),
        eventType: 'account.issue.created',
        userId: ingoUserId,
        routableBankAccountId: 'rbac-announced-1',
        outcome: 'signalled',
      }),
      like({ eventId: idOf(body), outcome: 'signalled' }),
    ]);
    expect(log.text()).not.toContain('021000021');
    expect(log.text()).not.toContain('4321');
  });

  it('acknowledges an account no onboarding is running for: workflow_not_found', async () => {
    const nobody = await send(announcement('user-nobody-runs-for-this'));
    expect(nobody.status).toBe(200);
    expect(nobody.body.outcome).toBe('workflow_not_found');

    const handle = await h.start(signup({ timing: FAST }));
    const result = await handle.result();
    const late = await send(announcement(result.ingoUserId));
    expect(late.status).toBe(200);
    expect(late.body.outcome).toBe('workflow_not_found');
  });

  it('refuses a malformed account.issue.created: 400 naming the fields, never the values', async () => {
    const bare = envelope('account.issue.created', { user_id: 'user-1' });
    const missing = await send(bare);
    expect(missing.status).toBe(400);
    expect(missing.body.error?.code).toBe('validation_failed');
    expect(missing.body.error?.fields?.map((f) => f.field).sort()).toEqual([
      'data.account_number_last_4',
      'data.routable_bank_account_id',
      'data.routing_number',
    ]);

    // A user id that is not an Ingo id (here a visibility query injection) gets no further.
    const injected = "user-1' OR WorkflowType = 'kycReview";
    const quoted = await send(announcement(injected));
    expect(quoted.status).toBe(400);
    expect(quoted.body.error?.fields?.map((f) => f.field)).toEqual(['data.user_id']);
    expect(JSON.stringify(quoted.body)).not.toContain(injected);

    const fullNumber = envelope('account.issue.created', {
      user_id: 'user-1',
      routable_bank_account_id: 'rbac-1',
      routing_number: '021000021',
      account_number_last_4: '1234567890',
    });
    const tooLong = await send(fullNumber);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error?.fields?.map((f) => f.field)).toEqual(['data.account_number_last_4']);
    expect(JSON.stringify(tooLong.body)).not.toContain('1234567890');
  });

  it('answers 503 with Retry-After while Temporal is unreachable, within the deadline', async () => {
    const body = announcement('user-during-an-outage');
    /** Ingo delivering again, with a back-off, until Temporal is back. */
    const redelivered = async () => {
      let answer: Answer | undefined;
      await until(async () => {
        answer = await send(body);
        return answer.status !== 503;
      }, 20_000);
      return answer!;
    };
    const expectUnavailable = (answer: Answer) => {
      expect(answer.status).toBe(503);
      expect(answer.body.error?.code).toBe('temporal_unavailable');
      expect(answer.headers.get('retry-after')).toBe('10');
    };

    // Never answering: the look-up is cut short at the deadline.
    proxy.stall();
    const stalled = await send(body).finally(() => proxy.restore());
    expectUnavailable(stalled);
    expect(stalled.ms).toBeGreaterThanOrEqual(RPC_TIMEOUT_MS - 50);
    expect(stalled.ms).toBeLessThan(RPC_TIMEOUT_MS + 500);
    expect((await redelivered()).body.outcome).toBe('workflow_not_found');

    // Refusing connections: the deadline, plus at most one of the SDK's retry back-offs.
    proxy.cut();
    const refused = await send(body).finally(() => proxy.restore());
    expectUnavailable(refused);
    expect(refused.ms).toBeLessThan(RPC_TIMEOUT_MS + 2_000);
    expect((await redelivered()).body.outcome).toBe('workflow_not_found');
  });
});
