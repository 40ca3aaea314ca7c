import type { Client } from '@temporalio/client';
import { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { HttpError } from '../http/errors';
import { fieldIssues } from '../validation';
import type { TimingRequest } from '../contract/onboarding-input';
import { bearerAuth } from './bearer-auth';
import { jsonBody } from './json-body';
import { OnboardingService } from './onboarding-service';
import {
  OnboardingServiceError,
  type OnboardingServiceErrorCode,
} from './onboarding-service-error';
import {
  cancelAccepted,
  cancelBody,
  listQuery,
  onboardingPage,
  onboardingView,
  resubmitAccepted,
  resubmitKycBody,
  retryAccepted,
  retryBody,
  signupId,
  startedOnboarding,
  startOnboardingBody,
} from './schemas';

export interface OnboardingApiOptions {
  client: Client;
  taskQueue: string;
  timing?: TimingRequest;
  /** The product backend's (and operators') bearer token. */
  token: string;
  logger: Logger;
  rpcTimeoutMs: number;
  rejectedRequestsPerMinute: number;
}

const STATUS: Record<OnboardingServiceErrorCode, number> = {
  not_found: 404,
  already_closed: 409,
  not_allowed_now: 409,
  validation_failed: 400,
  temporal_unavailable: 503,
  onboarding_not_responding: 504,
};

/** Seconds a client should wait before trying again when Temporal or the worker is away. */
const RETRY_AFTER_SECONDS = '5';

function asHttp(error: unknown): unknown {
  if (!(error instanceof OnboardingServiceError)) return error;
  const status = STATUS[error.code];
  const headers: Record<string, string> =
    status >= 500 ? { 'Retry-After': RETRY_AFTER_SECONDS } : {};
  return new HttpError(status, error.code, error.message, error.fields, headers);
}

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new HttpError(400, 'validation_failed', `invalid ${what}`, fieldIssues(parsed.error));
  }
  return parsed.data;
}

const pathParams = z.object({ signupId });

function signupIdOf(req: Request): string {
  return parse(pathParams, req.params, 'signup id').signupId;
}

/** Answers are validated like requests: the API never sends what its schema does not promise. */
function send<S extends z.ZodType>(res: Response, status: number, schema: S, body: z.input<S>) {
  res.status(status).json(schema.parse(body));
}

type Handler = (req: Request, res: Response) => Promise<void>;

/** Express 5 forwards a rejected promise to the error handler; service errors become HTTP ones. */
function route(handler: Handler): Handler {
  return async (req, res) => {
    try {
      await handler(req, res);
    } catch (error) {
      throw asHttp(error);
    }
  };
}

/**
 * The onboarding API for the product backend and operators, under `/v1`: bearer token, JSON
 * only, zod-validated bodies both ways, errors as `{"error":{"code","message","fields"}}` (the
 * app's errorHandler writes them). Bodies are never logged: they hold SSNs.
 */
export function createOnboardingApiRouter(options: OnboardingApiOptions): Router {
  const service = new OnboardingService({ ...options, pageTokenSecret: options.token });
  const router = Router();
  router.use('/v1', bearerAuth(options.token, options.rejectedRequestsPerMinute), ...jsonBody());

  router.post(
    '/v1/onboardings',
    route(async (req, res) => {
      const body = parse(startOnboardingBody, req.body, 'onboarding request');
      const { created, onboarding } = await service.start(body);
      send(res, created ? 202 : 200, startedOnboarding, onboarding);
    }),
  );

  router.get(
    '/v1/onboardings',
    route(async (req, res) => {
      const query = parse(listQuery, req.query, 'query');
      send(res, 200, onboardingPage, await service.list(query));
    }),
  );

  router.get(
    '/v1/onboardings/:signupId',
    route(async (req, res) => {
      send(res, 200, onboardingView, await service.get(signupIdOf(req)));
    }),
  );

  router.post(
    '/v1/onboardings/:signupId/retry',
    route(async (req, res) => {
      const id = signupIdOf(req);
      const body = parse(retryBody, req.body ?? {}, 'retry request');
      send(res, 200, retryAccepted, await service.retry(id, body));
    }),
  );

  router.post(
    '/v1/onboardings/:signupId/resubmit-kyc',
    route(async (req, res) => {
      const id = signupIdOf(req);
      const body = parse(resubmitKycBody, req.body, 'KYC data');
      send(res, 200, resubmitAccepted, await service.resubmitKyc(id, body));
    }),
  );

  router.post(
    '/v1/onboardings/:signupId/cancel',
    route(async (req, res) => {
      const id = signupIdOf(req);
      parse(cancelBody, req.body ?? {}, 'cancel request');
      await service.cancel(id);
      send(res, 202, cancelAccepted, { status: 'cancelling' });
    }),
  );

  return router;
}
