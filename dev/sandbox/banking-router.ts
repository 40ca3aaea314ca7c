import express, { type Request, type Response, type Router } from 'express';
import type { z } from 'zod';
import {
  checkVerificationRequest,
  createUserRequest,
  issueRoutableAccountRequest,
  listUsersRequest,
  saveBankAccountRequest,
  sendVerificationRequest,
} from '../../src/ingo/schemas/banking';
import { fieldIssues } from '../../src/validation';
import { issueRoutableAccount, saveBankAccount } from './accounts';
import { replyBankingError, replyBankingSuccess } from './banking-envelope';
import type { SandboxContext } from './context';
import { refusalHandler, RequestError } from './request-error';
import { admitSignedRequest, requestPath } from './signed-request';
import { createUser, listUsers } from './users';

/** The Banking Platform's calls (INGO-API.md section 2), every one a signed POST. */
export function bankingRouter(context: SandboxContext): Router {
  const { options, state, kyc, webhooks, faults, log } = context;
  const router = express.Router();
  const admit = admitSignedRequest(context, {
    credentials: options.banking,
    apiKey: options.apiKey,
    rateLimited: true,
  });

  function post<S extends z.ZodType>(
    paths: string[],
    schema: S,
    handle: (body: z.output<S>) => Record<string, unknown>,
  ): void {
    router.post(paths, ...admit, async (req: Request, res: Response) => {
      const parsed = schema.safeParse(req.body);
      if (!parsed.success) {
        throw new RequestError('validation', 'request body failed validation', {
          fields: fieldIssues(parsed.error),
        });
      }
      await context.pause(faults.latencyMs(requestPath(req)));
      replyBankingSuccess(res, handle(parsed.data));
    });
  }

  post(['/api/v4/user/create'], createUserRequest, (body) =>
    createUser(state, body, { uniqueEmails: options.uniqueEmails, now: options.now() }),
  );
  post(['/api/v4/user/get-all'], listUsersRequest, (query) => listUsers(state, query));
  post(['/api/v4/user/send-verification-request'], sendVerificationRequest, (body) => {
    const user = kyc.submit(body.user_id, body.ssn);
    return { user_id: user.id, kyc_status: user.kycStatus };
  });
  post(['/api/v4/user/check-verification-request'], checkVerificationRequest, (body) => {
    const user = state.user(body.user_id);
    return { user_id: user.id, kyc_status: user.kycStatus };
  });
  post(['/api/v4/business/routable-bank-accounts/issue'], issueRoutableAccountRequest, (body) =>
    issueRoutableAccount(state, webhooks, body, options.now()),
  );
  // Seed 002 documents this call under /api/v3; it is served under /api/v4 too.
  post(
    ['/api/v3/users/bank-accounts/save', '/api/v4/users/bank-accounts/save'],
    saveBankAccountRequest,
    (body) => saveBankAccount(state, body, options.now()),
  );

  router.use(refusalHandler('banking', options.bodyLimitBytes, log, replyBankingError));
  return router;
}
