import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { OnboardingApiClient } from '../../src/api/client';
import { SEARCH_ATTRIBUTES } from '../../src/contract/search-attributes';
import { freePorts, listening } from '../../dev/stack/free-ports';
import { until } from '../sandbox/helpers';
import { projectFreeEnv } from '../../dev/stack/scripted-stack';
import { alive, lines, ROOT, runStack, type StackRun } from './stack-process';

// `npm start` for real: every part as its own process on free ports, one onboarding through the
// API to completion, Ctrl-C, a restart on the same state, and a part that dies taking the stack
// down. After each, no process of the stack may be left.

const PARTS = ['temporal', 'sandbox', 'codec', 'api', 'worker'];
const COMPONENTS = new Set(['stack', ...PARTS]);
const EXAMPLE = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../../docs/examples/onboarding-request.json'), 'utf8'),
) as Parameters<OnboardingApiClient['start']>[0];

const runs: StackRun[] = [];
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-start-'));

async function stackEnv() {
  const [api, sandbox, codec, temporal, ui] = await freePorts(5);
  return {
    ports: { api: api!, sandbox: sandbox!, codec: codec!, temporal: temporal!, ui: ui! },
    env: {
      ONBOARDING_API_PORT: String(api),
      INGO_SANDBOX_PORT: String(sandbox),
      CODEC_SERVER_PORT: String(codec),
      TEMPORAL_DEV_SERVER_PORT: String(temporal),
      TEMPORAL_DEV_SERVER_UI_PORT: String(ui),
      DATA_DIR: dataDir,
      // Configuration, as a person would shorten them further than local.env does.
      ONBOARDING_KYC_GRACE_PERIOD: '2 seconds',
      ONBOARDING_KYC_POLL_INTERVAL: '1 second',
      INGO_SANDBOX_KYC_DELAY_MS: '200',
    },
  };
}

function start(env: Record<string, string>, args: string[] = []): StackRun {
  const run = runStack(env, args);
  runs.push(run);
  return run;
}

async function expectNothingLeft(run: StackRun, pids: number[]) {
  await run.exited;
  await until(() => Promise.resolve(pids.every((pid) => !alive(pid))), 5_000);
  expect(pids.filter(alive)).toEqual([]);
}

