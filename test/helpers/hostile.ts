import { randomUUID } from 'node:crypto';
import net from 'node:net';
import {
  Client,
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  type ConnectionOptions,
  type WorkflowClientInterceptor,
} from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Logger } from 'pino';
import { createApp } from '../../src/api/app';
import { encryptedDataConverter } from '../../src/codec/data-converter';
import { serve, type ServerTimeouts } from '../../src/http/serve';
import { signRequest } from '../../src/ingo/signing';
import { temporalCliPath } from '../../dev/temporal/binaries';
import { SEARCH_ATTRIBUTES } from '../../src/contract/search-attributes';
import { TEST_KEYRING } from '../fixtures/test-keyring';
import { installQuietRuntime } from '../../dev/temporal/quiet-runtime';

/**
 * What the hostile-input suites (test/hostile) share: a real Temporal dev server, a client that
 * records every call it makes to Temporal (through the SDK's own interceptors: a workflow client
 * interceptor for starts, signals, updates and queries, a gRPC interceptor for every RPC at all,
 * listings included), the HTTP process as production builds it (`createApp` served by `serve`),
 * and a raw HTTP/1.1 client that sends exactly the bytes it is given.
 */

// ---------------------------------------------------------------------------------------------
// Recording what reaches Temporal
// ---------------------------------------------------------------------------------------------

export type CallKind =
  | 'start'
  | 'signal'
  | 'signalWithStart'
  | 'startUpdate'
  | 'startUpdateWithStart'
  | 'query'
  | 'cancel'
  | 'terminate'
  | 'describe';

export interface RecordedCall {
  kind: CallKind;
  workflowId: string;
  /** Signal, query or update name, or the workflow type of a start. */
  name?: string;
  /** The arguments as the app handed them to the SDK (before encryption). */
  args: unknown[];
}

type GrpcInterceptor = NonNullable<ConnectionOptions['interceptors']>[number];

export class TemporalRecorder {
  /** Workflow-level calls, in order. */
  readonly calls: RecordedCall[] = [];
  /** Every gRPC method called on the connection (`/temporal.api…/ListWorkflowExecutions`). */
  readonly rpcs: string[] = [];

  /** For `new Client({ interceptors: { workflow: [recorder.workflow] } })`. */
  readonly workflow: WorkflowClientInterceptor = {
    startWithDetails: (input, next) => {
      this.record('start', input.options.workflowId, input.workflowType, input.options.args);
      return next(input);
    },
    signal: (input, next) => {
      this.record('signal', input.workflowExecution.workflowId, input.signalName, input.args);
      return next(input);
    },
    signalWithStart: (input, next) => {
      this.record('signalWithStart', input.options.workflowId, input.signalName, input.signalArgs);
      return next(input);
    },
    startUpdate: (input, next) => {
      this.record('startUpdate', input.workflowExecution.workflowId, input.updateName, input.args);
      return next(input);
    },
    startUpdateWithStart: (input, next) => {
      const { workflowId } = input.workflowStartOptions;
      this.record('startUpdateWithStart', workflowId, input.updateName, input.updateArgs);
      return next(input);
    },
    query: (input, next) => {
      this.record('query', input.workflowExecution.workflowId, input.queryType, input.args);
      return next(input);
    },
    cancel: (input, next) => {
      this.record('cancel', input.workflowExecution.workflowId, undefined, []);
      return next(input);
    },
    terminate: (input, next) => {
      this.record('terminate', input.workflowExecution.workflowId, undefined, []);
      return next(input);
    },
    describe: (input, next) => {
      this.record('describe', input.workflowExecution.workflowId, undefined, []);
      return next(input);
    },
  };

  /** For `Connection.connect({ interceptors: [...retry, recorder.grpc] })`. */
  readonly grpc: GrpcInterceptor = (options, nextCall) => {
    this.rpcs.push(options.method_definition.path);
    // grpc-js composes interceptors by calling the next one: passing the call on records it only.
    return nextCall(options) as ReturnType<GrpcInterceptor>;
  };

  reset(): void {
    this.calls.length = 0;
    this.rpcs.length = 0;
  }

  /** The recorded calls without their arguments, for compact assertions. */
  summary(): { kind: CallKind; workflowId: string; name?: string }[] {
    return this.calls.map(({ kind, workflowId, name }) => ({
      kind,
      workflowId,
      ...(name === undefined ? {} : { name }),
    }));
  }

