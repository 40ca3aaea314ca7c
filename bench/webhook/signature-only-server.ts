import express from 'express';
import { pinoHttp } from 'pino-http';
import { config } from '../../src/config';
import { errorHandler, notFound } from '../../src/http/errors';
import { rejectionGate } from '../../src/http/rejection-limit';
import { serve } from '../../src/http/serve';
import { logger } from '../../src/logger';
import { readDelivery } from '../../src/webhooks/delivery';
import { signatureCheck } from '../../src/webhooks/signature-check';

/**
 * Benchmark scenario 3's comparison: the webhook receiver's own checks (the same `signatureCheck`
 * and `readDelivery`, behind the same request logging and error handler as the HTTP process),
 * answering 200 without signalling Temporal. What it saves against the real receiver is what the
 * signal costs. A process of its own, as the API is; it tells its parent its URL over IPC and stops
 * when the parent is gone or on SIGTERM.
 */

export type SignatureOnlyMessage = { type: 'listening'; url: string };

async function main(): Promise<void> {
  const settings = config();
  const log = logger.child({ component: 'webhooks' });
  const app = express();
  app.disable('x-powered-by');
  app.use(pinoHttp({ logger }));
  app.post(
    '/webhooks/ingo',
    ...signatureCheck(
      settings.ingo.webhookSecret,
      rejectionGate(settings.api.rejectedRequestsPerMinute),
    ),
    (req, res) => {
      const delivery = readDelivery(req);
      const eventId = delivery.kind === 'other' ? delivery.eventId : delivery.event.eventId;
      log.info(
        { eventId, kind: delivery.kind, outcome: 'verified_only' },
        'webhook delivery acknowledged',
      );
      res.status(200).json({ received: true, eventId, outcome: 'verified_only' });
    },
  );
  app.use(notFound);
  app.use(errorHandler(logger));
  const server = await serve(app, {
    host: '127.0.0.1',
    port: 0,
    logger,
    name: 'signature-only receiver',
  });
  const stop = () => void server.close(1_000).then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  const message: SignatureOnlyMessage = { type: 'listening', url: server.url };
  process.send?.(message);
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'signature-only receiver failed');
  process.exit(1);
});
