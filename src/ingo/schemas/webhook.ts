import { z } from 'zod';
import type { VerificationEvent } from '../../contract/verification';
import { INGO_ID_PATTERN, type RoutableAccountAnnouncement } from '../account-announcement';
import { ACCOUNT_ISSUED_EVENT_TYPE, KYC_EVENT_TYPES } from '../webhook-event-types';
import { entityId, kycStatus, routingNumber } from './fields';

/**
 * Banking webhook deliveries (INGO-API.md section 3). Delivery is at least once and unordered;
 * `data.event_id` is the deduplication key. Event types we do not act on still parse, so the
 * receiver can acknowledge them.
 */

export const webhookDelivery = z.object({
  event: z.string().min(1),
  data: z.looseObject({
    event_id: z.string().min(1).max(255),
    event_type: z.string().min(1).optional(),
    event_description: z.string().nullish(),
    user_id: entityId.optional(),
    status: z.string().nullish(),
    reasons: z.array(z.string()).nullish(),
    reasons_code: z.array(z.string()).nullish(),
  }),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
});
export type WebhookDelivery = z.input<typeof webhookDelivery>;

/**
 * A KYC outcome as the review workflow consumes it (the contract's `VerificationEvent`, whose
 * subject is the user): a wake-up to be confirmed against the API.
 */
export const kycWebhookEvent = webhookDelivery
  .extend({
    event: z.enum(KYC_EVENT_TYPES),
    data: webhookDelivery.shape.data.extend({
      user_id: entityId,
      status: kycStatus.optional(),
    }),
  })
  .transform((delivery): VerificationEvent => ({
    eventId: delivery.data.event_id,
    eventType: delivery.event,
    subjectId: delivery.data.user_id,
    status: delivery.data.status ?? (delivery.event === 'user.kyc.success' ? 'verified' : 'failed'),
    reasons: delivery.data.reasons ?? [],
    reasonCodes: delivery.data.reasons_code ?? [],
  }));

const ingoId = z.string().regex(INGO_ID_PATTERN, 'must be an Ingo id');
const last4 = z.string().regex(/^[0-9]{4}$/, 'must be 4 digits');

/**
 * `account.issue.created`. Ingo does not publish its data; ours is a [convention]
 * (docs/SANDBOX.md): `user_id`, `routable_bank_account_id`, `routing_number`,
 * `account_number_last_4`. A full `account_number`, should one come, is dropped here.
 */
export const accountIssuedEvent = webhookDelivery
  .extend({
    event: z.literal(ACCOUNT_ISSUED_EVENT_TYPE),
    data: webhookDelivery.shape.data.extend({
      user_id: entityId.pipe(ingoId),
      routable_bank_account_id: entityId.pipe(z.string().max(255)),
      routing_number: routingNumber,
      account_number_last_4: last4,
    }),
  })
  .transform((delivery): RoutableAccountAnnouncement => ({
    eventId: delivery.data.event_id,
    userId: delivery.data.user_id,
    routableBankAccountId: delivery.data.routable_bank_account_id,
    routingNumber: delivery.data.routing_number,
    accountNumberLast4: delivery.data.account_number_last_4,
  }));
