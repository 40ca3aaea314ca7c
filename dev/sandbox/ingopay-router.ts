import express, { type Request, type Response, type Router } from 'express';
import type { z } from 'zod';
import {
  billerSearchRequest,
  isIngoPaySuccess,
  verifyBillpayRequest,
  verifyCheckRequest,
} from '../../src/ingo/schemas/ingopay';
import { MAX_CLOCK_SKEW_SECONDS } from '../../src/ingo/signing';
import { fieldIssues } from '../../src/validation';
import type { SandboxContext } from './context';
import { replyIngoPay, replyIngoPayError, startIngoPayClock } from './ingopay-envelope';
import {
  billerSearch,
  verifyBillpay,
  verifyCheck,
  type GatewayOutcome,
} from './payout-destinations';
import { refusalHandler } from './request-error';
import { admitSignedRequest } from './signed-request';

/**
 * The IngoPay gateway (INGO-API.md section 4). After admission every answer is HTTP 200 and the
 * outcome is the envelope status: 400 missing parameter, 401 incorrect parameter or participant,
 * 402 timestamp skew, then the call's own result. Tokenising calls are idempotent by
 * `participant_unique_id1`: a success is replayed as 101, a call still running answers 104.
 */

/** The value at a zod issue's path in the body as sent. */
function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let value = body;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** 400 when a required field is absent or null, 401 when one is present but wrong. */
function parameterProblem(body: unknown, error: z.ZodError): GatewayOutcome {
  const missing = error.issues.some((issue) => {
    const value = valueAt(body, issue.path);
    return value === undefined || value === null;
  });
  return { status: missing ? 400 : 401, data: { fields: fieldIssues(error) } };
}

interface GatewayBody {
  participant_id: number;
  timestamp: number;
  participant_unique_id1?: string | null;
}

export function ingoPayRouter(context: SandboxContext): Router {
  const { options, state, faults, log } = context;
  const router = express.Router();
  const admit = [
    startIngoPayClock,
    ...admitSignedRequest(context, { credentials: options.pay, rateLimited: false }),
  ];

  /** Participant and timestamp checks; undefined when the call may go ahead. */
  function participantProblem(body: GatewayBody): GatewayOutcome | undefined {
    if (body.participant_id !== options.participantId) {
      return {
        status: 401,
        data: { fields: [{ field: 'participant_id', message: 'unknown participant' }] },
      };
    }
    const nowSeconds = options.now().getTime() / 1000;
    if (Math.abs(nowSeconds - body.timestamp) > MAX_CLOCK_SKEW_SECONDS) {
      return { status: 402, data: { max_skew_seconds: MAX_CLOCK_SKEW_SECONDS } };
    }
    return undefined;
  }

  function post<S extends z.ZodType<GatewayBody>>(
    path: string,
    schema: S,
    idempotent: boolean,
    handle: (body: z.output<S>) => GatewayOutcome,
  ): void {
    router.post(path, ...admit, async (req: Request, res: Response) => {
      const parsed = schema.safeParse(req.body);
      if (!parsed.success) {
        const problem = parameterProblem(req.body, parsed.error);
        replyIngoPay(res, problem.status, problem.data);
        return;
      }
      const body = parsed.data;
      const problem = participantProblem(body);
      if (problem !== undefined) {
        replyIngoPay(res, problem.status, problem.data);
        return;
      }
      const latency = faults.latencyMs(path);
      const uniqueId = body.participant_unique_id1;
      if (!idempotent || !uniqueId) {
        await context.pause(latency);
        const outcome = handle(body);
        replyIngoPay(res, outcome.status, outcome.data);
        return;
      }

      const key = `${path} ${uniqueId}`;
      const earlier = state.ingoPayAttempts.get(key);
      if (earlier?.state === 'succeeded') {
        replyIngoPay(res, 101, earlier.data);
        return;
      }
      if (earlier?.state === 'processing') {
        replyIngoPay(res, 104, { participant_unique_id1: uniqueId });
        return;
      }
      const attempt = { state: 'processing' as const };
      state.ingoPayAttempts.set(key, attempt);
      try {
        await context.pause(latency);
        const outcome = handle(body);
        if (isIngoPaySuccess(outcome.status)) {
          state.ingoPayAttempts.set(key, { state: 'succeeded', data: outcome.data });
        }
        replyIngoPay(res, outcome.status, outcome.data);
      } finally {
        // A decline or a crash leaves nothing to replay; a reset meanwhile is not undone.
        if (state.ingoPayAttempts.get(key) === attempt) state.ingoPayAttempts.delete(key);
      }
    });
  }

  post('/gateway/v1/biller/search', billerSearchRequest, false, (body) =>
    billerSearch(body, options.now()),
  );
  post('/gateway/verify--check', verifyCheckRequest, true, (body) =>
    verifyCheck(state, body, options.now()),
  );
  post('/gateway/verify--billpay', verifyBillpayRequest, true, (body) =>
    verifyBillpay(state, body, options.now()),
  );

  router.use(refusalHandler('gateway', options.bodyLimitBytes, log, replyIngoPayError));
  return router;
}
