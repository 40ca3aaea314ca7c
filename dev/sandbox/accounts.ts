import { randomInt, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type {
  issueRoutableAccountRequest,
  saveBankAccountRequest,
} from '../../src/ingo/schemas/banking';
import { randomRoutingNumber } from './aba';
import { RequestError } from './request-error';
import type { LinkedBankAccount, RoutableAccount, SandboxState } from './state';
import { accountIssuedEvent } from './webhook-event';
import type { Webhooks } from './webhooks';

/**
 * Bank accounts: routable accounts Ingo issues to verified users, and external accounts users link.
 * Issuing is deliberately not deduplicated: every call is a new account, as at Ingo, so the
 * orchestrator's own idempotency shows in the stats. Each issue is announced by an
 * `account.issue.created` webhook, also when the call's answer is then lost.
 */

const ACCOUNT_NUMBER_DIGITS = 10;
const BANK_NAME = 'Sandbox Bank';

function newAccountNumber(state: SandboxState): string {
  for (;;) {
    let digits = String(randomInt(1, 10));
    while (digits.length < ACCOUNT_NUMBER_DIGITS) digits += String(randomInt(10));
    if (!state.hasAccountNumber(digits)) return digits;
  }
}

export function issueRoutableAccount(
  state: SandboxState,
  webhooks: Webhooks,
  body: z.output<typeof issueRoutableAccountRequest>,
  now: Date,
): Record<string, unknown> {
  const user = state.user(body.user_id);
  if (user.kycStatus !== 'verified') {
    throw new RequestError('invalid_state', 'user must be verified before an account is issued', {
      user_id: user.id,
      kyc_status: user.kycStatus,
    });
  }
  const account: RoutableAccount = {
    id: `rbac-${randomUUID()}`,
    userId: user.id,
    accountNumber: newAccountNumber(state),
    routingNumber: randomRoutingNumber(),
    createdAt: now.toISOString(),
  };
  state.addRoutableAccount(account);
  webhooks.emit(accountIssuedEvent(account, now), 1);
  return {
    routable_bank_account_id: account.id,
    account_number: account.accountNumber,
    routing_number: account.routingNumber,
    user_id: user.id,
  };
}

export function saveBankAccount(
  state: SandboxState,
  body: z.output<typeof saveBankAccountRequest>,
  now: Date,
): Record<string, unknown> {
  // The key alone decides: a replay gets the first answer whatever else it carries.
  const earlier = state.linkedBankAccounts.get(body.idempotent_key);
  if (earlier !== undefined) return earlier.response;

  const user = state.user(body.user_id);
  const item = {
    id: `bbac-${randomUUID()}`,
    account_number_last_4: body.account_number.slice(-4),
    routing_number: body.routing_number,
    bank_name: BANK_NAME,
    source_platform: 'ipg',
    created_at: now.toISOString(),
  };
  const response = {
    items: [item],
    pagination: { page: 1, per_page: 25, total: 1, sort: 'created_at:desc', search: null },
  };
  const account: LinkedBankAccount = {
    id: item.id,
    userId: user.id,
    accountNumberLast4: item.account_number_last_4,
    routingNumber: item.routing_number,
    bankName: BANK_NAME,
    createdAt: item.created_at,
    response,
  };
  state.linkedBankAccounts.set(body.idempotent_key, account);
  state.bankAccountsLinked += 1;
  return response;
}
