import type { Client } from '@temporalio/client';
import {
  Router,
  type ErrorRequestHandler,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import type { Logger } from 'pino';
import { HttpError, asHttpError } from '../http/errors';
import { rejectionGate } from '../http/rejection-limit';
import { ACCOUNT_ISSUED_EVENT_TYPE } from '../ingo/webhook-event-types';
import { signalOnboardingOfUser } from './account-signal';
import { readDelivery, type Delivery } from './delivery';
import { signalKycReview } from './kyc-signal';
import { signatureCheck } from './signature-check';
import { TemporalUnavailable } from './temporal-deadline';

export interface WebhookReceiverOptions {
  /** Connected (or lazily connecting) to the namespace the onboardings and KYC reviews run in. */
  client: Client;
  webhookSecret: string;
  logger: Logger;
  /** How long a delivery waits for Temporal before it is answered 503. */
  rpcTimeoutMs: number;
  /** Refused requests (4xx) one client address may make a minute before it gets 429. */
  rejectedRequestsPerMinute: number;
}

const WEBHOOK_PATH = '/webhooks/ingo';

type Outcome = 'signalled' | 'workflow_not_found' | 'ignored';

/** Ids and types only: deliveries carry personal data in places we do not read. */
function describe(delivery: Delivery) {
  switch (delivery.kind) {
    case 'kyc':
      return {
        eventId: delivery.event.eventId,
        eventType: delivery.event.eventType,
        userId: delivery.event.subjectId,
      };
    case 'account':
      return {
        eventId: delivery.event.eventId,
        eventType: ACCOUNT_ISSUED_EVENT_TYPE,
        userId: delivery.event.userId,
        routableBankAccountId: delivery.event.routableBankAccountId,
      };
    case 'other':
      return { eventId: delivery.eventId, eventType: delivery.eventType, userId: delivery.userId };
  }
}

/**
 * `POST /webhooks/ingo`, Ingo's Banking webhooks (INGO-API.md section 3): signature over the raw
 * body (401), size (413), content type (415), JSON and schema (400); a KYC outcome is signalled to
 * its review workflow, an issued account to the running onboarding of its user, each answered 200
 * only once Temporal has it, 503 with Retry-After when Temporal cannot be reached in
 * `rpcTimeoutMs`. Everything else that is authentic is acknowledged: Ingo retries any non-2xx for
 * days. Stateless: the workflows dedupe by event id.
 */
export function createWebhookRouter(options: WebhookReceiverOptions): Router {
  const log = options.logger.child({ component: 'webhooks' });
  // Only unauthentic or unreadable deliveries are counted and throttled: an authentic one is never.
  const refuse = rejectionGate(options.rejectedRequestsPerMinute);

  /** To the workflow that waits for the event; answered only once Temporal has it. */
  const handOver = async (delivery: Delivery): Promise<Outcome> => {
    switch (delivery.kind) {
      case 'kyc':
        return signalKycReview(options.client, delivery.event, options.rpcTimeoutMs);
      case 'account':
        return signalOnboardingOfUser(options.client, delivery.event, options.rpcTimeoutMs);
      case 'other':
        return 'ignored';
    }
  };

  const receive: RequestHandler = async (req: Request, res: Response) => {
    const delivery = readDelivery(req);
    res.locals.delivery = delivery;
    const outcome = await handOver(delivery);
    const described = describe(delivery);
    log.info({ ...described, outcome }, 'webhook delivery acknowledged');
    res.status(200).json({ received: true, eventId: described.eventId, outcome });
  };

  /** The one log line of a delivery that was not acknowledged; the app's errorHandler answers. */
  const logRefusal: ErrorRequestHandler = (error: unknown, _req, res: Response, next) => {
    const http = asHttpError(error);
    const delivery = res.locals.delivery as Delivery | undefined;
    const context = {
      ...(delivery ? describe(delivery) : {}),
      outcome: 'refused',
      status: http.status,
      code: http.code,
    };
    if (error instanceof TemporalUnavailable) {
      log.warn({ ...context, reason: error.reason }, 'webhook delivery not signalled');
    } else if (http.status >= 500) {
      log.error({ ...context, err: error }, 'webhook delivery failed');
    } else {
      log.warn({ ...context, message: http.message }, 'webhook delivery refused');
    }
    next(error);
  };

  const methodNotAllowed: RequestHandler = (req) => {
    throw new HttpError(405, 'method_not_allowed', `${req.method} is not allowed here`, undefined, {
      Allow: 'POST',
    });
  };

  const router = Router();
  // One route, so a refusal passes `logRefusal` once whichever layer refused it.
  router
    .route(WEBHOOK_PATH)
    .post(...signatureCheck(options.webhookSecret, refuse), receive)
    .all(methodNotAllowed, logRefusal);
  return router;
}
