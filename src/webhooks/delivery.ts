import type { Request } from 'express';
import type { VerificationEvent } from '../contract/verification';
import { HttpError } from '../http/errors';
import { ACCOUNT_ISSUED_EVENT_TYPE, KYC_EVENT_TYPES } from '../ingo/webhook-event-types';
import type { RoutableAccountAnnouncement } from '../ingo/account-announcement';
import { accountIssuedEvent, kycWebhookEvent, webhookDelivery } from '../ingo/schemas/webhook';
import { rawBody } from './signature-check';

/**
 * An authenticated delivery, read: a KYC outcome for the review workflow, an issued account for
 * the onboarding, or any other event (documented or not), which only needs acknowledging.
 */
export type Delivery =
  | { kind: 'kyc'; event: VerificationEvent }
  | { kind: 'account'; event: RoutableAccountAnnouncement }
  | { kind: 'other'; eventId: string; eventType: string; userId?: string };

const KYC_EVENTS: readonly string[] = KYC_EVENT_TYPES;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(utf8.decode(body));
  } catch {
    throw new HttpError(400, 'invalid_json', 'request body is not valid UTF-8 JSON');
  }
}

/** Content type (415), JSON (400 `invalid_json`), then the schema (400 `validation_failed`). */
export function readDelivery(req: Request): Delivery {
  if (!req.is(['application/json', 'application/*+json'])) {
    throw new HttpError(415, 'unsupported_media_type', 'request body must be application/json');
  }
  const json = parseJson(rawBody(req));
  const envelope = webhookDelivery.safeParse(json);
  if (!envelope.success) throw HttpError.validation(envelope.error, 'webhook delivery');
  const { event, data } = envelope.data;
  if (event === ACCOUNT_ISSUED_EVENT_TYPE) {
    const account = accountIssuedEvent.safeParse(json);
    if (!account.success) throw HttpError.validation(account.error, `${event} event`);
    return { kind: 'account', event: account.data };
  }
  if (!KYC_EVENTS.includes(event)) {
    return { kind: 'other', eventId: data.event_id, eventType: event, userId: data.user_id };
  }
  const kyc = kycWebhookEvent.safeParse(json);
  if (!kyc.success) throw HttpError.validation(kyc.error, `${event} event`);
  return { kind: 'kyc', event: kyc.data };
}