  private record(kind: CallKind, workflowId: string, name: string | undefined, args: unknown) {
    this.calls.push({ kind, workflowId, name, args: Array.isArray(args) ? args : [] });
  }
}

export interface HostileTemporal {
  env: TestWorkflowEnvironment;
  /** The app's client: every call it makes is recorded. */
  client: Client;
  recorder: TemporalRecorder;
  stop(): Promise<void>;
}

/** A Temporal dev server (the project's binary, its search attributes) and a recording client. */
export async function startHostileTemporal(): Promise<HostileTemporal> {
  installQuietRuntime();
  const dataConverter = encryptedDataConverter(TEST_KEYRING);
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      searchAttributes: [...SEARCH_ATTRIBUTES],
    },
    client: { dataConverter },
  });
  const recorder = new TemporalRecorder();
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({
      address: env.address,
      // The SDK's default retry interceptor stays in place, as in production.
      interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions()), recorder.grpc],
    });
  } catch (error) {
    await env.teardown();
    throw error;
  }
  const client = new Client({
    connection,
    namespace: 'default',
    dataConverter,
    interceptors: { workflow: [recorder.workflow] },
  });
  recorder.reset();
  return {
    env,
    client,
    recorder,
    async stop() {
      await connection.close();
      await env.teardown();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The HTTP process
// ---------------------------------------------------------------------------------------------

export interface HostileAppOptions {
  client: Client;
  logger: Logger;
  apiToken?: string;
  webhookSecret?: string;
  rejectedRequestsPerMinute: number;
  timeouts?: ServerTimeouts;
  rpcTimeoutMs?: number;
  taskQueue?: string;
}

export interface HostileApp {
  url: string;
  port: number;
  taskQueue: string;
  close(): Promise<void>;
}

export const API_TOKEN = 'hostile-api-token-0123456789';
export const WEBHOOK_SECRET = 'hostile-webhook-secret';

/** The webhook receiver and the onboarding API as `startApi` builds them, on 127.0.0.1:0. */
export async function startHostileApp(options: HostileAppOptions): Promise<HostileApp> {
  const taskQueue = options.taskQueue ?? `hostile-${randomUUID()}`;
  const app = createApp({
    client: options.client,
    taskQueue,
    apiToken: options.apiToken ?? API_TOKEN,
    webhookSecret: options.webhookSecret ?? WEBHOOK_SECRET,
    logger: options.logger,
    rpcTimeoutMs: options.rpcTimeoutMs ?? 5_000,
    rejectedRequestsPerMinute: options.rejectedRequestsPerMinute,
  });
  const server = await serve(app, {
    host: '127.0.0.1',
    port: 0,
    logger: options.logger,
    name: 'hostile test app',
    timeouts: options.timeouts,
  });
  return {
    url: server.url,
    port: Number(new URL(server.url).port),
    taskQueue,
    close: () => server.close(500),
  };
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP/1.1
// ---------------------------------------------------------------------------------------------

export type HeaderList = [string, string][];

export interface RawRequest {
  method?: string;
  path: string;
  /** Sent in this order, duplicates included; Host and `Connection: close` are added. */
  headers?: HeaderList;
  body?: Buffer;
  /** Adds `Content-Length` for the body unless the headers name one (or Transfer-Encoding). */
  contentLength?: boolean;
}

/** The exact bytes of a request: header names and values are not checked or encoded. */
export function requestBytes(request: RawRequest): Buffer {
  const headers = request.headers ?? [];
  const named = (name: string) => headers.some(([n]) => n.toLowerCase() === name);
  const lines = [`${request.method ?? 'POST'} ${request.path} HTTP/1.1`, 'Host: 127.0.0.1'];
  for (const [name, value] of headers) lines.push(`${name}: ${value}`);
  if (
    request.body !== undefined &&
    request.contentLength !== false &&
    !named('content-length') &&
    !named('transfer-encoding')
  ) {
    lines.push(`Content-Length: ${request.body.length}`);
  }
  if (!named('connection')) lines.push('Connection: close');
  return Buffer.concat([
    Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'),
    request.body ?? Buffer.alloc(0),
  ]);
}

export interface ErrorBody {
  error?: { code?: string; message?: string; fields?: { field: string; message: string }[] };
  [key: string]: unknown;
}

export interface RawAnswer {
  /** 0 when no status line arrived. */
  status: number;
  headers: Record<string, string>;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: ErrorBody | undefined;
  text: string;
  /** A socket error (ECONNRESET, EPIPE) or `timeout`, when the exchange did not end cleanly. */
  error?: string;
  ms: number;
}

function parseAnswer(raw: Buffer, started: number, error?: string): RawAnswer {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text : text.slice(0, end);
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = end < 0 ? '' : raw.subarray(Buffer.byteLength(head, 'latin1') + 4).toString('utf8');
  let json: ErrorBody | undefined;
  try {
    json = body ? (JSON.parse(body) as ErrorBody) : undefined;
  } catch {
    json = undefined;
  }
  return { status, headers, json, text: body, ms: Date.now() - started, error };
}

export interface ExchangeOptions {
  /** Gives up (and reports `timeout`) after this long. */
  timeoutMs?: number;
  /** Binds the client side of the connection to this address (e.g. another 127.x address). */
  localAddress?: string;
}

/**
 * Sends the bytes on a fresh connection and reads until the server closes it (requests carry
 * `Connection: close`). Errors are reported in the answer, never thrown: a reset is a finding.
 */
export function exchange(
  port: number,
  request: RawRequest | Buffer,
  { timeoutMs = 15_000, localAddress }: ExchangeOptions = {},
): Promise<RawAnswer> {
  const bytes = Buffer.isBuffer(request) ? request : requestBytes(request);
  const started = Date.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let error: string | undefined;
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    const timer = setTimeout(() => {
      error ??= 'timeout';
      socket.destroy();
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      // EPIPE while still sending is expected when the server answers before reading it all.
      error ??= e.code ?? e.message;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const answer = parseAnswer(Buffer.concat(chunks), started, error);
      // An error after a whole answer arrived (the server closed while we still wrote) is moot.
      if (answer.status !== 0 && answer.error !== 'timeout') delete answer.error;
      resolve(answer);
    });
    // No half-close after the request: Node's server aborts a request whose client ended its
    // side (httpAllowHalfOpen is off). `Connection: close` makes the server close when done.
    socket.on('connect', () => socket.write(bytes));
  });
}

// ---------------------------------------------------------------------------------------------
// Webhook deliveries
// ---------------------------------------------------------------------------------------------

export const WEBHOOK_PATH = '/webhooks/ingo';

export interface SignOptions {
  secret?: string;
  date?: Date;
  contentType?: string;
  path?: string;
}

/** Headers of a delivery signed as Ingo signs (the project's signer, INGO-API.md section 1). */
export function signedHeaders(body: Buffer, options: SignOptions = {}): HeaderList {
  const headers = signRequest({
    method: 'POST',
    path: options.path ?? WEBHOOK_PATH,
    body,
    username: 'ingo',
    secret: options.secret ?? WEBHOOK_SECRET,
    date: options.date,
    contentType: options.contentType,
  });
  return Object.entries(headers);
}

let events = 0;
const run = randomUUID().slice(0, 8);

/** A fresh event id (unique in this process). */
export function eventId(): string {
  events += 1;
  return `inn_whe_${run}${String(events).padStart(8, '0')}`;
}

/** A delivery as Ingo documents it (INGO-API.md section 3), before serialisation. */
export interface DeliveryObject {
  event: unknown;
  data: Record<string, unknown>;
  [key: string]: unknown;
}

/** A delivery object as Ingo documents it (INGO-API.md section 3). */
export function delivery(event: string, data: Record<string, unknown> = {}): DeliveryObject {
  return {
    event,
    data: { event_id: eventId(), event_type: event, event_description: '', ...data },
    created_at: '21-11-2026 10:04 AM',
    updated_at: '21-11-2026 10:04 AM',
  };
}

export function kycDelivery(userId: string): DeliveryObject {
  return delivery('user.kyc.success', { user_id: userId, status: 'verified' });
}

export function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/** A signed POST /webhooks/ingo of these bytes. */
export function signedDelivery(body: Buffer, options: SignOptions = {}): RawRequest {
  return { path: options.path ?? WEBHOOK_PATH, headers: signedHeaders(body, options), body };
}

/** A fast-check seed: FC_SEED when set (to replay a failure), else a fixed one. */
export function fcSeed(fallback: number): number {
  const given = Number(process.env.FC_SEED);
  return Number.isInteger(given) && process.env.FC_SEED ? given : fallback;
}