afterEach(() => {
  for (const run of runs.splice(0)) {
    // A failed test must not leave a stack running for the next one.
    const pids = [
      run.child.pid!,
      ...run.entries.flatMap((entry) =>
        Object.values((entry.pids ?? {}) as Record<string, number>),
      ),
    ];
    for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
  }
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('npm start', () => {
  it('runs the whole system, completes an onboarding, stops on Ctrl-C, and keeps its state', async () => {
    const { ports, env } = await stackEnv();
    const first = start(env);
    const facts = await first.ready;
    expect(Object.keys(facts.pids).sort()).toEqual([...PARTS].sort());
    expect(facts).toMatchObject({
      api: `http://127.0.0.1:${ports.api}/v1/onboardings`,
      webhooks: `http://127.0.0.1:${ports.api}/webhooks/ingo`,
      temporalUi: `http://localhost:${ports.ui}`,
      sandbox: `http://127.0.0.1:${ports.sandbox}`,
    });
    for (const port of Object.values(ports)) expect(await listening(port)).toBe(true);

    // The Web UI decodes through the codec server; the search attributes exist; state in DATA_DIR.
    const settings = (await (
      await fetch(`http://127.0.0.1:${ports.ui}/api/v1/settings`)
    ).json()) as { Codec?: { Endpoint?: string } };
    expect(settings.Codec?.Endpoint).toBe(
      `http://127.0.0.1:${ports.codec}/codec/local-codec-token`,
    );
    const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    try {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({
        namespace: 'default',
      });
      expect(Object.keys(customAttributes)).toEqual(
        expect.arrayContaining(SEARCH_ATTRIBUTES.map((key) => key.name)),
      );
    } finally {
      await connection.close();
    }
    expect(fs.existsSync(path.join(dataDir, 'temporal.sqlite'))).toBe(true);

    const client = new OnboardingApiClient({
      baseUrl: `http://127.0.0.1:${ports.api}`,
      token: 'local-dev-token',
    });
    const signupId = `npm-start-${Date.now()}`;
    await client.start({ ...EXAMPLE, signupId });
    let status = '';
    await until(async () => {
      status = (await client.get(signupId)).status;
      return status === 'completed';
    }, 30_000).catch(() => {
      throw new Error(`onboarding ${status}:\n${lines(first.entries)}`);
    });

    // The demo against this stack: every SSN outcome reaches its final state (short timings from
    // the environment above, as configuration).
    // Not spawnSync: this process must keep reading the stack's output meanwhile.
    const demo = spawn('npm', ['run', '--silent', 'demo'], {
      cwd: ROOT,
      env: { ...projectFreeEnv(), ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let demoOutput = '';
    demo.stdout.on('data', (chunk: Buffer) => (demoOutput += chunk.toString()));
    const [demoCode] = (await once(demo, 'close')) as [number | null];
    expect(demoOutput).toContain('All 6 scenarios reached their expected state.');
    expect(demoCode).toBe(0);

    // Every line names its part, and no personal value of the applicant is in any of them.
    expect(first.entries.filter((entry) => !COMPONENTS.has(entry.component))).toEqual([]);
    for (const part of PARTS) {
      expect(first.entries.some((entry) => entry.component === part)).toBe(true);
    }
    const everything = JSON.stringify(first.entries) + first.text.join('\n');
    expect(everything).not.toContain(EXAMPLE.applicant.ssn);
    expect(everything).not.toContain(EXAMPLE.applicant.dateOfBirth);

    first.interrupt();
    // Where the shell execs the script, npm forwards the same Ctrl-C once more: still a clean stop.
    process.kill(facts.pid as number, 'SIGINT');
    // npm waits for the stack to stop, then ends by the signal, as a shell expects of a Ctrl-C.
    expect(await first.exited).toEqual({ code: null, signal: 'SIGINT' });
    await expectNothingLeft(first, [...Object.values(facts.pids), first.child.pid!]);
    for (const port of Object.values(ports)) expect(await listening(port)).toBe(false);
    expect(first.entries.at(-1)).toMatchObject({ component: 'stack', msg: 'stack stopped' });
    expect(first.entries.some((entry) => entry.msg.startsWith('second signal'))).toBe(false);
    // The API stopped first, so no new work arrived while the worker finished; Temporal last.
    const stopped = (component: string) =>
      first.entries.findIndex(
        (entry) => entry.component === component && /stopping/.test(entry.msg),
      );
    expect(stopped('api')).toBeGreaterThan(-1);
    expect(stopped('api')).toBeLessThan(stopped('worker'));

    // Onboardings survive a restart: the dev server keeps them in DATA_DIR.
    const second = start(env);
    const again = await second.ready;
    expect((await client.get(signupId)).status).toBe('completed');

    // A part that dies takes the stack down, saying which, and leaves nothing running.
    process.kill(again.pids.worker!, 'SIGKILL');
    expect(await second.exited).toEqual({ code: 1, signal: null });
    expect(second.entries).toContainEqual(
      expect.objectContaining({
        component: 'stack',
        level: 60,
        msg: 'worker stopped unexpectedly (killed by SIGKILL); stopping the whole stack',
      }),
    );
    await expectNothingLeft(second, [...Object.values(again.pids), second.child.pid!]);
  }, 180_000);

  it('shares its state with no second stack, and cleans up after one that was killed', async () => {
    const { env } = await stackEnv();
    const first = start(env);
    const facts = await first.ready;

    const second = start(env);
    expect(await second.exited).toEqual({ code: 1, signal: null });
    expect(second.entries).toContainEqual(
      expect.objectContaining({
        level: 60,
        msg: expect.stringContaining(
          `another npm start (pid ${facts.pid as number}) runs on DATA_DIR`,
        ) as unknown,
      }),
    );
    expect(Object.values(facts.pids).every(alive)).toBe(true);

    // Killed outright: its Node parts notice and stop; the dev server cannot, and stays.
    process.kill(facts.pid as number, 'SIGKILL');
    await first.exited;
    const { temporal, ...nodeParts } = facts.pids;
    await until(
      () => Promise.resolve(Object.values(nodeParts).every((pid) => !alive(pid))),
      30_000,
    );
    expect(alive(temporal!)).toBe(true);

    // The next start stops what was left behind, then starts as usual.
    const third = start(env);
    const again = await third.ready;
    expect(third.entries).toContainEqual(
      expect.objectContaining({
        component: 'stack',
        level: 40,
        pid: again.pid,
        part: 'temporal',
        partPid: temporal,
        msg: 'temporal was left running by a stack that was killed: stopping it',
      }),
    );
    expect(alive(temporal!)).toBe(false);
    third.interrupt();
    await expectNothingLeft(third, [...Object.values(again.pids), third.child.pid!]);
  }, 180_000);

  it('stops everything it started when a part cannot start', async () => {
    const { ports, env } = await stackEnv();
    // Something else holds the API's port.
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(ports.api, '127.0.0.1', resolve));
    try {
      const run = start(env);
      expect(await run.exited).toEqual({ code: 1, signal: null });
      expect(run.entries).toContainEqual(
        expect.objectContaining({
          component: 'stack',
          level: 60,
          msg: expect.stringMatching(
            /onboarding API and webhook receiver (exited while starting|stopped unexpectedly)/,
          ) as unknown,
        }),
      );
      expect(run.entries.some((entry) => entry.msg === 'stack ready')).toBe(false);
      const started = run.entries
        .filter((entry) => entry.component !== 'stack' && typeof entry.pid === 'number')
        .map((entry) => entry.pid as number);
      expect(started.filter(alive)).toEqual([]);
      for (const port of [ports.sandbox, ports.codec, ports.temporal]) {
        expect(await listening(port)).toBe(false);
      }
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  }, 120_000);

  it('refuses a bad configuration before starting anything, naming the variable', async () => {
    const run = start({ ONBOARDING_API_PORT: 'abc', DATA_DIR: dataDir });
    expect(await run.exited).toEqual({ code: 1, signal: null });
    expect(run.entries).toEqual([
      expect.objectContaining({
        component: 'stack',
        level: 60,
        variables: [expect.objectContaining({ name: 'ONBOARDING_API_PORT' })],
      }),
    ]);
  });

  it('says how to use it when asked for a part it does not know', async () => {
    const run = start({ DATA_DIR: dataDir }, ['temporal', 'kafka']);
    expect(await run.exited).toEqual({ code: 2, signal: null });
    expect(run.entries[0]?.msg).toMatch(/^unknown part kafka\n\nUsage: npm start/);
  });
});
