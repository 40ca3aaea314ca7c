import { z } from 'zod';
import { entityId, kycStatus } from './fields';

/**
 * Banking webhook deliveries (INGO-API.md section 3). Delivery is at least once and unordered;
 * `data.event_id` is the deduplication key. Event types we do not act on still parse, so the
 * receiver can acknowledge them.
 */

export const KYC_EVENT_TYPES = ['user.kyc.success', 'user.kyc.failed'] as const;

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

/** A KYC outcome as the workflow consumes it: a wake-up to be confirmed against the API. */
export const kycWebhookEvent = webhookDelivery
  .extend({
    event: z.enum(KYC_EVENT_TYPES),
    data: webhookDelivery.shape.data.extend({
      user_id: entityId,
      status: kycStatus.optional(),
    }),
  })
  .transform((delivery) => ({
    eventId: delivery.data.event_id,
    eventType: delivery.event,
    userId: delivery.data.user_id,
    kycStatus:
      delivery.data.status ?? (delivery.event === 'user.kyc.success' ? 'verified' : 'failed'),
    reasons: delivery.data.reasons ?? [],
    reasonCodes: delivery.data.reasons_code ?? [],
  }));
export type KycWebhookEvent = z.output<typeof kycWebhookEvent>;
