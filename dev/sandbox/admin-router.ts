import express, { type Router } from 'express';
import { z } from 'zod';
import { fieldIssues } from '../../src/validation';
import { replyBankingError } from './banking-envelope';
import type { SandboxContext } from './context';
import { faultsUpdate } from './faults';
import { refusalHandler, RequestError } from './request-error';

/**
 * The sandbox's own admin API under `/_sandbox` (INGO-API.md section 5). Unsigned, which is why
 * the sandbox binds to loopback by default. Errors use the Banking error body. Never answers with
 * more personal data than an operator needs: SSN last four only, account numbers masked.
 */

const ADMIN_BODY_LIMIT_BYTES = 64 * 1024;

const decisionBody = z.strictObject({ status: z.enum(['verified', 'failed']) });

const settingsUpdate = z.strictObject({
  /** null forgets the URL: events are then recorded and their deliveries wait. */
  webhookUrl: z
    .url({ protocol: /^https?$/ })
    .nullable()
    .optional(),
  kycDelayMs: z.number().int().min(0).max(3_600_000).optional(),
});

/** `GET /webhooks?user_id=…&event_type=…`: each given filter must match. */
const webhooksQuery = z.strictObject({
  user_id: z.string().min(1).max(255).optional(),
  event_type: z.string().min(1).max(255).optional(),
});

function parse<S extends z.ZodType>(schema: S, body: unknown, what = 'request body'): z.output<S> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) {
    throw new RequestError('validation', `${what} failed validation`, {
      fields: fieldIssues(parsed.error),
    });
  }
  return parsed.data;
}

const lastFour = (digits: string) => digits.slice(-4);

export function adminRouter(context: SandboxContext, reset: () => void): Router {
  const { state, faults, kyc, webhooks, log } = context;
  const router = express.Router();
  router.use(express.json({ limit: ADMIN_BODY_LIMIT_BYTES }));

  const settings = () => ({ webhookUrl: webhooks.webhookUrl ?? null, kycDelayMs: kyc.delayMs });

  router.get('/stats', (_req, res) => {
    res.json({
      usersCreated: state.usersCreated,
      accountsIssued: state.accountsIssued,
      bankAccountsLinked: state.bankAccountsLinked,
      tokensIssued: state.tokensIssued,
      calls: Object.fromEntries(state.calls),
      webhooks: webhooks.stats(),
      faults: faults.counts,
    });
  });

  router.get('/users/:userId', (req, res) => {
    const user = state.user(req.params.userId);
    res.json({
      id: user.id,
      first_name: user.firstName,
      last_name: user.lastName,
      email: user.email,
      kyc_status: user.kycStatus,
      ssn_last_four: user.ssnLastFour ?? null,
      meta_data: user.metaData,
      created_at: user.createdAt,
      routable_accounts: [...state.routableAccounts.values()]
        .filter((account) => account.userId === user.id)
        .map((account) => ({
          id: account.id,
          account_number_last_4: lastFour(account.accountNumber),
          routing_number: account.routingNumber,
          created_at: account.createdAt,
        })),
      bank_accounts: [...state.linkedBankAccounts.values()]
        .filter((account) => account.userId === user.id)
        .map((account) => ({
          id: account.id,
          account_number_last_4: account.accountNumberLast4,
          routing_number: account.routingNumber,
          bank_name: account.bankName,
          created_at: account.createdAt,
        })),
    });
  });

  router.get('/webhooks', (req, res) => {
    const query = parse(webhooksQuery, req.query, 'query');
    res.json({ events: webhooks.list({ userId: query.user_id, eventType: query.event_type }) });
  });

  router.post('/webhooks/:eventId/redeliver', (req, res) => {
    const redelivery = webhooks.redeliver(req.params.eventId);
    if (redelivery === undefined) {
      throw new RequestError('not_found', 'no such webhook event', {
        event_id: req.params.eventId,
      });
    }
    res.json(redelivery);
  });

  router.post('/kyc/:userId/decision', (req, res) => {
    const { status } = parse(decisionBody, req.body);
    const user = kyc.decide(req.params.userId, status);
    res.json({ user_id: user.id, kyc_status: user.kycStatus });
  });

  router.get('/faults', (_req, res) => {
    res.json(faults.settings);
  });

  router.put('/faults', (req, res) => {
    res.json(faults.update(parse(faultsUpdate, req.body)));
  });

  router.get('/settings', (_req, res) => {
    res.json(settings());
  });

  router.put('/settings', (req, res) => {
    const update = parse(settingsUpdate, req.body);
    if (update.kycDelayMs !== undefined) kyc.delayMs = update.kycDelayMs;
    if (update.webhookUrl !== undefined) webhooks.setUrl(update.webhookUrl ?? undefined);
    res.json(settings());
  });

  router.post('/reset', (_req, res) => {
    reset();
    log.info('sandbox reset');
    res.json({ reset: true });
  });

  router.use(refusalHandler('admin', ADMIN_BODY_LIMIT_BYTES, log, replyBankingError));
  return router;
}
