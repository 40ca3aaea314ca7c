import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import express, { type Express, type Request, type Response } from 'express';
import pinoHttp from 'pino-http';
import { adminRouter } from './admin-router';
import { replyBankingError } from './banking-envelope';
import { bankingRouter } from './banking-router';
import type { SandboxContext } from './context';
import { Faults } from './faults';
import { replyIngoPayError } from './ingopay-envelope';
import { ingoPayRouter } from './ingopay-router';
import { KycReviews } from './kyc';
import { sandboxOptions, type SandboxOptions, type SandboxOverrides } from './options';
import { RequestError } from './request-error';
import { SandboxState } from './state';
import { Timers } from './timers';
import { Webhooks } from './webhooks';

/**
 * The local Ingo sandbox (INGO-API.md section 5): Banking Platform, IngoPay gateway and the admin
 * API on one port. Built from explicit options so tests run it in-process on port 0.
 */

export interface RunningSandbox {
  /** Base URL, e.g. `http://127.0.0.1:4010`; Banking is under `/api/v4`, IngoPay under `/gateway`. */
  url: string;
  /** Stops every timer and delivery, then closes the server and its connections. */
  close: () => Promise<void>;
}

export interface Sandbox {
  app: Express;
  options: SandboxOptions;
  state: SandboxState;
  webhooks: Webhooks;
  /** Forgets everything (POST /_sandbox/reset): data, stats, events, faults and settings. */
  reset: () => void;
  /** Listens on `options.host:options.port` (port 0: any free port). Call once. */
  start: () => Promise<RunningSandbox>;
}

/** Tight enough that a stuck client cannot hold a connection for long, loose enough for latency faults. */
const SERVER_TIMEOUTS = { headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 5_000 };

function accessLogLevel(statusCode: number, error: Error | undefined): 'error' | 'warn' | 'info' {
  if (error !== undefined || statusCode >= 500) return 'error';
  return statusCode >= 400 ? 'warn' : 'info';
}

export function createSandbox(overrides: SandboxOverrides = {}): Sandbox {
  const options = sandboxOptions(overrides);
  const log = options.logger;
  const state = new SandboxState();
  const faults = new Faults(options.faults);
  const timers = new Timers(log);
  const webhooks = new Webhooks(
    {
      url: options.webhookUrl,
      username: options.banking.username,
      secret: options.webhookSecret,
      maxAttempts: options.webhookMaxAttempts,
      retryBaseMs: options.webhookRetryBaseMs,
      retryMaxMs: options.webhookRetryMaxMs,
      timeoutMs: options.webhookTimeoutMs,
      now: options.now,
    },
    faults,
    timers,
    log,
  );
  const kyc = new KycReviews(state, webhooks, timers, log, options.now, options.kycDelayMs);
  // Aborted on close, so requests held by injected latency do not outlive the server.
  const lifetime = new AbortController();
  const context: SandboxContext = {
    options,
    state,
    faults,
    kyc,
    webhooks,
    log,
    pause: (ms) => (ms > 0 ? sleep(ms, undefined, { signal: lifetime.signal }) : Promise.resolve()),
  };

  const reset = () => {
    timers.cancelAll();
    kyc.reset();
    webhooks.reset();
    faults.reset();
    state.reset();
  };

  const app = express();
  app.disable('x-powered-by');
  app.use(
    pinoHttp({
      logger: log,
      // Method, path and status are all an access log needs; headers carry credentials.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, error) => accessLogLevel(res.statusCode, error),
    }),
  );
  app.use('/_sandbox', adminRouter(context, reset));
  app.use(bankingRouter(context));
  app.use(ingoPayRouter(context));
  app.use((req: Request, res: Response) => {
    const notFound = new RequestError('not_found', `no such endpoint: ${req.method} ${req.path}`);
    if (req.path.startsWith('/gateway/')) replyIngoPayError(res, notFound);
    else replyBankingError(res, notFound);
  });

  const start = async (): Promise<RunningSandbox> => {
    const server: Server = app.listen(options.port, options.host);
    Object.assign(server, SERVER_TIMEOUTS);
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return {
      url: `http://${host}:${address.port}`,
      close: async () => {
        lifetime.abort();
        timers.cancelAll();
        webhooks.stop();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
      },
    };
  };

  return { app, options, state, webhooks, reset, start };
}
