// The worker process and its Temporal plumbing: the pino adapter for the SDK Runtime, connection
// settings from @temporalio/envconfig, search attribute registration, and `src/worker.ts` itself
// run as a process against a real dev server and the in-process Ingo sandbox.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { SearchAttributeType } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { msToTs } from '@temporalio/common/lib/time';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflows } from '../../scripts/bundle-workflows';
import { loadConfig } from '../../src/config';
import { createSandbox } from '../../dev/sandbox/sandbox';
import type { RunningSandbox } from '../../dev/sandbox/sandbox';
import { temporalCliPath, temporalTestServerPath } from '../../dev/temporal/binaries';
import { connectClient, connectWorker, loadTemporalSettings } from '../../src/temporal/connection';
import { PinoRuntimeLogger, temporalLogLevel } from '../../src/temporal/runtime-logger';
import { registerSearchAttributes } from '../../src/temporal/search-attributes';
import { createOnboardingWorker, workflowCode } from '../../src/worker';
import { encryptedDataConverter } from '../../src/codec/data-converter';
import { captureLogs, type LogEntry } from '../fixtures/captured-logs';
import { keyringEnv, TEST_KEYRING } from '../fixtures/test-keyring';
import { startOnboarding } from '../../src/temporal/start-onboarding';
import { SEARCH_ATTRIBUTES } from '../../src/contract/search-attributes';
import { signup } from '../onboarding/harness';
import { installQuietRuntime } from '../../dev/temporal/quiet-runtime';

const ROOT = path.resolve(__dirname, '../..');
const KEYWORD = encodeSearchAttributeIndexedValueType(SearchAttributeType.KEYWORD);
const SEARCH_ATTRIBUTE_NAMES = SEARCH_ATTRIBUTES.map((key) => key.name);
const silent = pino({ level: 'silent' });

const tempDirs: string[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'worker-test-'));
  tempDirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('runtime logger', () => {
  it("writes the SDK's levels, message and metadata as pino lines", () => {
    const { logger, entries } = captureLogs();
    const runtimeLogger = new PinoRuntimeLogger(logger);
    const meta = { sdkComponent: 'worker', taskQueue: 'q', [Symbol.for('log_timestamp')]: 1n };
    runtimeLogger.trace('t', meta);
    runtimeLogger.debug('d', meta);
    runtimeLogger.info('i', meta);
    runtimeLogger.warn('w', meta);
    runtimeLogger.error('e', meta);
    runtimeLogger.log('WARN', 'via log');
    runtimeLogger.info('no meta');
    expect(entries().map(({ level, msg }) => [level, msg])).toEqual([
      [10, 't'],
      [20, 'd'],
      [30, 'i'],
      [40, 'w'],
      [50, 'e'],
      [40, 'via log'],
      [30, 'no meta'],
    ]);
    expect(entries()[2]).toMatchObject({ sdkComponent: 'worker', taskQueue: 'q' });
  });

  it('serialises the error the SDK passes as `error`', () => {
    const { logger, entries } = captureLogs();
    new PinoRuntimeLogger(logger).error('Worker failed', { error: new TypeError('boom') });
    expect(entries()[0]?.err).toMatchObject({ type: 'TypeError', message: 'boom' });
    expect(entries()[0]?.err).toHaveProperty('stack');
  });

  it('keeps redacting personal data logged through workflow or activity loggers', () => {
    const { logger, entries } = captureLogs();
    new PinoRuntimeLogger(logger).info('KYC submitted', {
      workflowId: 'onboarding-s1',
      ssn: '123451234',
      applicant: { dateOfBirth: '1990-04-12', firstName: 'Jane' },
      ingo: { apiKey: 'k-123' },
    });
    const text = JSON.stringify(entries());
    for (const secret of ['123451234', '1990-04-12', 'k-123']) expect(text).not.toContain(secret);
    expect(entries()[0]).toMatchObject({ workflowId: 'onboarding-s1', ssn: '[redacted]' });
  });

  it("maps our log level to Core's filter", () => {
    expect(temporalLogLevel('trace')).toBe('TRACE');
    expect(temporalLogLevel('info')).toBe('INFO');
    expect(temporalLogLevel('fatal')).toBe('ERROR');
    expect(temporalLogLevel('silent')).toBe('ERROR');
  });
});

