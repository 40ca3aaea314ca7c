import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import {
  isIngoPaySuccess,
  type billerSearchRequest,
  type verifyBillpayRequest,
  type verifyCheckRequest,
} from '../../src/ingo/schemas/ingopay';
import { amountAllowed, findBiller, issuer, searchBillers, searchResult } from './billers';
import { destinationStatus } from './declines';
import { postingDate } from './posting-date';
import type { SandboxState } from './state';

/**
 * IngoPay's payout destination calls (seeds 003 and 004): biller search, and verifying then
 * tokenising a check payee or a bill account. Each returns the envelope's status and data.
 */

export interface GatewayOutcome {
  status: number;
  data: Record<string, unknown>;
}

const CHECK_POSTING_DAYS = 10;

function incorrect(field: string, message: string): GatewayOutcome {
  return { status: 401, data: { fields: [{ field, message }] } };
}

function uniqueIds(body: {
  participant_unique_id1: string;
  participant_unique_id2?: string | null;
}) {
  return {
    participant_unique_id1: body.participant_unique_id1,
    participant_unique_id2: body.participant_unique_id2 ?? null,
  };
}

function newToken(state: SandboxState, account: string): string {
  const token = randomUUID();
  state.payoutTokens.set(token, { account });
  state.tokensIssued += 1;
  return token;
}

export function billerSearch(
  body: z.output<typeof billerSearchRequest>,
  now: Date,
): GatewayOutcome {
  const billers = searchBillers(body).map((biller) => searchResult(biller, now));
  return { status: 100, data: { billers, count: billers.length } };
}

export function verifyCheck(
  state: SandboxState,
  body: z.output<typeof verifyCheckRequest>,
  now: Date,
): GatewayOutcome {
  const account = body.beneficiary.beneficiary_account;
  const status = destinationStatus(account, [
    body.recipient?.recipient_zip,
    body.beneficiary.beneficiary_zip,
  ]);
  if (!isIngoPaySuccess(status)) return { status, data: uniqueIds(body) };
  const date = postingDate(now, CHECK_POSTING_DAYS);
  return {
    status,
    data: {
      customer_account_token: newToken(state, account),
      last_4: account.slice(-4),
      estimated_posting_date: date,
      estimated_posting_time: 'Payment will post 7-10 Days',
      ...uniqueIds(body),
      request_timestamp: Math.floor(now.getTime() / 1000),
    },
  };
}

export function verifyBillpay(
  state: SandboxState,
  body: z.output<typeof verifyBillpayRequest>,
  now: Date,
): GatewayOutcome {
  const biller = findBiller(body.payee_id);
  if (biller === undefined) return incorrect('payee_id', 'unknown payee');

  // A token stands for an account verified before: it is reused, not reissued, and not re-declined.
  const token = body.customer_account_token;
  const tokenised = token ? state.payoutTokens.get(token) : undefined;
  if (token && tokenised === undefined) {
    return incorrect('customer_account_token', 'unknown customer_account_token');
  }
  const account = tokenised?.account ?? body.account ?? '';
  if (!biller.accountPattern.test(account)) {
    return incorrect('account', "does not match the biller's account format");
  }
  if (!amountAllowed(biller, body.amount)) {
    return incorrect('amount', `must be between ${biller.min} and ${biller.max} for this biller`);
  }
  const status = tokenised ? 100 : destinationStatus(account, [body.recipient_zip]);
  if (!isIngoPaySuccess(status)) return { status, data: uniqueIds(body) };
  return {
    status,
    data: {
      customer_account_token: token || newToken(state, account),
      last_4: account.slice(-4),
      request_timestamp: Math.floor(now.getTime() / 1000),
      issuers: [issuer(biller, now)],
      ...uniqueIds(body),
      count: 1,
    },
  };
}
