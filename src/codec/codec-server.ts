import express from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { errorHandler, notFound } from '../http/errors';
import { serve } from '../http/serve';
import { CODEC_PATH, codecRouter, redactCodecToken } from './codec-router';
import { EncryptionCodec } from './encryption-codec';
import type { Keyring } from './keyring';

/**
 * The codec server: the Temporal Web UI and CLI send it the encrypted payloads they show, it
 * answers with them decrypted. It holds the keys, so it listens on loopback by default, answers
 * only to the codec token, and never logs the token or a payload.
 */

export interface CodecServerOptions {
  keyring: Keyring;
  token: string;
  corsOrigins: readonly string[];
  host: string;
  /** 0: any free port (tests). */
  port: number;
  logger: Logger;
  /** As REJECTED_REQUESTS_PER_MINUTE, whose default this is. */
  rejectedRequestsPerMinute?: number;
}

export interface RunningCodecServer {
  /** `http://host:port`; the endpoints are under `/codec`. */
  url: string;
  close(): Promise<void>;
}

export async function startCodecServer(options: CodecServerOptions): Promise<RunningCodecServer> {
  const { logger } = options;
  const app = express();
  app.disable('x-powered-by');
  // For container health checks: says nothing but that the process serves, so it needs no token.
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(
    pinoHttp({
      logger,
      // Method, path and status are all an access log needs; headers carry the token.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: redactCodecToken(req.url),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    }),
  );
  app.use(
    CODEC_PATH,
    codecRouter({
      codec: new EncryptionCodec(options.keyring),
      token: options.token,
      corsOrigins: options.corsOrigins,
      rejectedRequestsPerMinute: options.rejectedRequestsPerMinute ?? 60,
    }),
  );
  app.use(notFound);
  app.use(errorHandler(logger));

  const server = await serve(app, {
    host: options.host,
    port: options.port,
    logger,
    name: 'codec server',
  });
  return { url: server.url, close: () => server.close() };
}
