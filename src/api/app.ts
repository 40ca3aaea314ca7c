import type { Client } from '@temporalio/client';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { errorHandler, HttpError, notFound } from '../http/errors';
import { createWebhookRouter } from '../webhooks/receiver';
import type { TimingRequest } from '../contract/onboarding-input';
import { createOnboardingApiRouter } from './onboardings-router';

/**
 * The orchestrator's HTTP process: Ingo's webhooks come in at `/webhooks/ingo`, the product
 * backend and operators use `/v1/onboardings`. Both only talk to Temporal, so the process is
 * stateless and runs as any number of replicas behind a load balancer.
 */

export interface AppOptions {
  client: Client;
  taskQueue: string;
  /** Timing for onboardings whose request names none (configuration). */
  timing?: TimingRequest;
  apiToken: string;
  webhookSecret: string;
  logger: Logger;
  rpcTimeoutMs: number;
  rejectedRequestsPerMinute: number;
  /** Express's `trust proxy` (e.g. `1`, `loopback`): per-client limits need the real address. */
  trustProxy?: string;
  /** While draining for shutdown, /readyz says so and the load balancer stops sending requests. */
  isDraining?: () => boolean;
}

const PROBES = new Set(['/healthz', '/readyz']);

/**
 * The request headers a log line keeps. An allow-list, not redaction: a credential or personal
 * value can arrive in any header (a misnamed token, a cookie, a proxy's), and none may be logged.
 */
const LOGGED_HEADERS = [
  'host',
  'user-agent',
  'content-type',
  'content-length',
  'content-encoding',
  'x-date',
  'x-request-id',
  'x-forwarded-for',
];

function loggedHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    LOGGED_HEADERS.flatMap((name) => (name in headers ? [[name, headers[name]]] : [])),
  );
}

export function createApp(options: AppOptions): Express {
  const { client, logger, rpcTimeoutMs } = options;
  const app = express();
  app.disable('x-powered-by');
  if (options.trustProxy !== undefined) app.set('trust proxy', trustProxyValue(options.trustProxy));

  app.use(
    pinoHttp({
      logger,
      autoLogging: { ignore: (req) => PROBES.has(req.url ?? '') },
      serializers: {
        req: (req: { headers: Record<string, unknown> }) => ({
          ...req,
          headers: loggedHeaders(req.headers),
        }),
      },
      customLogLevel: (_req, res, error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    if (options.isDraining?.()) {
      throw new HttpError(503, 'draining', 'shutting down');
    }
    try {
      await client.connection.withDeadline(Date.now() + rpcTimeoutMs, () =>
        client.workflowService.getSystemInfo({}),
      );
    } catch {
      throw new HttpError(503, 'temporal_unavailable', 'Temporal is not reachable', undefined, {
        'Retry-After': '5',
      });
    }
    res.json({ status: 'ready' });
  });

  app.use(
    createWebhookRouter({
      client,
      webhookSecret: options.webhookSecret,
      logger,
      rpcTimeoutMs,
      rejectedRequestsPerMinute: options.rejectedRequestsPerMinute,
    }),
  );
  app.use(
    createOnboardingApiRouter({
      client,
      taskQueue: options.taskQueue,
      timing: options.timing,
      token: options.apiToken,
      logger,
      rpcTimeoutMs,
      rejectedRequestsPerMinute: options.rejectedRequestsPerMinute,
    }),
  );
  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}

/** `trust proxy` takes a hop count, true/false, or addresses; env values arrive as strings. */
function trustProxyValue(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}
