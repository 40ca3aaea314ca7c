import { randomInt } from 'node:crypto';
import { ACCOUNT_ISSUED_EVENT_TYPE } from '../../src/ingo/webhook-event-types';
import { type WebhookDelivery } from '../../src/ingo/schemas/webhook';
import type { RoutableAccount } from './state';

/** Banking webhook events as Ingo documents them (INGO-API.md section 3). */

export type KycDecision = 'verified' | 'failed';

const ALPHANUMERICS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `inn_whe_` and 22 alphanumerics, like Ingo's own event ids. */
function newEventId(): string {
  let suffix = '';
  for (let i = 0; i < 22; i += 1) suffix += ALPHANUMERICS[randomInt(ALPHANUMERICS.length)];
  return `inn_whe_${suffix}`;
}

const two = (value: number) => String(value).padStart(2, '0');

/** Ingo's webhook time format, `21-11-2026 10:04 AM` (day first, 12-hour clock, UTC). */
function webhookTimestamp(date: Date): string {
  const hours = date.getUTCHours();
  const hour12 = hours % 12 === 0 ? 12 : hours % 12;
  return (
    `${two(date.getUTCDate())}-${two(date.getUTCMonth() + 1)}-${date.getUTCFullYear()} ` +
    `${two(hour12)}:${two(date.getUTCMinutes())} ${hours < 12 ? 'AM' : 'PM'}`
  );
}

function envelope(
  event: string,
  data: { user_id: string } & Record<string, unknown>,
  at: Date,
): WebhookDelivery {
  const timestamp = webhookTimestamp(at);
  return {
    event,
    data: { event_id: newEventId(), event_type: event, event_description: '', ...data },
    created_at: timestamp,
    updated_at: timestamp,
  };
}

export function kycEvent(userId: string, decision: KycDecision, at: Date): WebhookDelivery {
  const event = decision === 'verified' ? 'user.kyc.success' : 'user.kyc.failed';
  const outcome =
    decision === 'verified'
      ? { status: 'verified' }
      : {
          status: 'rejected',
          reasons: ['Identity could not be verified with the SSN and date of birth given'],
          reasons_code: ['ID_MISMATCH'],
        };
  return envelope(event, { user_id: userId, ...outcome }, at);
}

/**
 * `account.issue.created`: Ingo publishes no data shape for it, so this one is our [convention].
 * The last four digits only: the full account number is in the issue call's answer alone.
 */
export function accountIssuedEvent(account: RoutableAccount, at: Date): WebhookDelivery {
  return envelope(
    ACCOUNT_ISSUED_EVENT_TYPE,
    {
      user_id: account.userId,
      routable_bank_account_id: account.id,
      routing_number: account.routingNumber,
      account_number_last_4: account.accountNumber.slice(-4),
    },
    at,
  );
}