describe('Temporal connection settings', () => {
  it('default to a local server and the default namespace', () => {
    expect(loadTemporalSettings({})).toMatchObject({
      address: 'localhost:7233',
      namespace: 'default',
      tls: false,
      connectionOptions: { address: 'localhost:7233' },
    });
  });

  it('come from TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE; empty means unset', () => {
    expect(
      loadTemporalSettings({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_NAMESPACE: 'payments' }),
    ).toMatchObject({ address: 'temporal:7233', namespace: 'payments', tls: false });
    expect(loadTemporalSettings({ TEMPORAL_ADDRESS: '' }).address).toBe('localhost:7233');
  });

  it('turn TLS on with an API key (Temporal Cloud)', () => {
    const settings = loadTemporalSettings({
      TEMPORAL_ADDRESS: 'eu-west-1.aws.api.temporal.io:7233',
      TEMPORAL_NAMESPACE: 'onboarding.a1b2c',
      TEMPORAL_API_KEY: 'cloud-key',
    });
    expect(settings).toMatchObject({ namespace: 'onboarding.a1b2c', tls: true });
    expect(settings.connectionOptions).toMatchObject({ apiKey: 'cloud-key', tls: true });
  });

  it('read a profile from TEMPORAL_CONFIG_FILE, with the variables taking precedence', () => {
    const file = path.join(tempDir(), 'temporal.toml');
    fs.writeFileSync(
      file,
      [
        '[profile.default]',
        'address = "localhost:7233"',
        '[profile.staging]',
        'address = "temporal.staging:7233"',
        'namespace = "onboarding-staging"',
        '[profile.staging.tls]',
        'server_name = "temporal.staging"',
      ].join('\n'),
    );
    const staging = loadTemporalSettings({
      TEMPORAL_CONFIG_FILE: file,
      TEMPORAL_PROFILE: 'staging',
    });
    expect(staging).toMatchObject({
      address: 'temporal.staging:7233',
      namespace: 'onboarding-staging',
      tls: true,
    });
    expect(
      loadTemporalSettings({
        TEMPORAL_CONFIG_FILE: file,
        TEMPORAL_PROFILE: 'staging',
        TEMPORAL_NAMESPACE: 'override',
      }).namespace,
    ).toBe('override');
  });

  it('fail naming the problem, without quoting a secret from the file', () => {
    const dir = tempDir();
    expect(() =>
      loadTemporalSettings({ TEMPORAL_CONFIG_FILE: path.join(dir, 'nope.toml') }),
    ).toThrow(/TEMPORAL_CONFIG_FILE .*nope\.toml does not exist/);

    const file = path.join(dir, 'temporal.toml');
    fs.writeFileSync(file, '[profile.default]\naddress = "x:7233"\n');
    expect(() =>
      loadTemporalSettings({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod' }),
    ).toThrow(/Invalid Temporal connection settings .*Profile 'prod' not found/);

    fs.writeFileSync(file, '[profile.default]\napi_key = "leaked-key\n');
    let message = '';
    try {
      loadTemporalSettings({ TEMPORAL_CONFIG_FILE: file });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Invalid Temporal connection settings .*TOML/);
    expect(message).not.toContain('leaked-key');
  });
});

describe('worker on a Temporal dev server', () => {
  let env: TestWorkflowEnvironment | undefined;
  let sandbox: RunningSandbox | undefined;

  beforeAll(async () => {
    installQuietRuntime();
    const [started, running] = await Promise.all([
      TestWorkflowEnvironment.createLocal({
        server: {
          executable: { type: 'existing-path', path: temporalCliPath() },
          searchAttributes: [...SEARCH_ATTRIBUTES],
        },
        client: { dataConverter: encryptedDataConverter(TEST_KEYRING) },
      }),
      createSandbox({ port: 0, kycDelayMs: 50, logger: silent }).start(),
    ]);
    env = started;
    sandbox = running;
  });

  afterAll(async () => {
    try {
      await sandbox?.close();
    } finally {
      await env?.teardown();
    }
  });

  /** Settings as the worker process reads them from its environment. */
  const settings = () =>
    loadTemporalSettings({ TEMPORAL_ADDRESS: env!.address, TEMPORAL_NAMESPACE: 'default' });

  it('connects worker and client where the settings say', async () => {
    const worker = await connectWorker(settings());
    await worker.connection.close();
    expect(worker).toMatchObject({ namespace: 'default', address: env!.address });

    const { client, connection, namespace } = await connectClient(settings());
    try {
      expect(namespace).toBe('default');
      expect(client.options.namespace).toBe('default');
      const { namespaceInfo } = await connection.workflowService.describeNamespace({ namespace });
      expect(namespaceInfo?.name).toBe('default');
    } finally {
      await connection.close();
    }
  });

  it('names the address it could not reach', async () => {
    await expect(
      connectWorker(loadTemporalSettings({ TEMPORAL_ADDRESS: '127.0.0.1:1' })),
    ).rejects.toThrow(/^Cannot connect to Temporal at 127\.0\.0\.1:1 \(namespace default, TLS off/);
  });

  /**
   * A namespace without our search attributes: the dev server gives the ones it was started with
   * to every namespace that exists at start-up, so this one is registered afterwards.
   */
  async function bareNamespace(): Promise<string> {
    const namespace = `bare-${randomUUID()}`;
    await env!.connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs('1 day'),
    });
    return namespace;
  }

  it('registers the search attributes once, however often it runs', async () => {
    const { connection } = env!;
    const freshNamespace = await bareNamespace();
    expect(await registerSearchAttributes(connection, freshNamespace)).toEqual(
      SEARCH_ATTRIBUTE_NAMES,
    );
    expect(await registerSearchAttributes(connection, freshNamespace)).toEqual([]);
    const { customAttributes } = await connection.operatorService.listSearchAttributes({
      namespace: freshNamespace,
    });
    for (const name of SEARCH_ATTRIBUTE_NAMES) expect(customAttributes[name]).toBe(KEYWORD);
  });

  it('refuses a namespace where one exists with another type, adding nothing', async () => {
    const { connection } = env!;
    const clashNamespace = await bareNamespace();
    await connection.operatorService.addSearchAttributes({
      namespace: clashNamespace,
      searchAttributes: { KycStatus: encodeSearchAttributeIndexedValueType('TEXT')! },
    });
    await expect(registerSearchAttributes(connection, clashNamespace)).rejects.toThrow(
      /KycStatus must be Keyword/,
    );
    const { customAttributes } = await connection.operatorService.listSearchAttributes({
      namespace: clashNamespace,
    });
    expect(customAttributes).not.toHaveProperty('OnboardingStatus');
  });

  it('runs the worker process: starts, onboards a signup, stops cleanly on SIGTERM', async () => {
    const taskQueue = `worker-process-${randomUUID()}`;
    const child = spawnWorker({
      TEMPORAL_ADDRESS: env!.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: taskQueue,
      INGO_BANKING_BASE_URL: `${sandbox!.url}/api/v4`,
      INGO_PAY_BASE_URL: sandbox!.url,
      ...keyringEnv(TEST_KEYRING),
    });
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    const log = readLog(child);
    try {
      const started = await log.waitFor('worker started', exited);
      expect(started).toMatchObject({
        taskQueue,
        namespace: 'default',
        address: env!.address,
        tls: false,
        workflows: 'source',
        encryptionKey: TEST_KEYRING.current.id,
      });

      // Verified by the sandbox (SSN ending 1234), polled for quickly.
      const request = signup({
        ssnLast4: '1234',
        timing: { kycGracePeriod: '1 second', kycPollInterval: '1 second' },
      });
      const handle = await startOnboarding(env!.client, request, { taskQueue });
      const result = await handle.result();
      expect(result).toMatchObject({ outcome: 'completed', signupId: request.signupId });

      const stopping = Date.now();
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
      expect(Date.now() - stopping).toBeLessThan(15_000);
      expect(log.messages()).toEqual(
        expect.arrayContaining(['worker started', 'worker stopping', 'worker stopped']),
      );
      expect(log.lines.find((line) => line.msg === 'worker stopping')).toMatchObject({
        signal: 'SIGTERM',
      });
      // Nothing personal or secret reached the process's output, SDK lines included.
      const output = log.raw.join('\n');
      for (const secret of [request.applicant.ssn, 'sandbox-secret', 'sandbox-api-key']) {
        expect(output).not.toContain(secret);
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('exits non-zero, naming the address, when Temporal cannot be reached', async () => {
    const child = spawnWorker({ TEMPORAL_ADDRESS: '127.0.0.1:1' });
    const log = readLog(child);
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    const failed = log.lines.find((line) => line.msg === 'worker failed');
    expect((failed?.err as { message?: string } | undefined)?.message).toMatch(
      /^Cannot connect to Temporal at 127\.0\.0\.1:1 /,
    );
  });

  it('runs the production path: a prebuilt bundle next to the built entry point', async () => {
    const dist = tempDir();
    await bundleWorkflows(path.join(dist, 'workflow-bundle.js'));
    const code = workflowCode(path.join(dist, 'worker.js'));
    expect(code).toEqual({ workflowBundle: { codePath: path.join(dist, 'workflow-bundle.js') } });

    const taskQueue = `worker-bundle-${randomUUID()}`;
    const worker = await createOnboardingWorker({
      connection: env!.nativeConnection,
      namespace: 'default',
      taskQueue,
      ingo: sandboxConfig().ingo,
      keyring: TEST_KEYRING,
      logger: silent,
      code,
    });
    // A refused onboarding fails with an encoded failure: the bundle carries the failure converter.
    const request = signup({ ssnLast4: '1234' });
    const result: unknown = await worker
      .runUntil(
        env!.client.workflow.execute('onboarding', {
          taskQueue,
          workflowId: `onboarding-not-${request.signupId}`,
          args: [request],
        }),
      )
      .catch((error: unknown) => error);
    expect(worker.getState()).toBe('STOPPED');
    const failure = (result as { cause?: { message?: string } }).cause;
    expect(failure?.message).toMatch(/must run as workflow onboarding-/);
    const history = await env!.client.workflow
      .getHandle(`onboarding-not-${request.signupId}`)
      .fetchHistory();
    const failed = history.events!.at(-1)!.workflowExecutionFailedEventAttributes!.failure!;
    expect(failed.message).toBe('Encoded failure');
    expect(failed.encodedAttributes).toBeTruthy();
  });

  it('refuses to start built without a bundle, saying how to make one', () => {
    const dist = tempDir();
    expect(() => workflowCode(path.join(dist, 'worker.js'))).toThrow(
      /workflow-bundle\.js is missing: run `npm run build`/,
    );
    expect(workflowCode(path.join(ROOT, 'src', 'worker.ts'))).toEqual({
      workflowsPath: path.join(ROOT, 'src', 'workflows'),
    });
  });

  /** This process's configuration, pointed at the in-process sandbox. */
  function sandboxConfig() {
    return loadConfig({
      INGO_BANKING_BASE_URL: `${sandbox!.url}/api/v4`,
      INGO_PAY_BASE_URL: sandbox!.url,
    });
  }
});

describe('search attributes on the time-skipping test server', () => {
  it('registers them although that server cannot list them', async () => {
    installQuietRuntime();
    const env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
    });
    try {
      expect(await registerSearchAttributes(env.connection, 'default')).toEqual(
        SEARCH_ATTRIBUTE_NAMES,
      );
      expect(await registerSearchAttributes(env.connection, 'default')).toEqual([]);
    } finally {
      await env.teardown();
    }
  });
});

/**
 * `src/worker.ts` as one process (node with tsx's loader), so SIGTERM reaches the worker itself as
 * it does `node dist/worker.js`; `npx tsx` would put npm and the tsx CLI in between.
 */
function spawnWorker(env: Record<string, string>): ChildProcessWithoutNullStreams {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        !name.startsWith('TEMPORAL_') && !name.startsWith('INGO_') && !name.startsWith('PAYLOAD_'),
    ),
  );
  return spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
    cwd: ROOT,
    env: { ...inherited, LOG_LEVEL: 'info', ...env },
    stdio: 'pipe',
  });
}

/** The process's JSON log lines as they arrive. */
function readLog(child: ChildProcessWithoutNullStreams) {
  const raw: string[] = [];
  const lines: LogEntry[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    raw.push(line);
    try {
      lines.push(JSON.parse(line) as LogEntry);
    } catch {
      // not a JSON line; kept in `raw`
    }
  });
  child.stderr.on('data', (chunk: Buffer) => raw.push(chunk.toString()));
  return {
    raw,
    lines,
    messages: () => lines.map((line) => line.msg),
    /** The first line with this message; fails if the process exits or 60 s pass first. */
    async waitFor(msg: string, exited: Promise<unknown>): Promise<LogEntry> {
      let gone = false;
      void exited.then(() => (gone = true));
      const deadline = Date.now() + 60_000;
      for (;;) {
        const found = lines.find((line) => line.msg === msg);
        if (found) return found;
        if (gone || Date.now() > deadline) {
          throw new Error(`no "${msg}" log line; output:\n${raw.join('\n')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}
